using System.Diagnostics;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// IMAP4_stream: a session over a child process's stdin/stdout (Dovecot's preauthenticated imap binary), the
/// reaping of that process, and how a command that fails, is missing or never answers is reported.
/// </summary>
[TestFixture]
public class StreamTests
{
    [Category("Server")]
    [Test]
    public void Preauthenticated_session_over_dovecots_stdio_and_the_child_is_reaped_after_logout()
    {
        var account = Dovecot.NewAccount();
        var M = new IMAP4_stream(Dovecot.StdioCommand(account.User), timeout: 10);
        try
        {
            Assert.That(M.state, Is.EqualTo("AUTH"), "Dovecot's stdio session greets with PREAUTH");
            Assert.That(M.untagged_responses.ContainsKey("PREAUTH") || M.welcome!.decode().StartsWith("* PREAUTH"), Is.True);
            Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV1"));
            Assert.Throws<InvalidOperationException>(() => M.socket(), "a pipe transport has no socket (CPython's has none either)");
            Assert.That(M.process, Is.Not.Null);
            int pid = M.process!.Id;
            Assert.That(Directory.Exists($"/proc/{pid}"), Is.True);

            Assert.That(M.create("stream box").typ, Is.EqualTo("OK"));
            byte[] message = System.Text.Encoding.ASCII.GetBytes("From: a@example.org\r\nSubject: over a pipe\r\n\r\nbody line\r\n");
            Assert.That(M.append("stream box", null, null, message).typ, Is.EqualTo("OK"));
            var (typ, data) = M.select("stream box");
            Assert.That(typ, Is.EqualTo("OK"));
            Assert.That(data[0]!.decode(), Is.EqualTo("1"));
            Assert.That(M.state, Is.EqualTo("SELECTED"));
            (typ, data) = M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)] RFC822.SIZE)");
            Assert.That(typ, Is.EqualTo("OK"));
            Assert.That(data[0]!.IsPair, Is.True);
            Assert.That(data[0]![1]!.decode(), Does.Contain("Subject: over a pipe"));
            Assert.That(data[0]!.Header.decode(), Does.Contain($"RFC822.SIZE {message.Length}"));

            (typ, _) = M.logout();
            Assert.That(typ, Is.EqualTo("BYE"));
            Assert.That(M.state, Is.EqualTo("LOGOUT"));
            Assert.That(M.process, Is.Null, "the process is released after logout");
            Assert.That(Lingers(pid), Is.False, $"process {pid} still exists (running or a zombie) after logout");
        }
        finally
        {
            M.Dispose();
        }
    }

    [Category("Server")]
    [Test]
    public void Dispose_without_logout_reaps_the_child()
    {
        var account = Dovecot.NewAccount();
        int pid;
        var M = new IMAP4_stream(Dovecot.StdioCommand(account.User), timeout: 10);
        using (M)
        {
            Assert.That(M.state, Is.EqualTo("AUTH"));
            Assert.That(M.noop().typ, Is.EqualTo("OK"));
            pid = M.process!.Id;
        }
        Assert.That(M.process, Is.Null);
        Assert.That(M.state, Is.EqualTo("LOGOUT"));
        Assert.That(Lingers(pid), Is.False, $"process {pid} still exists (running or a zombie) after Dispose");
    }

    [TestCase("exit 3", 3)]
    [TestCase("printf '* OK hi\\r\\n'; exit 0", 0)]
    [TestCase("printf '* OK hi\\r\\n'; read line; exit 5", 5)]
    public void Command_that_ends_early_aborts_with_its_exit_status(string command, int status)
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<IMAP4.abort>(() => new IMAP4_stream(command, timeout: 10))!;
        Assert.That(e.Message, Does.Contain($"exit status {status}"));
        Assert.That(e.Message, Does.Contain("EOF"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public void Missing_command_aborts_with_status_127_and_the_stderr_tail()
    {
        var e = Assert.Throws<IMAP4.abort>(() => new IMAP4_stream("/nonexistent/imapd", timeout: 10))!;
        Assert.That(e.Message, Does.Contain("exit status 127"));
        Assert.That(e.Message, Does.Contain("stderr:").And.Contain("/nonexistent/imapd").And.Contain("not found"));
    }

    [Test]
    public void The_childs_standard_error_passes_on_to_ours_as_in_CPython_and_its_tail_goes_into_the_abort()
    {
        // CPython leaves the child's stderr on the terminal: a server's own diagnostics appear there.
        using var capture = new StderrCapture();
        var e = Assert.Throws<IMAP4.abort>(() => new IMAP4_stream("echo 'server: starting' >&2; echo 'server: no config' >&2; exit 3", timeout: 10))!;
        Assert.That(e.Message, Does.Contain("exit status 3").And.Contain("stderr: server: starting\nserver: no config"));
        Assert.That(capture.Text.Replace("\r\n", "\n"), Does.Contain("server: starting\nserver: no config\n"));
    }

    [Test]
    public void Command_that_never_answers_times_out_promptly()
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<IMAP4.abort>(() => new IMAP4_stream("sleep 30", timeout: 1))!;
        var elapsed = clock.Elapsed;
        Assert.That(e.Message, Does.Contain("timed out"));
        // One timeout, then the shutdown grace for a child that ignores its closed stdin (one second, then a kill).
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(3.5)), "the abort should come about one timeout after the start");
    }

    [Test]
    public void Command_that_goes_silent_mid_session_times_out_and_is_killed()
    {
        const string script = "printf '* PREAUTH hi\\r\\n'; read tagged rest; "
            + "printf '* CAPABILITY IMAP4rev1\\r\\n%s OK done\\r\\n' \"$tagged\"; exec sleep 30";
        using var M = new IMAP4_stream(script, timeout: 1);
        int pid = M.process!.Id;
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<IMAP4.abort>(() => M.noop())!;
        Assert.That(e.Message, Does.Contain("timed out"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.5)));
        // The child ignores its closed stdin: shutdown must kill it rather than wait for ever, and reap it.
        clock.Restart();
        M.shutdown();
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)));
        Assert.That(M.process, Is.Null);
        Assert.That(Lingers(pid), Is.False, $"process {pid} still exists after shutdown");
    }

    /// <summary>True when <paramref name="pid"/> still exists two seconds on, running or as an unreaped zombie.</summary>
    private static bool Lingers(int pid)
    {
        // A reaped process disappears from /proc; a zombie stays (state Z) until its parent waits for it.
        // Reaping happens on the runtime's SIGCHLD handling thread: allow it a moment.
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (Directory.Exists($"/proc/{pid}"))
        {
            if (DateTime.UtcNow > deadline) return true;
            Thread.Sleep(20);
        }
        return false;
    }
}
