using System.Diagnostics;
using ImapLib.Testing;
using ImapLib.Tests.Support;
using ScriptedIMAP4 = ImapLib.Testing.ScriptedIMAP4;
using Transcript = ImapLib.Testing.Transcript;

namespace ImapLib.Tests.Hostile;

/// <summary>
/// <c>timeout</c> bounds each read (CPython's meaning), so a server that drips one byte at a time keeps a command
/// alive for ever. The opt-in <see cref="IMAP4.command_timeout"/> bounds the whole command: it ends in
/// <see cref="IMAP4.abort"/> when it passes, over plain TCP, TLS, and around IDLE.
/// </summary>
[NonParallelizable]
public class CommandTimeoutTests
{
    private const double PerRead = 3, WholeCommand = 1;

    /// <summary>The constructors take command_timeout through the overload with <see cref="ImapOptions"/> first.</summary>
    private static readonly ImapOptions Bounded = new() { command_timeout = WholeCommand };

    /// <summary>Sends <paramref name="text"/> one byte every 100 ms (at most 10 s), until the client goes away.
    /// The pause paces the drip; nothing waits on it.</summary>
    private static void Drip(Action<string> send, string text)
    {
        foreach (char c in text.Length > 0 ? text : new string('x', 100))
        {
            try { send(c.ToString()); }
            catch (IOException) { return; }   // the client gave up, as it should
            Thread.Sleep(100);
        }
    }

