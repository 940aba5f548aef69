using System.Text;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// The library against a second, different real server: Cyrus IMAP 3.6 (see <see cref="Cyrus"/>), for what Dovecot
/// lacks — GETANNOTATION/SETANNOTATION (Cyrus's legacy ANNOTATEMORE commands) and SETQUOTA on any quota root as an
/// admin — and a plain session proving the basics work against another implementation. Each test has its own fresh
/// account, so the tests are independent and run in any order.
/// Cyrus's mailbox names seen by the admin are <c>user.NAME</c> (INBOX of NAME) and <c>user.NAME.sub</c>; the owner
/// sees the same mailboxes as <c>INBOX</c> and <c>INBOX.sub</c>.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Server")]
public class CyrusTests
{
    private const string Comment = "(\"value.shared\" \"My comment\")";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static List<string> Texts(IEnumerable<ImapItem?> data) =>
        data.Select(item => item is null ? "<None>" : item.IsPair ? item.Header.decode() : item.decode()).ToList();

    private static ImapItem Item(string text) => ImapItem.FromString(text);

    [Test]
    public void A_plain_session_works_against_Cyrus()
    {
        var account = Cyrus.NewAccount("p w\"x");
        using var M = new IMAP4(Cyrus.Server.Host, Cyrus.Server.Port, timeout: 30);
        Assert.That(M.welcome!.decode(), Does.StartWith("* OK").And.Contain("Cyrus IMAP"));
        Assert.That(M.state, Is.EqualTo("NONAUTH"));

        var (typ, data) = M.login(account.User, account.Password);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Texts(data)[0], Does.Contain("User logged in"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(M.capabilities, Does.Contain("QUOTA").And.Contain("ANNOTATEMORE").And.Contain("UIDPLUS"),
            "post-login capabilities are taken from the LOGIN response's CAPABILITY code");

        Assert.That(M.list(), Is.EqualTo(("OK", new List<ImapItem?> { Item("(\\HasNoChildren) \".\" INBOX") })),
            "Cyrus creates the INBOX at the first login (autocreate_quota)");
        Assert.That(M.select("INBOX"), Is.EqualTo(("OK", new List<ImapItem?> { Item("0") })));
        Assert.That(M.state, Is.EqualTo("SELECTED"));

        byte[] message = Utf8("From: tester@example.com\r\nSubject: Cyrus sanity\r\n\r\nHello from ImapLib.\r\n");
        (typ, data) = M.append("INBOX", "(\\Flagged)", null, message);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Texts(data)[0], Does.Match(@"^\[APPENDUID \d+ 1\] Completed$"));

        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        Assert.That(M.search(null, "ALL"), Is.EqualTo(("OK", new List<ImapItem?> { Item("1") })));
        (typ, data) = M.fetch("1", "(FLAGS BODY.PEEK[])");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(2), "one literal pair and the closing paren");
        Assert.That(data[0]!.IsPair, Is.True);
        Assert.That(data[0]!.Header.decode(), Does.StartWith("1 (").And.Contain("\\Flagged").And.EndWith($"BODY[] {{{message.Length}}}"));
        Assert.That(data[0]!.Body, Is.EqualTo(message));
        Assert.That(data[1]!.decode(), Is.EqualTo(")"));

