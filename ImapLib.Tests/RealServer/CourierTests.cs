using System.Text;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// The library against Courier-IMAP 5 (see <see cref="Courier"/>), beyond the command suite every server runs
/// (<see cref="ServerSuiteTests"/>): its preauthenticated stdio session (IMAP4_stream), a refused password, and its
/// folder habits — a personal namespace <c>INBOX.</c>, so that every folder is a child of INBOX. Each test has its own
/// fresh account.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Server")]
public class CourierTests
{
    private static readonly byte[] Message = Encoding.ASCII.GetBytes("From: tester@example.com\r\nSubject: courier\r\n\r\nHello.\r\n");

    private static ImapItem Item(string text) => ImapItem.FromString(text);

    [Test]
    public void Stdio_session_is_preauthenticated_and_sees_mail_delivered_over_TCP()
    {
        var account = Courier.NewAccount();
        using (var M = account.Connect())
            Assert.That(M.append("INBOX", null, null, Message).typ, Is.EqualTo("OK"));

        using var S = new IMAP4_stream(Courier.StdioCommand(account.User), timeout: 10);
        Assert.That(S.welcome.decode(), Is.EqualTo("* PREAUTH Ready."));
        Assert.That(S.state, Is.EqualTo("AUTH"));
        Assert.That(S.capabilities, Does.Contain("IDLE").And.Contain("NAMESPACE"));
        Assert.That(S.select("INBOX"), Is.EqualTo(("OK", new List<ImapItem?> { Item("1") })));
        var (typ, data) = S.fetch("1", "(BODY.PEEK[])");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data[0].Body, Is.EqualTo(Message));
        Assert.That(S.logout(), Is.EqualTo(("BYE", new List<ImapItem?> { Item("Courier-IMAP server shutting down") })));
    }

    [Test]
    public void A_wrong_password_is_refused_and_a_quoted_one_accepted()
    {
        // The password is checked by authdaemond against the userdb's crypt hash: a space, a double quote and a
        // backslash travel in LOGIN's quoted string.
        var account = Courier.NewAccount("p w\"x\\y");
        using (var M = new IMAP4(Courier.Server.Host, Courier.Server.Port, timeout: 30))
        {
            var ex = Assert.Throws<IMAP4.error>(() => M.login(account.User, "secret"));
            Assert.That(ex!.Message, Is.EqualTo("Login failed."));
            Assert.That(M.state, Is.EqualTo("NONAUTH"));
        }
        using var N = new IMAP4(Courier.Server.Host, Courier.Server.Port, timeout: 30);
        Assert.That(N.login(account.User, account.Password), Is.EqualTo(("OK", new List<ImapItem?> { Item("LOGIN Ok.") })));
        Assert.That(N.state, Is.EqualTo("AUTH"));
        N.logout();
    }

    [Test]
    public void Folders_are_children_of_INBOX()
    {
        var account = Courier.NewAccount();
        using var M = account.Connect();
        Assert.That(M.@namespace(), Is.EqualTo(("OK", new List<ImapItem?> { Item("((\"INBOX.\" \".\")) NIL ((\"#shared.\" \".\")(\"shared.\" \".\"))") })),
            "personal namespace INBOX. with separator '.', and two shared ones");
        Assert.That(M.create("Projects"), Is.EqualTo(("NO", new List<ImapItem?> { Item("Invalid mailbox name.") })));
        // A folder's missing parents are not created: they are listed as \Noselect placeholders while they have
        // children, and vanish with the last of them.
        Assert.That(M.create("INBOX.Projects.2026").typ, Is.EqualTo("OK"));
        Assert.That(M.list("INBOX.", "*"), Is.EqualTo(("OK", new List<ImapItem?>
        {
            Item("(\\HasNoChildren) \".\" \"INBOX.Projects.2026\""),
            Item("(\\Noselect \\HasChildren) \".\" \"INBOX.Projects\""),
        })));
        Assert.That(M.rename("INBOX.Projects", "INBOX.Archive"), Is.EqualTo(("OK", new List<ImapItem?> { Item("Folder renamed.") })),
            "renaming the placeholder moves its children");
        Assert.That(M.list("INBOX.", "*"), Is.EqualTo(("OK", new List<ImapItem?>
        {
            Item("(\\HasNoChildren) \".\" \"INBOX.Archive.2026\""),
            Item("(\\Noselect \\HasChildren) \".\" \"INBOX.Archive\""),
        })));
        // LSUB lists the subscribed placeholder as a plain folder, and INBOX as a \Noselect parent.
        Assert.That(M.subscribe("INBOX.Archive"), Is.EqualTo(("OK", new List<ImapItem?> { Item("Folder subscribed.") })));
        Assert.That(M.lsub(), Is.EqualTo(("OK", new List<ImapItem?>
        {
            Item("(\\HasNoChildren) \".\" \"INBOX.Archive\""),
            Item("(\\Noselect \\HasChildren) \".\" \"INBOX\""),
        })));
        Assert.That(M.delete("INBOX.Archive.2026"), Is.EqualTo(("OK", new List<ImapItem?> { Item("Folder deleted.") })));
        Assert.That(M.list(), Is.EqualTo(("OK", new List<ImapItem?> { Item("(\\Unmarked \\HasNoChildren) \".\" \"INBOX\"") })),
            "the placeholder went with its last child");
        Assert.That(M.delete("INBOX.Archive"),
            Is.EqualTo(("NO", new List<ImapItem?> { Item("Mailbox does not exist, or must be subscribed to.") })));
        M.logout();
    }
}
