using ImapLib.Testing;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

public class SmokeTests
{
    [Test]
    public void Login_select_fetch_against_a_scripted_server()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Greeting() + """
            C: {tag} LOGIN user "pass word"
            S: {tag} OK [CAPABILITY IMAP4rev1] logged in
            C: {tag} SELECT INBOX
            S: * 2 EXISTS
            S: * OK [UIDVALIDITY 42] ok
            S: {tag} OK [READ-WRITE] selected
            C: {tag} FETCH 1 (RFC822)
            S: * 1 FETCH (RFC822 {5}
            S: hello)
            S: {tag} OK done
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4("127.0.0.1", server.Port);
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        var (typ, _) = M.login("user", "pass word");
        Assert.That(typ, Is.EqualTo("OK"));
        (typ, var data) = M.select();
        Assert.That(data[0]!.decode(), Is.EqualTo("2"));
        Assert.That(M.response("UIDVALIDITY").data[0]!.decode(), Is.EqualTo("42"));
        (typ, data) = M.fetch("1", "(RFC822)");
        Assert.That(data[0] is (byte[] header, byte[] body) && header.decode() == "1 (RFC822 {5}" && body.decode() == "hello");
        Assert.That(data[1]!.decode(), Is.EqualTo(")"));
        Assert.That(data[0]![1]!.Length, Is.EqualTo(5));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));
        server.AssertComplete();
    }
}
