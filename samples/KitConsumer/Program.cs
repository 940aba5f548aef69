// The test kit as a package user gets it (scripts/package-check.sh builds this against the local feed): one small
// session run four ways, each of which must give the same results.
//   1. ScriptedIMAP4 replays a hand-written transcript, with no socket;
//   2. TranscriptServer serves the same transcript over TLS, and IMAP4_SSL verifies its in-process certificate;
//   3. RecordingIMAP4 records the session against a plain TranscriptServer, and the recording replays;
//   4. with IMAP_HOST set (the private Dovecot), RecordingIMAP4 records a live session, which then replays.
// A client that leaves the transcript must raise TranscriptMismatchException. Anything unexpected exits non-zero.
using ImapLib;
using ImapLib.Testing;

const string Inbox = """
    # A hand-written transcript: the server's greeting, then each command the client must send and the answer.
    S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
    C: {tag} LOGIN joe {secret}
    S: {tag} OK [CAPABILITY IMAP4rev1 LITERAL+] logged in
    C: {tag} SELECT INBOX
    S: * 2 EXISTS
    S: {tag} OK [READ-WRITE] selected
    C: {tag} FETCH 2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])
    S: * 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {18}
    S: Subject: hello
    S:
    S: )
    S: {tag} OK done
    C: {tag} LOGOUT
    S: * BYE logging out
    S: {tag} OK done
    """;

int failures = 0;
void Check(string what, bool ok, string detail = "")
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}{(ok || detail.Length == 0 ? "" : ": " + detail)}");
    if (!ok) failures++;
}

// The code under test: a few commands whose results it prints as Python would.
static string Session(IMAP4 M, string user, string password)
{
    var lines = new List<string> { M.login(user, password).typ, M.select("INBOX").ToString() };
    var (typ, data) = M.fetch("2", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
    lines.Add($"{typ} {data}");
    lines.Add(M.logout().typ);
    return string.Join("\n", lines);
}

const string Expected = "OK\n('OK', [b'2'])\nOK [(b'2 (BODY[HEADER.FIELDS (SUBJECT)] {18}', b'Subject: hello\\r\\n\\r\\n'), b')']\nBYE";
var transcript = Transcript.Parse(Inbox, "inbox.imap");

// 1. Replay over the hooks.
using (var M = new ScriptedIMAP4(transcript))
{
    string got = Session(M, "joe", "any password");
    Check("ScriptedIMAP4 replays the hand-written transcript", got == Expected, got);
    M.AssertComplete();
}

// A client that leaves the transcript is told where, at once.
using (var M = new ScriptedIMAP4(transcript))
{
    M.login("joe", "pw");
    try
    {
        M.select("Archive");
        Check("a different command raises TranscriptMismatchException", false, "no exception");
    }
    catch (TranscriptMismatchException e)
    {
        string want = $"inbox.imap, line 5: the client sent a different line\n  expected: C: {{tag}} SELECT INBOX\n  actual:   C: {M.tagpre.decode()}1 SELECT Archive";
        Check("a different command raises TranscriptMismatchException", e.Message == want, e.Message);
    }
}

// 2. The same transcript over TLS, for code that makes its own connection.
using (var server = TranscriptServer.Start(transcript, tls: true))
{
    using (var M = new IMAP4_SSL(server.Host, server.Port, ssl_context: server.SslContext, timeout: 30))
    {
        string got = Session(M, "joe", "another password");
        Check("TranscriptServer (TLS) plays it to IMAP4_SSL", got == Expected, got);
    }
    server.AssertComplete();
}

// 3. Recorded against a TranscriptServer, then replayed from the recording (saved and loaded as a file).
string file = Path.Combine(Path.GetTempPath(), $"kit-consumer-{Environment.ProcessId}.imap");
try
{
    using (var server = TranscriptServer.Start(transcript))
    {
        using var M = new RecordingIMAP4(server.Host, server.Port, timeout: 30);
        string live = Session(M, "joe", "the real password");
        M.transcript.Save(file);
        server.AssertComplete();
        Check("RecordingIMAP4 records without changing the session", live == Expected, live);
    }
    string recorded = File.ReadAllText(file);
    Check("the recording hides tags and the password", recorded.Contains("C: {tag} LOGIN joe {secret}\n") && !recorded.Contains("the real password"), recorded);
    using (var M = new ScriptedIMAP4(Transcript.Load(file)))
    {
        string got = Session(M, "joe", "whatever");
        Check("the recording replays to the same results", got == Expected, got);
        M.AssertComplete();
    }

    // 4. A live session against a real server (the private Dovecot of the package check), recorded and replayed.
    if (Environment.GetEnvironmentVariable("IMAP_HOST") is { } host)
    {
        int port = int.Parse(Environment.GetEnvironmentVariable("IMAP_PORT") ?? "143");
        string user = Environment.GetEnvironmentVariable("KIT_USER") ?? throw new InvalidOperationException("set KIT_USER");
        string password = Environment.GetEnvironmentVariable("KIT_PASSWORD") ?? throw new InvalidOperationException("set KIT_PASSWORD");
        static string Live(IMAP4 M, string user, string password)
        {
            var lines = new List<string> { M.login(user, password).typ };
            lines.Add(M.append("INBOX", @"(\Seen)", null, "Subject: kit\r\n\r\nrecorded by the kit\r\n"u8.ToArray()).typ);
            lines.Add(M.select("INBOX").ToString());
            lines.Add(M.fetch("1", "(FLAGS BODY[])").ToString());
            using var streamed = new MemoryStream();   // a streaming fetch is recorded too
            lines.Add($"{M.fetch("1", "(BODY[])", literal_sink: _ => streamed)} {Convert.ToHexString(streamed.ToArray())}");
            lines.Add(M.logout().typ);
            return string.Join("\n", lines);
        }
        string live;
        using (var M = new RecordingIMAP4(host, port, timeout: 30))
        {
            live = Live(M, user, password);
            M.transcript.Save(file);
        }
        Check("the live session ran", live.StartsWith("OK\nOK\n('OK', [b'1'])\n", StringComparison.Ordinal) && live.Contains("recorded by the kit"), live);
        Check("the live recording hides the password", !File.ReadAllText(file).Contains(password), File.ReadAllText(file));
        using var R = new ScriptedIMAP4(Transcript.Load(file));
        string replayed = Live(R, user, "not the password");
        R.AssertComplete();
        Check("the live recording replays to identical results", replayed == live, $"{replayed}\n--- live:\n{live}");
    }
}
finally
{
    File.Delete(file);
}

Console.WriteLine(failures == 0 ? "kit consumer: all checks passed" : $"kit consumer: {failures} check(s) failed");
return failures == 0 ? 0 : 1;