        (typ, data) = M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])", uid: true);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data[0]!.Body.decode(), Is.EqualTo("Subject: Cyrus sanity\r\n\r\n"));

        Assert.That(M.close().typ, Is.EqualTo("OK"));
        (typ, data) = M.logout();
        Assert.That(typ, Is.EqualTo("BYE"));
        Assert.That(M.state, Is.EqualTo("LOGOUT"));
    }

    [Test]
    public void Cram_md5_login_works_against_Cyrus()
    {
        var account = Cyrus.NewAccount("cram secret");
        using var M = new IMAP4(Cyrus.Server.Host, Cyrus.Server.Port, timeout: 30);
        Assert.That(M.capabilities, Does.Contain("AUTH=CRAM-MD5"));
        var (typ, data) = M.login_cram_md5(account.User, account.Password);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Texts(data)[0], Does.Contain("Success"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        M.logout();
    }

    [Test]
    public void Setannotation_then_getannotation_returns_the_value()
    {
        var account = Cyrus.NewAccount();
        string mailbox = account.Inbox + ".notes";
        using var A = Cyrus.ConnectAdmin();
        Assert.That(A.capabilities, Does.Contain("ANNOTATEMORE"));
        Assert.That(A.create(account.Inbox).typ, Is.EqualTo("OK"));
        Assert.That(A.create(mailbox).typ, Is.EqualTo("OK"));

        // Cyrus sends no untagged ANNOTATION after SETANNOTATION: Python's [None].
        Assert.That(A.setannotation(mailbox, "\"/comment\"", Comment), Is.EqualTo(("OK", new List<ImapItem?> { null })));
        Assert.That(A.getannotation(mailbox, "\"/comment\"", "\"value.shared\""),
            Is.EqualTo(("OK", new List<ImapItem?> { Item($"{mailbox} \"/comment\" (\"value.shared\" \"My comment\")") })));
        Assert.That(A.GETANNOTATION(mailbox, "\"/comment\"", "(\"value.shared\" \"value.priv\")"),
            Is.EqualTo(("OK", new List<ImapItem?> { Item($"{mailbox} \"/comment\" (\"value.shared\" \"My comment\" \"value.priv\" NIL)") })),
            "an attribute list; the admin has no private value");

        // The owner sees the shared value under its own name for the mailbox, and keeps a private one.
        using var U = account.Connect();
        Assert.That(U.setannotation("INBOX.notes", "\"/comment\"", "(\"value.priv\" \"mine\")").typ, Is.EqualTo("OK"));
        Assert.That(U.getannotation("INBOX.notes", "\"/comment\"", "\"value.*\""),
            Is.EqualTo(("OK", new List<ImapItem?> { Item("INBOX.notes \"/comment\" (\"value.shared\" \"My comment\" \"value.priv\" \"mine\")") })));
        U.logout();
        A.logout();
    }

    [Test]
    public void Setannotation_with_an_unquoted_entry_is_BAD_on_Cyrus_and_raises()
    {
        // Cyrus reads a mailbox annotation's entry and attributes as quoted strings only (the ANNOTATEMORE draft's
        // syntax); the library sends them as given (raw, like Python), so the caller writes the quotes.
        var account = Cyrus.NewAccount();
        using var A = Cyrus.ConnectAdmin();
        Assert.That(A.create(account.Inbox).typ, Is.EqualTo("OK"));
        var ex = Assert.Throws<IMAP4.error>(() => A.setannotation(account.Inbox, "/comment", Comment));
        Assert.That(ex!.Message, Is.EqualTo("SETANNOTATION command error: BAD [b'Missing annotation entry']"));
        ex = Assert.Throws<IMAP4.error>(() => A.getannotation(account.Inbox, "/comment", "\"value.shared\""));
        Assert.That(ex!.Message, Does.StartWith("GETANNOTATION command error: BAD"));
        Assert.That(A.noop().typ, Is.EqualTo("OK"), "the connection stays usable");
        A.logout();
    }

    [Test]
    public void Setquota_as_admin_sets_the_limit_that_getquota_and_getquotaroot_show()
    {
        var account = Cyrus.NewAccount();
        using var U = account.Connect();   // the first login creates user.NAME, the account's quota root
        using var A = Cyrus.ConnectAdmin();
        string root = account.Inbox;

        // No quota yet: GETQUOTA on the root is NO, GETQUOTAROOT names the root with no resources.
        Assert.That(U.getquotaroot("INBOX"), Is.EqualTo(("OK", new List<ImapItem?>
        {
            ImapItem.List([Item("INBOX INBOX")]), ImapItem.List([Item("INBOX ()")]),
        })));

        // Cyrus sends no untagged QUOTA after SETQUOTA: Python's [None].
        Assert.That(A.setquota(root, "(STORAGE 500)"), Is.EqualTo(("OK", new List<ImapItem?> { null })));
        Assert.That(A.getquota(root), Is.EqualTo(("OK", new List<ImapItem?> { Item($"{root} (STORAGE 0 500)") })));
        Assert.That(A.getquotaroot(root), Is.EqualTo(("OK", new List<ImapItem?>
        {
            ImapItem.List([Item($"{root} {root}")]), ImapItem.List([Item($"{root} (STORAGE 0 500)")]),
        })));

        // The limits are parenthesised by the library when they are not; several resources at once.
        Assert.That(A.SETQUOTA(root, "STORAGE 700 MESSAGE 1").typ, Is.EqualTo("OK"));
        Assert.That(U.getquotaroot("INBOX"), Is.EqualTo(("OK", new List<ImapItem?>
        {
            ImapItem.List([Item("INBOX INBOX")]), ImapItem.List([Item("INBOX (STORAGE 0 700 MESSAGE 0 1)")]),
        })), "the owner sees the new limits on its INBOX");

        // The limit is real: one message fits, the second is refused.
        Assert.That(U.append("INBOX", null, null, Utf8("Subject: one\r\n\r\n" + new string('x', 3000) + "\r\n")).typ, Is.EqualTo("OK"));
        Assert.That(A.getquota(root), Is.EqualTo(("OK", new List<ImapItem?> { Item($"{root} (STORAGE 2 700 MESSAGE 1 1)") })),
            "usage in KiB and messages");
        var (typ, data) = U.append("INBOX", null, null, Utf8("Subject: two\r\n\r\nbody\r\n"));
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(Texts(data)[0], Does.Contain("Over quota"));

        // A quota on a sub-mailbox makes it its own quota root.
        Assert.That(A.create(root + ".big").typ, Is.EqualTo("OK"));
        Assert.That(A.setquota(root + ".big", "(STORAGE 9000)").typ, Is.EqualTo("OK"));
        Assert.That(U.getquotaroot("INBOX.big"), Is.EqualTo(("OK", new List<ImapItem?>
        {
            ImapItem.List([Item("INBOX.big INBOX.big")]), ImapItem.List([Item("INBOX.big (STORAGE 0 9000)")]),
        })));

        // Removing every limit.
        Assert.That(A.setquota(root, "()").typ, Is.EqualTo("OK"));
        Assert.That(A.getquota(root), Is.EqualTo(("OK", new List<ImapItem?> { Item($"{root} ()") })));
        U.logout();
        A.logout();
    }

    [Test]
    public void Setquota_is_refused_to_an_ordinary_user()
    {
        var account = Cyrus.NewAccount();
        using var U = account.Connect();
        var (typ, data) = U.setquota(account.Inbox, "(STORAGE 10)");
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(Texts(data)[0], Is.EqualTo("Permission denied"));
        U.logout();
    }
}