    private static void AssertEndsInAbortAfterTheDeadline(Action command)
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<IMAP4.abort>(() => command());
        Assert.That(e!.Message, Does.Contain("command_timeout of 1 seconds passed"));
        Assert.That(clock.Elapsed.TotalSeconds, Is.GreaterThanOrEqualTo(WholeCommand * 0.9).And.LessThan(WholeCommand + PerRead));
    }

    [Test]
    [CancelAfter(30_000)]
    public void A_dripping_server_ends_the_command_in_abort_over_plain_tcp()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1");
            s.Expect("NOOP");
            Drip(s.Send, "* 1 EXISTS\r\n* 2 EXISTS\r\n* 3 EXISTS\r\n* 4 RECENT\r\n* 5 RECENT\r\n");
        });
        var M = new IMAP4(Bounded, "127.0.0.1", server.Port, timeout: PerRead);
        Assert.That(M.command_timeout, Is.EqualTo(WholeCommand));
        AssertEndsInAbortAfterTheDeadline(() => M.noop());
        M.shutdown();
    }

    [Test]
    [CancelAfter(30_000)]
    public void A_dripped_greeting_is_bounded_when_the_option_is_given_at_construction()
    {
        using var server = new FakeServer(s => Drip(s.Send, "* OK [CAPABILITY IMAP4rev1] a greeting that takes five seconds\r\n"));
        AssertEndsInAbortAfterTheDeadline(() => new IMAP4(Bounded, "127.0.0.1", server.Port, timeout: PerRead));
    }

    [Test]
    public void An_option_out_of_range_is_refused_before_connecting()
    {
        // Port 1 on the loopback is never reached: the options are checked first.
        foreach (double bad in new[] { 0.0, -1.0 })
        {
            var options = new ImapOptions { command_timeout = bad };
            Assert.Throws<ArgumentException>(() => new IMAP4(options, "127.0.0.1", 1));
            Assert.Throws<ArgumentException>(() => new IMAP4_SSL(options, "127.0.0.1", 1));
            Assert.Throws<ArgumentException>(() => new IMAP4_stream(options, "exit 0"));
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public void A_dripping_server_ends_the_command_in_abort_over_tls()
    {
        using var cert = new SelfSigned();
        using var server = new FakeServer(s =>
        {
            using var tls = cert.ServerHandshake(s.Stream);
            tls.Line("* OK [CAPABILITY IMAP4rev1] fake TLS server");
            string? line = tls.ReadLine();
            if (line is null || !line.EndsWith(" NOOP", StringComparison.Ordinal)) throw new InvalidOperationException($"expected NOOP, got {line}");
            tls.Send("* 1 FETCH (BODY[] {60}\r\n");   // a literal that arrives one byte at a time
            Drip(tls.Send, "");
        });
        var M = new IMAP4_SSL(Bounded, "localhost", server.Port, ssl_context: cert.ClientContext(), timeout: PerRead);
        AssertEndsInAbortAfterTheDeadline(() => M.noop());
        M.shutdown();
    }

    [Test]
    [CancelAfter(30_000)]
    public void Idle_is_bounded_while_it_starts_and_while_it_ends_but_not_while_it_waits()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 IDLE", "* PREAUTH fake server ready");
            var idle = s.Expect("IDLE");
            s.Line("+ idling");
            s.ReadLine();                                  // DONE, after the client waited longer than command_timeout
            Drip(s.Send, "* 9 EXISTS\r\n* 9 EXISTS\r\n* 9 EXISTS\r\n" + idle.Tag + " OK done\r\n");
        });
        var M = new IMAP4(Bounded, "127.0.0.1", server.Port, timeout: PerRead);
        var clock = Stopwatch.StartNew();
        var idler = M.idle(duration: 1.5).__enter__();
        Assert.That(idler.ToList(), Is.Empty);             // 1.5 s of waiting: longer than command_timeout, no abort
        Assert.That(clock.Elapsed.TotalSeconds, Is.GreaterThanOrEqualTo(1.4));
        // Ending IDLE is a command again: its completion is dripped over about 5 s, and command_timeout cuts it
        // short (Dispose swallows the abort, as it does any transport failure; the connection is then spent).
        clock.Restart();
        idler.Dispose();
        Assert.That(clock.Elapsed.TotalSeconds, Is.LessThan(WholeCommand + 1.5), "DONE's completion was not bounded");
        Assert.That(M.state, Is.Not.EqualTo("IDLING"));
        M.shutdown();
    }

    [Test]
    [CancelAfter(30_000)]
    public void Idle_whose_continuation_is_dripped_ends_in_abort()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 IDLE", "* PREAUTH fake server ready");
            s.Expect("IDLE");
            Drip(s.Send, "* 1 EXISTS\r\n* 2 EXISTS\r\n+ idling\r\n");
        });
        var M = new IMAP4(Bounded, "127.0.0.1", server.Port, timeout: PerRead);
        AssertEndsInAbortAfterTheDeadline(() => M.idle(duration: 10).__enter__());
        M.shutdown();
    }

    [Test]
    public void A_command_within_its_deadline_completes_and_the_setting_is_validated()
    {
        var transcript = Transcript.Parse("""
            S: * OK [CAPABILITY IMAP4rev1] hi
            C: {tag} NOOP
            S: {tag} OK done
            """);
        using var M = new ScriptedIMAP4(transcript);
        M.command_timeout = 5;
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        Assert.Throws<ArgumentException>(() => M.command_timeout = 0);
        Assert.Throws<ArgumentException>(() => M.command_timeout = -1);
        M.command_timeout = null;
        M.AssertComplete();
    }

    [Test]
    public void A_scripted_transport_that_overrides_the_hooks_is_bounded_between_lines()
    {
        // A read hook that delivers each line late: the engine checks the deadline before every line it reads.
        var transcript = Transcript.Parse("""
            S: * OK [CAPABILITY IMAP4rev1] hi
            C: {tag} NOOP
            S: * 1 EXISTS
            S: * 2 EXISTS
            S: * 3 EXISTS
            S: {tag} OK done
            """);
        using var M = new SlowLines(transcript);
        M.command_timeout = 0.2;
        var e = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(e!.Message, Does.Contain("command_timeout of 0.2 seconds passed"));
    }

    private sealed class SlowLines(Transcript transcript) : ScriptedIMAP4(transcript)
    {
        public override PyBytes readline()
        {
            Thread.Sleep(150);   // a slow transport, not a synchronisation
            return base.readline();
        }
    }
}
