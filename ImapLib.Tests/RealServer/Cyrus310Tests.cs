using System.Text;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// The library against Cyrus IMAP 3.10 (<see cref="Cyrus.V310"/>), a server that really speaks IMAP4rev2 once a client
/// ENABLEs it. As a rev1 client (nothing enabled) it runs the common command suite (<see cref="ServerSuiteTests"/>).
/// Here: what today's library gets after <c>enable("IMAP4rev2")</c>. These tests record the raw results as they are
/// now — the library has no rev2 handling yet (issue 22 adds it) — so that the change shows up here: where an
/// assertion says "issue 22", the expected value is today's, not the wanted one.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Server")]
public class Cyrus310Tests
{
    private static readonly byte[] Message = Encoding.ASCII.GetBytes("From: tester@example.com\r\nSubject: rev2\r\n\r\nHello.\r\n");

    private static ImapItem Item(string text) => ImapItem.FromString(text);

    [Test]
    public void Greeting_and_capabilities_offer_both_revisions()
    {
        var account = Cyrus.V310.NewAccount();
        using var M = new IMAP4(Cyrus.V310.Server.Host, Cyrus.V310.Server.Port, timeout: 30);
        Assert.That(M.welcome.decode(), Does.Contain("Cyrus IMAP 3.10."));
        Assert.That(M.capabilities, Does.Contain("IMAP4REV1").And.Contain("IMAP4REV2"));
        // The library picks the protocol version from its own list (IMAP4REV1, IMAP4), so rev1 here.
        Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV1"));
        // Cyrus 3.10.1 spells SASL-IR with an underscore.
        Assert.That(M.capabilities, Does.Contain("SASL_IR").And.Not.Contain("SASL-IR"));
        M.login(account.User, account.Password);
        // After login Cyrus lists LOGINDISABLED (among the capabilities of its LOGIN response).
        Assert.That(M.capabilities, Does.Contain("LOGINDISABLED").And.Contain("IDLE").And.Contain("ESEARCH"));
        M.logout();
    }

    [Test]
    public void Enable_IMAP4rev2_switches_the_session_and_keeps_imaplibs_shapes()
    {
        var account = Cyrus.V310.NewAccount();
        using var M = account.Connect();
        Assert.That(M.enable("IMAP4rev2"), Is.EqualTo(("OK", new List<ImapItem?> { Item("Completed") })));
        Assert.That(M.response("ENABLED"), Is.EqualTo(("ENABLED", new List<ImapItem?> { Item("IMAP4rev2") })));
        Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV2"), "the session now speaks rev2");
        // SELECT: the untagged LIST a rev2 server sends belongs to the SELECT, not to a later list().
        Assert.That(M.select("INBOX"), Is.EqualTo(("OK", new List<ImapItem?> { Item("0") })));
        Assert.That(M.response("LIST"), Is.EqualTo(("LIST", new List<ImapItem?> { null })));
        Assert.That(M.append("INBOX", null, null, Message).typ, Is.EqualTo("OK"));
        Assert.That(M.append("INBOX", null, null, Message).typ, Is.EqualTo("OK"));
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        // SEARCH is answered with ESEARCH; search() and uid("SEARCH") give it in SEARCH's shape.
        Assert.That(M.search(null, "ALL"), Is.EqualTo(("OK", new List<ImapItem?> { Item("1 2") })));
        Assert.That(M.uid("SEARCH", "ALL"), Is.EqualTo(("OK", new List<ImapItem?> { Item("1 2") })));
        Assert.That(M.search(null, "SUBJECT", "nothing-like-this"), Is.EqualTo(("OK", new List<ImapItem?> { Item("") })));
        Assert.That(M.response("ESEARCH"), Is.EqualTo(("ESEARCH", new List<ImapItem?> { null })), "every ESEARCH was taken");
        // FETCH and STORE answer as in rev1, except that an unsolicited FETCH carries the UID.
        Assert.That(M.fetch("1", "(FLAGS)"), Is.EqualTo(("OK", new List<ImapItem?> { Item("1 (FLAGS (\\Recent))") })));
        Assert.That(M.store("1", "+FLAGS", "(\\Seen)"),
            Is.EqualTo(("OK", new List<ImapItem?> { Item("1 (FLAGS (\\Recent \\Seen) UID 1)") })));
        var (typ, data) = M.fetch("2", "(BODY.PEEK[])");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data[0].Body, Is.EqualTo(Message));
        // Mailbox names are UTF-8 both ways in rev2: the folder is really named "ä", as a rev1 session (modified
        // UTF-7) sees it too.
        Assert.That(M.create("INBOX.\u00e4").typ, Is.EqualTo("OK"));
        // Cyrus sends a UTF-8 name as a literal, so list() has CPython's (header, literal) shape for it.
        Assert.That(M.list("INBOX.", "*").ToString(), Is.EqualTo(@"('OK', [(b'(\\HasNoChildren) ""."" {8}', b'INBOX.\xc3\xa4'), b''])"));
        using (var rev1 = account.Connect())
            Assert.That(rev1.list("INBOX.", "*"), Is.EqualTo(("OK", new List<ImapItem?> { Item("(\\HasNoChildren) \".\" INBOX.&AOQ-") })),
                "a rev1 session sees the name in modified UTF-7");
        Assert.That(M.close().typ, Is.EqualTo("OK"));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));
    }
}
