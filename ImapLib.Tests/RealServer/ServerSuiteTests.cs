using System.Text;
using System.Text.RegularExpressions;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// One command suite — connect, capabilities, login, LIST, CREATE, SELECT, APPEND, SEARCH, FETCH, STORE, COPY, STATUS,
/// EXPUNGE, IDLE, CLOSE, LOGOUT — run by the library against each of the project's real servers: Dovecot 2.3, Cyrus
/// 3.6, Cyrus 3.10 (as a rev1 client: nothing ENABLEd) and Courier-IMAP 5. Each step's result is taken as Python's
/// repr of <c>(typ, data)</c> and compared with that server's own table below, so the differences between servers are
/// stated, line by line, rather than smoothed over. Only values minted per mailbox from the clock (UIDVALIDITY in
/// APPENDUID/COPYUID) are replaced by <c>V</c>, and Dovecot's timing text is left out. docs/servers.md summarises the tables.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Server")]
public class ServerSuiteTests
{
    private static readonly byte[] Message = Encoding.ASCII.GetBytes(
        "From: tester@example.com\r\nSubject: suite\r\nMessage-ID: <suite@example.com>\r\n\r\nHello from ImapLib.\r\n");

    /// <summary>Capabilities whose presence the suite records (after login).</summary>
    private static readonly string[] Probed =
        ["IMAP4REV1", "IMAP4REV2", "IDLE", "UIDPLUS", "MOVE", "NAMESPACE", "ENABLE", "ESEARCH", "CONDSTORE", "LITERAL+", "UTF8=ACCEPT", "QUOTA", "ACL"];

    /// <summary>A real server: how to get two logged-in connections of one fresh account, where a new folder may be
    /// created, and what the server answers at each step of the suite.</summary>
    public sealed record Target(string Name, string Greeting, Func<(IMAP4 M, IMAP4 other)> Connect, string Folder,
        IReadOnlyDictionary<string, string> Answers)
    {
        public override string ToString() => Name;
    }

    private static (IMAP4, IMAP4) Two(Func<IMAP4> connect) => (connect(), connect());

    /// <summary>Cyrus's answers (3.6, and 3.10 to a rev1 client). Personal folders live under INBOX (altnamespace
    /// off), so CREATE at the top level is refused; \Recent comes first among the flags.</summary>
    private static readonly Dictionary<string, string> CyrusAnswers = new()
    {
        ["capabilities"] = "IMAP4REV1 IDLE UIDPLUS MOVE NAMESPACE ENABLE ESEARCH CONDSTORE LITERAL+ QUOTA ACL",
        ["list"] = "('OK', [b'(\\\\HasNoChildren) \".\" INBOX'])",
        ["create at top level"] = "('NO', [b'Permission denied'])",
        ["select"] = "('OK', [b'0'])",
        ["UIDNEXT after select"] = "('UIDNEXT', [b'1'])",
        ["append"] = "('OK', [b'[APPENDUID V 1] Completed'])",
        ["search before NOOP"] = "('OK', [b'1'])",
        ["search"] = "('OK', [b'1'])",
        ["search, no match"] = "('OK', [b''])",
        ["fetch flags"] = "('OK', [b'1 (FLAGS (\\\\Recent \\\\Flagged))'])",
        ["fetch header field"] = "('OK', [(b'1 (BODY[HEADER.FIELDS (SUBJECT)] {18}', b'Subject: suite\\r\\n\\r\\n'), b')'])",
        ["store"] = "('OK', [b'1 (FLAGS (\\\\Recent \\\\Flagged \\\\Seen))'])",
        ["copy"] = "('OK', [b'[COPYUID V 1 1] Completed'])",
        ["status"] = "('OK', [b'INBOX.Suite (MESSAGES 1 UIDNEXT 2)'])",
        ["expunge"] = "('OK', [b'1'])",
        ["idle"] = "EXISTS [b'1']",
        ["logout"] = "('BYE', [b'LOGOUT received'])",
    };

