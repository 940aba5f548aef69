using System.Security.Cryptography;
using System.Text;

namespace ImapLib.Tests.Corpus;

/// <summary>
/// What the corpus records: everyday sessions a mail program has, each written once as C# against <see cref="IMAP4"/>
/// and run against every real server of the test bed that offers what it needs. Recorded (by
/// <see cref="CorpusRecordingTests"/>), each becomes <c>Transcripts/SERVER/NAME.imap</c> plus the lines the session
/// printed (<c>NAME.out</c>); replayed with no server (<see cref="CorpusReplayTests"/>), the same code must print the
/// same lines. A scenario's commands depend only on what the server answered, so a replay sends the same lines.
/// </summary>
public static class CorpusScenarios
{
    /// <summary>One scenario: its name, the capability it needs (null: any server), and its body, which connects with
    /// the given function, logs in as <c>user</c>, and prints what it sees.</summary>
    public sealed record Scenario(string Name, string? Needs, Action<Session> Run);

    /// <summary>What a scenario runs with: a way to connect, the account, the server's folder prefix (Courier keeps
    /// folders under <c>INBOX.</c>), and where to print.</summary>
    public sealed record Session(Func<IMAP4> Connect, string User, string Password, string FolderPrefix, Action<string> Print)
    {
        /// <summary>Connects and logs in.</summary>
        public IMAP4 LoggedIn()
        {
            var M = Connect();
            M.login(User, Password);
            return M;
        }

        public void Show(string label, ImapResult result) => Print($"{label}: {result}");
    }

    private static byte[] Message(string subject, string body, string from = "alice@example.org") => Encoding.UTF8.GetBytes(
        $"From: {from}\r\nTo: bob@example.org\r\nSubject: {subject}\r\nDate: Mon, 1 Jun 2026 10:00:00 +0000\r\n" +
        $"Message-ID: <{subject.Replace(' ', '.')}@corpus>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n");

    private static void Seed(IMAP4 M, Session s, int count)
    {
        for (int i = 1; i <= count; i++)
            s.Show($"append {i}", M.append("INBOX", i % 2 == 0 ? @"(\Seen)" : null, "\"01-Jun-2026 10:00:0" + i + " +0000\"", Message($"note {i}", $"body of note {i}")));
    }

