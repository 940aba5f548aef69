using ImapLib.Testing;
using ImapLib.Tests.Support;
using ScriptedIMAP4 = ImapLib.Testing.ScriptedIMAP4;

namespace ImapLib.Tests.Features;

/// <summary>An IMAP4 is for one thread at a time: a second thread's call while a command is in progress gets a clear
/// error and changes nothing; the first call completes untouched; between commands a connection may change threads.</summary>
public class OneThreadTests
{
    /// <summary>A scripted connection whose next read waits until the test opens the gate.</summary>
    private sealed class GatedIMAP4(string transcript) : ScriptedIMAP4(transcript)
    {
        public ManualResetEventSlim Reading { get; } = new();
        public ManualResetEventSlim Gate { get; } = new(initialState: true);

        public override PyBytes readline()
        {
            if (!Gate.IsSet) Reading.Set();
            Gate.Wait();
            return base.readline();
        }
    }

    private const string Session = """
        S: * PREAUTH ready
        C: {tag} CAPABILITY
        S: * CAPABILITY IMAP4rev1
        S: {tag} OK done
        C: {tag} SELECT INBOX
        S: * 2 EXISTS
        S: {tag} OK [READ-WRITE] done
        C: {tag} FETCH 1 (FLAGS)
        S: * 1 FETCH (FLAGS (\Seen))
        S: {tag} OK done
        C: {tag} NOOP
        S: {tag} OK done
        """;

    [Test]
    public void A_second_thread_is_refused_while_a_command_is_in_progress_and_the_first_completes()
    {
        using var M = new GatedIMAP4(Session);
        M.select();
        M.Gate.Reset();
        ImapResult fetched = default;
        var first = new Thread(() => fetched = M.fetch("1", "(FLAGS)"));
        first.Start();
        M.Reading.Wait();   // the fetch is sent and waits for its reply

        var e = Assert.Throws<IMAP4.error>(() => M.search(null, "ALL"))!;
        Assert.That(e.Message, Does.StartWith("this IMAP4 connection is in use by another thread (managed thread "));
        Assert.Throws<IMAP4.error>(() => M._get_response(), "reading from another thread is refused too");

        M.Gate.Set();
        first.Join();
        Assert.That(fetched.ToString(), Is.EqualTo("('OK', [b'1 (FLAGS (\\\\Seen))'])"));
        // Between commands the connection may move to another thread: this one goes on.
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        M.AssertComplete();   // the refused search sent nothing
    }

    [Test]
    public void A_connection_made_on_one_thread_is_used_on_another()
    {
        ScriptedIMAP4? M = null;
        var maker = new Thread(() => M = new ScriptedIMAP4(Session[..(Session.IndexOf("C: {tag} FETCH", StringComparison.Ordinal))]));
        maker.Start();
        maker.Join();
        Assert.That(M!.select().typ, Is.EqualTo("OK"));
        M.AssertComplete();
    }

    [Test, Category("Server")]
    public void Two_threads_on_one_Dovecot_connection_get_errors_never_a_broken_session()
    {
        var account = Dovecot.NewAccount();
        using var M = new IMAP4(Dovecot.Server.Host, Dovecot.Server.Port, 30);
        M.login(account.User, account.Password);
        for (int i = 0; i < 5; i++) M.append("INBOX", null, null, System.Text.Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\nbody {i}\r\n"));
        M.select();
        // Each thread runs its command 100 times, again when refused; whichever thread comes second while the other's
        // command is in progress is refused, and nothing else may happen: no abort, no wrong result.
        const string Busy = "this IMAP4 connection is in use by another thread";
        int Repeat(Func<bool> command)
        {
            int refusals = 0;
            for (int done = 0; done < 100;)
            {
                try
                {
                    if (!command()) throw new InvalidOperationException("a wrong result");
                    done++;
                }
                catch (IMAP4.error e) when (e is not IMAP4.abort && e.Message.StartsWith(Busy, StringComparison.Ordinal))
                {
                    refusals++;
                    Thread.Yield();
                }
            }
            return refusals;
        }
        int fetchRefused = 0;
        Exception? fetcherFailure = null;
        var fetcher = new Thread(() =>
        {
            try { fetchRefused = Repeat(() => M.fetch("1:5", "(RFC822.SIZE)") is ("OK", { Count: 5 })); }
            catch (Exception e) { fetcherFailure = e; }
        });
        fetcher.Start();
        int searchRefused = Repeat(() => M.search(null, "ALL").ToString() == "('OK', [b'1 2 3 4 5'])");
        fetcher.Join();
        Assert.That(fetcherFailure, Is.Null);
        TestContext.Out.WriteLine($"100 searches and 100 fetches; refused: {searchRefused} searches, {fetchRefused} fetches");
        Assert.That(searchRefused + fetchRefused, Is.GreaterThan(0), "the threads never met");
        Assert.That(M.noop().typ, Is.EqualTo("OK"), "the session is intact");
        M.logout();
    }
}