    public static IEnumerable<Target> Targets()
    {
        yield return new Target("Dovecot", "Dovecot (Debian) ready.", () => { var a = Dovecot.NewAccount(); return Two(a.Connect); }, "Suite",
            new Dictionary<string, string>
            {
                ["capabilities"] = "IMAP4REV1 IDLE UIDPLUS MOVE NAMESPACE ENABLE ESEARCH CONDSTORE LITERAL+ QUOTA ACL",
                ["list"] = "('OK', [b'(\\\\HasNoChildren) \"/\" INBOX'])",
                ["create at top level"] = "('OK', [b'Create completed.'])",
                ["select"] = "('OK', [b'0'])",
                ["UIDNEXT after select"] = "('UIDNEXT', [b'1'])",
                ["append"] = "('OK', [b'[APPENDUID V 1] Append completed.'])",
                ["search before NOOP"] = "('OK', [b'1'])",
                ["search"] = "('OK', [b'1'])",
                ["search, no match"] = "('OK', [b''])",
                ["fetch flags"] = "('OK', [b'1 (FLAGS (\\\\Flagged \\\\Recent))'])",
                ["fetch header field"] = "('OK', [(b'1 (BODY[HEADER.FIELDS (SUBJECT)] {18}', b'Subject: suite\\r\\n\\r\\n'), b')'])",
                ["store"] = "('OK', [b'1 (FLAGS (\\\\Flagged \\\\Seen \\\\Recent))'])",
                ["copy"] = "('OK', [b'[COPYUID V 1 1] Copy completed.'])",
                ["status"] = "('OK', [b'Suite (MESSAGES 1 UIDNEXT 2)'])",
                ["expunge"] = "('OK', [b'1'])",
                ["idle"] = "EXISTS [b'1']",
                ["logout"] = "('BYE', [b'Logging out'])",
            });
        yield return new Target("Cyrus 3.6", "Cyrus IMAP 3.6", () => { var a = Cyrus.V36.NewAccount(); return Two(a.Connect); }, "INBOX.Suite",
            CyrusAnswers);
        // 3.10 answers a rev1 client as 3.6 does; it only advertises IMAP4rev2 besides.
        yield return new Target("Cyrus 3.10", "Cyrus IMAP 3.10", () => { var a = Cyrus.V310.NewAccount(); return Two(a.Connect); }, "INBOX.Suite",
            new Dictionary<string, string>(CyrusAnswers)
            {
                ["capabilities"] = "IMAP4REV1 IMAP4REV2 IDLE UIDPLUS MOVE NAMESPACE ENABLE ESEARCH CONDSTORE LITERAL+ QUOTA ACL",
            });
        yield return new Target("Courier", "Courier-IMAP ready.", () => { var a = Courier.NewAccount(); return Two(a.Connect); }, "INBOX.Suite",
            new Dictionary<string, string>
            {
                ["capabilities"] = "IMAP4REV1 IDLE UIDPLUS NAMESPACE ENABLE UTF8=ACCEPT QUOTA ACL",
                ["list"] = "('OK', [b'(\\\\Unmarked \\\\HasNoChildren) \".\" \"INBOX\"'])",
                ["create at top level"] = "('NO', [b'Invalid mailbox name.'])",
                ["select"] = "('OK', [b'0'])",
                // No UIDNEXT on selecting an empty mailbox.
                ["UIDNEXT after select"] = "('UIDNEXT', [None])",
                ["append"] = "('OK', [b'[APPENDUID V 1] APPEND Ok.'])",
                // The selected mailbox's new message is announced (EXISTS) only at the next NOOP: SEARCH does not
                // see it yet and answers a bare "* SEARCH".
                ["search before NOOP"] = "('OK', [b''])",
                ["search"] = "('OK', [b'1'])",
                ["search, no match"] = "('OK', [b''])",
                // \Recent is not given to the message appended by this session.
                ["fetch flags"] = "('OK', [b'1 (FLAGS (\\\\Flagged))'])",
                // The header field names come back quoted.
                ["fetch header field"] = "('OK', [(b'1 (BODY[HEADER.FIELDS (\"SUBJECT\")] {18}', b'Subject: suite\\r\\n\\r\\n'), b')'])",
                ["store"] = "('OK', [b'1 (FLAGS (\\\\Flagged \\\\Seen))'])",
                ["copy"] = "('OK', [b'[COPYUID V 1 1] COPY completed.'])",
                // The mailbox name comes back quoted.
                ["status"] = "('OK', [b'\"INBOX.Suite\" (MESSAGES 1 UIDNEXT 2)'])",
                ["expunge"] = "('OK', [b'1'])",
                ["idle"] = "EXISTS [b'1']",
                ["logout"] = "('BYE', [b'Courier-IMAP server shutting down'])",
            });
    }

