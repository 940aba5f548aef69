using System.Diagnostics;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// A server that advertises IMAP4rev2 alone: Dovecot's preauthenticated stdio session with
/// <c>imap_capability = IMAP4rev2 IDLE ENABLE NAMESPACE UIDPLUS</c> (<see cref="Dovecot.StdioCommand"/> with rev2).
/// Only the advertisement changes (no Debian build of Dovecot has its rev2 support compiled in), which is enough for
/// the connect path: today the library, like CPython, accepts only IMAP4REV1 or IMAP4 and refuses such a server.
/// Issue 22 will change that; the first test asserts today's behaviour and must then be updated, not deleted.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Server")]
public class DovecotRev2Tests
{
    [Test]
    public void Connecting_to_a_rev2_only_server_raises_today()
    {
        var account = Dovecot.NewAccount();
        // Issue 22: the library will accept IMAP4rev2; until then it raises CPython's error at connect time.
        var ex = Assert.Throws<IMAP4.error>(() => new IMAP4_stream(Dovecot.StdioCommand(account.User, rev2: true), timeout: 10).Dispose());
        Assert.That(ex!.Message, Is.EqualTo("server not IMAP4 compliant"));

        // The same account through the ordinary (rev1) session connects.
        using var S = new IMAP4_stream(Dovecot.StdioCommand(account.User), timeout: 10);
        Assert.That(S.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV1"));
        Assert.That(S.state, Is.EqualTo("AUTH"));
        S.logout();
    }

    [Test]
    public void The_rev2_session_advertises_rev2_alone_and_enables_it_silently()
    {
        // What the server itself says, without the library: the greeting's capabilities, and ENABLE IMAP4rev2
        // answered OK with no "* ENABLED" line (Dovecot does not implement rev2, it only names it).
        var account = Dovecot.NewAccount();
        var start = new ProcessStartInfo("bash", ["-c", Dovecot.StdioCommand(account.User, rev2: true)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write("a ENABLE IMAP4rev2\r\nb LOGOUT\r\n");
        process.StandardInput.Close();
        string[] lines = process.StandardOutput.ReadToEnd().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(process.WaitForExit(10_000), Is.True);
        _ = stderr.Result;
        Assert.That(lines[0], Is.EqualTo($"* PREAUTH [CAPABILITY IMAP4rev2 IDLE ENABLE NAMESPACE UIDPLUS] Logged in as {account.User}"));
        Assert.That(lines[1], Does.StartWith("a OK Enabled"));
        Assert.That(lines, Has.None.StartWith("* ENABLED"));
        Assert.That(lines[^1], Does.StartWith("b OK Logout completed"));
    }
}
