using System.Diagnostics;
using ImapLib.Tests.Support;

namespace ImapLib.Tests.Hostile;

/// <summary>
/// Issue 7, "never a hang": a server that stops answering before the greeting, in the middle of a line or in the
/// middle of a literal makes the waiting call raise IMAP4.abort ("timed out") within about the configured timeout,
/// on plain TCP, on TLS and on IMAP4_stream.
/// </summary>
[NonParallelizable]
public class TimeoutTests
{
    private const double Timeout = 1;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2.5);

    public enum Stall { BeforeGreeting, MidLine, MidLiteral }

    private static string Partial(Stall stall) => stall switch
    {
        Stall.MidLine => "* 1 FETCH (FLAGS (\\Se",
        Stall.MidLiteral => "* 1 FETCH (BODY[] {100}\r\nonly part of the literal",
        _ => "",
    };

    /// <summary>Runs <paramref name="action"/>, which must raise IMAP4.abort saying "timed out" in [timeout - 0.1 s, limit].</summary>
    private static void AssertTimesOut(Action action, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<IMAP4.abort>(() => action());
        clock.Stop();
        TestContext.Out.WriteLine($"abort after {clock.Elapsed.TotalSeconds:0.00} s: {e!.Message}");
        Assert.That(e.Message, Does.Contain("timed out"));
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(Timeout - 0.1)), "not before the timeout");
        Assert.That(clock.Elapsed, Is.LessThan(limit ?? Limit), "within about the timeout");
    }

    // ---- Plain TCP -----------------------------------------------------------------------------------------

    [TestCase(Stall.BeforeGreeting)]
    [TestCase(Stall.MidLine)]
    [TestCase(Stall.MidLiteral)]
    public void Plain_tcp_server_that_stops_answering_gives_abort_timed_out(Stall stall)
    {
        using var server = new FakeServer(s =>
        {
            if (stall != Stall.BeforeGreeting)
            {
                s.Line("* OK [CAPABILITY IMAP4rev1] ready");
                s.Expect("NOOP");
                s.Send(Partial(stall));
            }
            s.ClientClosed(10_000);
        });
        if (stall == Stall.BeforeGreeting)
        {
            AssertTimesOut(() => new IMAP4("127.0.0.1", server.Port, timeout: Timeout));
            return;
        }
        using var M = new IMAP4("127.0.0.1", server.Port, timeout: Timeout);
        AssertTimesOut(() => M.noop());
    }

    // ---- TLS (IMAP4_SSL) -----------------------------------------------------------------------------------

    [TestCase(Stall.BeforeGreeting)]
    [TestCase(Stall.MidLine)]
    [TestCase(Stall.MidLiteral)]
    public void Tls_server_that_stops_answering_gives_abort_timed_out(Stall stall)
    {
        using var cert = new SelfSigned();
        using var server = new FakeServer(s =>
        {
            using var tls = cert.ServerHandshake(s.Stream);
            if (stall != Stall.BeforeGreeting)
            {
                tls.Line("* OK [CAPABILITY IMAP4rev1] ready");
                string? command = tls.ReadLine();
                if (command is null || !command.Contains(" NOOP")) throw new InvalidOperationException($"expected NOOP, got {command}");
                tls.Send(Partial(stall));
            }
            try { tls.ReadLine(); } catch (IOException) { }   // until the client goes away
        });
        if (stall == Stall.BeforeGreeting)
        {
            AssertTimesOut(() => new IMAP4_SSL("localhost", server.Port, ssl_context: cert.ClientContext(), timeout: Timeout));
            return;
        }
        using var M = new IMAP4_SSL("localhost", server.Port, ssl_context: cert.ClientContext(), timeout: Timeout);
        AssertTimesOut(() => M.noop());
    }

    [Test]
    public void Tls_server_that_never_answers_the_handshake_gives_abort_within_the_timeout()
    {
        using var cert = new SelfSigned();
        // The server accepts the connection and reads (the ClientHello) but never answers.
        using var server = new FakeServer(s =>
        {
            s.Stream.ReadTimeout = 10_000;
            var sink = new byte[4096];
            try { while (s.Stream.Read(sink) > 0) { } } catch (IOException) { }
        });
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<IMAP4.abort>(() => new IMAP4_SSL("localhost", server.Port, ssl_context: cert.ClientContext(), timeout: Timeout));
        TestContext.Out.WriteLine($"abort after {clock.Elapsed.TotalSeconds:0.00} s: {e!.Message}");
        Assert.That(clock.Elapsed, Is.LessThan(Limit));
        Assert.That(e.Message, Does.Contain("timed out"));
    }

    // ---- IMAP4_stream --------------------------------------------------------------------------------------

    /// <summary>A shell command that says <paramref name="output"/> then sleeps; the odd sleep length finds it in /proc.</summary>
    private static (string command, string marker) Stalling(string output)
    {
        string marker = $"30.{Random.Shared.Next(100000, 999999)}";
        string printf = output.Length == 0 ? "" : $"printf '{output.Replace("\\", "\\\\").Replace("\r", "\\r").Replace("\n", "\\n")}'; ";
        return ($"{printf}sleep {marker}", marker);
    }

    private static void AssertNoSleeper(string marker)
    {
        var left = ProcessResources.Descendants().Where(p => p.cmdline.Contains(marker)).ToList();
        Assert.That(left, Is.Empty, "the stalled command was reaped: " + string.Join(", ", left));
    }

    [Test]
    public void Stream_command_that_says_nothing_gives_abort_timed_out()
    {
        var (command, marker) = Stalling("");
        // The abort comes after the timeout plus the second IMAP4_stream gives a child to exit once its stdin is closed.
        AssertTimesOut(() => new IMAP4_stream(command, timeout: Timeout), TimeSpan.FromSeconds(3.5));
        AssertNoSleeper(marker);
    }

    [TestCase(Stall.MidLine)]
    [TestCase(Stall.MidLiteral)]
    public void Stream_command_that_stops_answering_gives_abort_timed_out(Stall stall)
    {
        var (command, marker) = Stalling("* OK [CAPABILITY IMAP4rev1] hi\r\n" + Partial(stall));
        var M = new IMAP4_stream(command, timeout: Timeout);
        try
        {
            Assert.That(M.state, Is.EqualTo("NONAUTH"));
            AssertTimesOut(() => M.noop());
        }
        finally
        {
            var clock = Stopwatch.StartNew();
            M.Dispose();
            TestContext.Out.WriteLine($"Dispose took {clock.Elapsed.TotalSeconds:0.00} s");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "Dispose of a stalled stream connection is bounded");
        }
        AssertNoSleeper(marker);
    }

    // ---- A server that stops reading: the client's writes must time out too -------------------------------

    /// <summary>More than the loopback socket buffers hold; no bare CR/LF, so APPEND sends this very array.</summary>
    private static readonly byte[] Huge = Enumerable.Repeat((byte)'m', 24_000_000).ToArray();

    /// <summary>Greets with LITERAL+, accepts LOGIN, then never reads again: the APPEND literal cannot drain.</summary>
    private static void StopReadingAfterLogin(Func<string?> readLine, Action<string> line, ManualResetEventSlim release)
    {
        line("* OK [CAPABILITY IMAP4rev1 LITERAL+] ready");
        string tag = readLine()!.Split(' ')[0];
        line($"{tag} OK [CAPABILITY IMAP4rev1 LITERAL+] logged in");
        release.Wait(15_000);
    }

    [Test]
    public void Plain_tcp_server_that_stops_reading_gives_abort_timed_out_on_send()
    {
        using var release = new ManualResetEventSlim();
        using var server = new FakeServer(s => StopReadingAfterLogin(s.ReadLine, s.Line, release));
        try
        {
            using var M = new IMAP4("127.0.0.1", server.Port, timeout: Timeout);
            M.login("user", "pass");
            AssertTimesOut(() => M.append("INBOX", null, null, Huge));
        }
        finally
        {
            release.Set();
        }
    }

    [Test]
    public void Tls_server_that_stops_reading_gives_abort_timed_out_on_send()
    {
        using var cert = new SelfSigned();
        using var release = new ManualResetEventSlim();
        using var server = new FakeServer(s =>
        {
            using var tls = cert.ServerHandshake(s.Stream);
            StopReadingAfterLogin(tls.ReadLine, tls.Line, release);
        });
        try
        {
            using var M = new IMAP4_SSL("localhost", server.Port, ssl_context: cert.ClientContext(), timeout: Timeout);
            M.login("user", "pass");
            AssertTimesOut(() => M.append("INBOX", null, null, Huge));
        }
        finally
        {
            release.Set();
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public void Stream_command_that_stops_reading_gives_abort_timed_out_on_send()
    {
        // The command greets, then sleeps without reading its standard input: the pipe (64 KB) fills up. The sleep is
        // short, so that if writes are not bounded by the timeout this test fails after seconds instead of hanging.
        string marker = $"6.{Random.Shared.Next(100000, 999999)}";
        var M = new IMAP4_stream($"printf '* OK [CAPABILITY IMAP4rev1] hi\\r\\n'; sleep {marker}", timeout: Timeout);
        try
        {
            AssertTimesOut(() => M.login("user", new string('p', 1_000_000)));
        }
        finally
        {
            M.Dispose();
        }
        AssertNoSleeper(marker);
    }

    // ---- IDLE on a stream: waiting longer than the read timeout is what IDLE is for --------------------------

    /// <summary>A first login and select with a generous timeout, so the 1 s connection below never waits for
    /// Dovecot's first-use work (auth lookup, creating the Maildir) on a busy machine.</summary>
    private static Account Warm(Account account)
    {
        using var M = account.Connect();
        M.select("INBOX");
        M.logout();
        return account;
    }

    [Category("Server")]
    [Test]
    [CancelAfter(60_000)]
    public void Stream_idle_for_longer_than_the_timeout_ends_quietly_and_the_session_goes_on()
    {
        var account = Warm(Dovecot.NewAccount());
        using var M = new IMAP4_stream(Dovecot.StdioCommand(account.User), timeout: Timeout);
        M.select("INBOX");
        var clock = Stopwatch.StartNew();
        var received = new List<(string typ, List<ImapItem?> data)>();
        using (var idler = M.idle(duration: 2.5).__enter__())
        {
            foreach (var response in idler) received.Add(response);
        }
        TestContext.Out.WriteLine($"idle ended after {clock.Elapsed.TotalSeconds:0.00} s with {received.Count} responses");
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2.3)));
        Assert.That(received.Where(r => !IsKeepAlive(r)), Is.Empty);
        Assert.That(M.noop().typ, Is.EqualTo("OK"), "the session goes on after IDLE (as it does over a socket)");
    }

    [Category("Server")]
    [Test]
    [CancelAfter(60_000)]
    public void Socket_idle_for_longer_than_the_timeout_ends_quietly_and_the_session_goes_on()
    {
        var account = Warm(Dovecot.NewAccount());
        using var M = new IMAP4(Dovecot.Server.Host, Dovecot.Server.Port, timeout: Timeout);
        M.login(account.User, account.Password);
        M.select("INBOX");
        var received = new List<(string typ, List<ImapItem?> data)>();
        using (var idler = M.idle(duration: 2.5).__enter__())
        {
            foreach (var response in idler) received.Add(response);
        }
        // Dovecot's keep-alive ("* OK Still here") is aligned to the clock, so it may fall inside any short IDLE.
        Assert.That(received.Where(r => !IsKeepAlive(r)), Is.Empty);
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
    }

    private static bool IsKeepAlive((string typ, List<ImapItem?> data) response) =>
        response.typ == "OK" && response.data.Count == 1 && response.data[0]!.decode() == "Still here";
}