    /// <summary>Python's repr of a result, with the per-mailbox clock values replaced by V and Dovecot's timing text
    /// (<c> (0.001 + 0.000 secs)</c>) left out.</summary>
    private static string Repr(object result) =>
        Regex.Replace(Regex.Replace(result.ToString()!, @"(APPENDUID|COPYUID) \d+", "$1 V"), @" \(\d+\.\d+ \+ [0-9.+ ]+ secs\)", "");

    [TestCaseSource(nameof(Targets))]
    public void Command_suite(Target target)
    {
        var (M, other) = target.Connect();
        using var _ = M;
        using var __ = other;
        var answers = new Dictionary<string, string>();
        Assert.That(M.welcome.decode(), Does.Contain(target.Greeting));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        answers["capabilities"] = string.Join(' ', Probed.Where(M.capabilities.Contains));
        answers["list"] = Repr(M.list());
        answers["create at top level"] = Repr(M.create("Suite"));
        if (target.Folder != "Suite") Assert.That(M.create(target.Folder).typ, Is.EqualTo("OK"));
        answers["select"] = Repr(M.select("INBOX"));
        answers["UIDNEXT after select"] = Repr(M.response("UIDNEXT"));
        answers["append"] = Repr(M.append("INBOX", "(\\Flagged)", null, Message));
        answers["search before NOOP"] = Repr(M.search(null, "ALL"));
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        answers["search"] = Repr(M.search(null, "ALL"));
        answers["search, no match"] = Repr(M.search(null, "SUBJECT", "\"no such subject\""));
        answers["fetch flags"] = Repr(M.fetch("1", "(FLAGS)"));
        var (typ, data) = M.fetch("1", "(BODY.PEEK[])");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data[0].Body, Is.EqualTo(Message), "the message comes back byte for byte");
        answers["fetch header field"] = Repr(M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"));
        answers["store"] = Repr(M.store("1", "+FLAGS", "(\\Seen)"));
        answers["copy"] = Repr(M.copy("1", target.Folder));
        answers["status"] = Repr(M.status(target.Folder, "(MESSAGES UIDNEXT)"));
        Assert.That(M.store("1", "+FLAGS", "(\\Deleted)").typ, Is.EqualTo("OK"));
        answers["expunge"] = Repr(M.expunge());

        // IDLE: the other connection appends while this one idles; the first push is recorded. The append waits a
        // second: Courier answers "+" before its filesystem watch is in place, and a message delivered in that
        // instant (a few milliseconds) is only reported at DONE or at the next poll, a minute later.
        string pushed = "(nothing)";
        using (var idler = M.idle(duration: 15).__enter__())
        {
            var appender = Task.Run(() => { Thread.Sleep(1000); other.append("INBOX", null, null, Message); });
            foreach (var (kind, items) in idler)
            {
                pushed = $"{kind} {items}";
                break;
            }
            appender.Wait();
        }
        answers["idle"] = pushed;
        Assert.That(M.close().typ, Is.EqualTo("OK"));
        answers["logout"] = Repr(M.logout());
        other.logout();

        TestContext.Out.WriteLine(string.Join("\n", answers.Select(a => $"[\"{a.Key}\"] = \"{a.Value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\",")));
        Assert.Multiple(() =>
        {
            foreach (var (step, answer) in answers)
                Assert.That(answer, Is.EqualTo(target.Answers.GetValueOrDefault(step, "(not stated)")), $"{target.Name}: {step}");
            Assert.That(target.Answers.Keys.Except(answers.Keys), Is.Empty, "steps stated but not run");
        });
    }
}