    /// <summary>Every scenario, in a fixed order.</summary>
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new("greeting-capability-logout", null, s =>
        {
            var M = s.Connect();
            s.Print($"welcome: {M.welcome}");
            s.Print($"state: {M.state}, version: {M.PROTOCOL_VERSION}");
            s.Show("capability", M.capability());
            s.Show("noop", M.noop());
            s.Show("logout", M.logout());
        }),
        new("login-select-search-fetch", null, s =>
        {
            var M = s.LoggedIn();
            Seed(M, s, 3);
            s.Show("select", M.select());
            s.Show("search all", M.search(null, "ALL"));
            s.Show("search unseen", M.search(null, "UNSEEN"));
            s.Show("fetch flags", M.fetch("1:3", "(FLAGS RFC822.SIZE)"));
            s.Show("fetch rfc822", M.fetch("2", "(RFC822)"));
            s.Show("fetch header", M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"));
            s.Show("close", M.close());
            s.Show("logout", M.logout());
        }),
        new("store-copy-expunge", null, s =>
        {
            var M = s.LoggedIn();
            string archive = s.FolderPrefix + "Archive";
            s.Show("create", M.create(archive));
            Seed(M, s, 2);
            s.Show("select", M.select());
            s.Show("store", M.store("1", "+FLAGS", @"(\Deleted \Flagged)"));
            s.Show("copy", M.copy("2", archive));
            s.Show("expunge", M.expunge());
            s.Show("status", M.status(archive, "(MESSAGES)"));
            s.Show("logout", M.logout());
        }),
        new("uid-commands", "UIDPLUS", s =>
        {
            var M = s.LoggedIn();
            Seed(M, s, 3);
            s.Show("select", M.select());
            var (typ, data) = M.uid("SEARCH", "ALL");
            s.Print($"uid search: {typ} {data}");
            var uids = data[0]!.split();
            s.Show("uid fetch", M.uid("FETCH", uids[0], "(UID FLAGS)"));
            s.Show("uid store", M.uid("STORE", uids[1], "+FLAGS", @"(\Answered)"));
            s.Show("uid copy", M.uid("COPY", uids[2], "INBOX"));
            s.Show("logout", M.logout());
        }),
        new("mailbox-tree", null, s =>
        {
            var M = s.LoggedIn();
            string top = s.FolderPrefix + "Projects", child = top + "/2026";
            var (_, ns) = M.list("", "INBOX");
            s.Print($"list inbox: {ns}");
            s.Show("create", M.create(top));
            s.Show("list", M.list("", s.FolderPrefix + "Proj*"));
            s.Show("subscribe", M.subscribe(top));
            s.Show("lsub", M.lsub("", s.FolderPrefix + "Proj*"));
            s.Show("rename", M.rename(top, s.FolderPrefix + "Done"));
            s.Show("delete", M.delete(s.FolderPrefix + "Done"));
            s.Show("delete missing", M.delete(child));
            s.Show("logout", M.logout());
        }),
        new("status-examine", null, s =>
        {
            var M = s.LoggedIn();
            Seed(M, s, 2);
            s.Show("status", M.status("INBOX", "(MESSAGES UNSEEN)"));
            s.Show("examine", M.select("INBOX", @readonly: true));
            s.Print($"readonly: {M.is_readonly}");
            s.Show("fetch", M.fetch("1", "(FLAGS)"));
            s.Show("logout", M.logout());
        }),
        new("large-literal", null, s =>
        {
            var M = s.LoggedIn();
            var big = new StringBuilder();
            for (int i = 0; big.Length < 300_000; i++) big.Append("line ").Append(i).Append(" of a big message, with some text to fill it\r\n");
            s.Show("append", M.append("INBOX", null, null, Message("big", big.ToString())));
            s.Show("select", M.select());
            var (typ, data) = M.fetch("1", "(RFC822)");
            var body = data[0]!.Body;
            s.Print($"fetch: {typ} {body.Length} bytes, sha256 {Convert.ToHexStringLower(SHA256.HashData(body))}");
            s.Show("logout", M.logout());
        }),
        new("eight-bit-message", null, s =>
        {
            var M = s.LoggedIn();
            var message = Message("Grüße", "Zeile mit Umlauten: äöü ß\r\nund ein Euro: €");
            s.Show("append", M.append("INBOX", null, null, message));
            s.Show("select", M.select());
            s.Show("fetch", M.fetch("1", "(BODY.PEEK[TEXT])"));
            s.Show("logout", M.logout());
        }),
        new("errors", null, s =>
        {
            var M = s.LoggedIn();
            s.Show("select missing", M.select(s.FolderPrefix + "NoSuchBox"));
            try { M.fetch("1", "(FLAGS)"); }
            catch (IMAP4.error e) { s.Print($"fetch outside SELECTED: error {e.Message}"); }
            try { s.Show("bogus", M.xatom("BOGUSCOMMAND")); }
            catch (IMAP4.error e) { s.Print($"bogus: error {e.Message}"); }
            s.Show("select", M.select());
            try { s.Show("bad fetch", M.fetch("1", "(NOSUCHITEM)")); }
            catch (IMAP4.error e) { s.Print($"bad fetch: error {e.Message}"); }
            s.Show("logout", M.logout());
        }),
        new("idle", "IDLE", s =>
        {
            var M = s.LoggedIn();
            s.Show("select", M.select());
            int seen = 0;
            using (var idler = M.idle(duration: 0.3))
            {
                foreach (var _ in idler) seen++;
            }
            s.Print($"idle: {seen} responses, state {M.state}");
            s.Show("noop", M.noop());
            s.Show("logout", M.logout());
        }),
        new("compress", "COMPRESS=DEFLATE", s =>
        {
            var M = s.LoggedIn();
            s.Show("compress", M.compress());
            Seed(M, s, 2);
            s.Show("select", M.select());
            s.Show("fetch", M.fetch("1:2", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"));
            s.Show("logout", M.logout());
        }),
        new("sort-thread", "SORT", s =>
        {
            var M = s.LoggedIn();
            Seed(M, s, 3);
            s.Show("select", M.select());
            s.Show("sort", M.sort("(REVERSE SUBJECT)", "UTF-8", "ALL"));
            s.Show("thread", M.thread("REFERENCES", "UTF-8", "ALL"));
            s.Show("logout", M.logout());
        }),
        new("namespace-acl", "ACL", s =>
        {
            var M = s.LoggedIn();
            s.Show("namespace", M.@namespace());
            s.Show("myrights", M.myrights("INBOX"));
            s.Show("getacl", M.getacl("INBOX"));
            s.Show("logout", M.logout());
        }),
        new("authenticate-plain", "AUTH=PLAIN", s =>
        {
            var M = s.Connect();
            s.Show("login_plain", M.login_plain(s.User, s.Password));
            s.Print($"state: {M.state}");
            s.Show("logout", M.logout());
        }),
    ];
}
