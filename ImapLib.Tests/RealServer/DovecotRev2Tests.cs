using System.Diagnostics;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// A server that advertises IMAP4rev2 alone: Dovecot's preauthenticated stdio session with
/// <c>imap_capability = IMAP4rev2 IDLE ENABLE NAMESPACE UIDPLUS</c> (<see cref="Dovecot.StdioCommand"/> with rev2).
/// Only the advertisement changes (no Debian build of Dovecot has its rev2 support compiled in), which is enough for
/// the connect path, on which CPython's imaplib raises "server not IMAP4 compliant" (python/cpython issue 122953) and
/// ImapLib connects in IMAP4rev2 mode.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Server")]
public class DovecotRev2Tests
{
    [Test]
    public void A_rev2_only_server_connects_in_rev2_mode()
    {
        var account = Dovecot.NewAccount();
        using var M = new IMAP4_stream(Dovecot.StdioCommand(account.User, rev2: true), timeout: 10);
        Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV2"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        // ENABLE is part of rev2's base protocol; Dovecot answers it with a bare OK.
        Assert.That(M.enable("IMAP4rev2").typ, Is.EqualTo("OK"));
        // The session works: Dovecot really speaks rev1 underneath, with plain SEARCH, which search() reads as ever.
        Assert.That(M.append("INBOX", null, null, "Subject: rev2\r\n\r\nbody\r\n"u8.ToArray()).typ, Is.EqualTo("OK"));
        Assert.That(M.select().ToString(), Is.EqualTo("('OK', [b'1'])"));
        Assert.That(M.search(null, "ALL").ToString(), Is.EqualTo("('OK', [b'1'])"));
        // The same account through the ordinary (rev1) session is rev1.
        using var S = new IMAP4_stream(Dovecot.StdioCommand(account.User), timeout: 10);
        Assert.That(S.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV1"));
        S.logout();
        M.logout();
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
