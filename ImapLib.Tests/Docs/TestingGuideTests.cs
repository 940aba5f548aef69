using System.Globalization;
using System.Net.Security;
using System.Text;
using System.Text.RegularExpressions;
using ImapLib.Testing;
using Moq;
using Match = System.Text.RegularExpressions.Match;

namespace ImapLib.Tests.Docs;

/// <summary>
/// docs/testing.md, compiled and run: every C# block of the guide is code of this file (checked line by line by
/// <see cref="Every_csharp_block_of_the_guide_is_code_of_this_file"/>), every transcript block parses, and every
/// mismatch message the guide shows is the one the kit raises. Keep the page and this file in step: edit a block in
/// both places.
/// </summary>
public class TestingGuideTests
{
    // ---- The code under test: what a user of the library writes ------------------------------------------------

    /// <summary>Moves every message before <paramref name="cutoff"/> from INBOX to Archive; returns how many.</summary>
    public static int ArchiveOldMail(IMAP4 M, DateTime cutoff)
    {
        M.select("INBOX");
        var (_, data) = M.search(null, "BEFORE", cutoff.ToString("dd-MMM-yyyy", CultureInfo.InvariantCulture));
        var numbers = data[0].split();
        if (numbers.Count == 0) return 0;
        M.copy(numbers, "Archive");
        foreach (var num in numbers) M.store(num, "+FLAGS", @"\Deleted");
        M.expunge();
        return numbers.Count;
    }

    /// <summary>Application code that makes its own connection (over TLS): how many messages in INBOX are unseen.</summary>
    public static int CountUnseen(string host, int port, SslClientAuthenticationOptions? ssl_context, string user, string password)
    {
        using var M = new IMAP4_SSL(host, port, ssl_context: ssl_context);
        M.login(user, password);
        M.select("INBOX", @readonly: true);
        var (_, data) = M.search(null, "UNSEEN");
        return data[0].split().Count;
    }

    // ---- Record once against a real server, replay in CI ---------------------------------------------------------

    /// <summary>The guide's recording block: the session against a server, saved as a transcript.</summary>
    private static void RecordArchiveSession(string host, int port, string user, string password, string path)
    {
        using (var M = new RecordingIMAP4(host, port))
        {
            M.login(user, password);
            ArchiveOldMail(M, new DateTime(2026, 1, 1));
            M.logout();
            M.transcript.Save(path);
        }
    }

    [Test]
    public void Archive_old_mail_replays_the_recorded_session()
    {
        using var M = new ScriptedIMAP4(Transcript.Load("Transcripts/archive.imap"));
        M.login("archiver", "any password: a replay accepts every one");
        Assert.That(ArchiveOldMail(M, new DateTime(2026, 1, 1)), Is.EqualTo(2));
        M.logout();
        M.AssertComplete();
    }

    [Test]
    public void Recording_the_replayed_session_gives_the_committed_transcript_back()
    {
        // The recording block, run against the committed transcript served on loopback: what it writes is the file,
        // line for line (the file's own comment lines aside).
        var committed = Transcript.Load("Transcripts/archive.imap");
        string dir = Directory.CreateTempSubdirectory("imaplib-guide-").FullName;
        try
        {
            string path = Path.Combine(dir, "archive.imap");
            using (var server = TranscriptServer.Start(committed))
            {
                RecordArchiveSession(server.Host, server.Port, "archiver", "secret", path);
                server.AssertComplete();
            }
            var withoutComments = committed.ToString().Split('\n').Where(l => !l.StartsWith('#'));
            Assert.That(File.ReadAllText(path), Is.EqualTo(string.Join("\n", withoutComments)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    [Category("Server")]
    public void Recorded_against_Dovecot_the_session_replays_with_the_same_result()
    {
        var account = Support.Dovecot.NewAccount("archiver's secret");
        using (var setup = account.Connect())
        {
            setup.create("Archive");
            foreach (var (subject, date) in new[] { ("one", "2025-03-01"), ("two", "2025-11-30"), ("new", "2026-02-01") })
            {
                var when = DateTimeOffset.Parse(date + "T12:00:00Z", CultureInfo.InvariantCulture);
                setup.append("INBOX", null, when, Encoding.ASCII.GetBytes($"Subject: {subject}\r\n\r\n{subject}\r\n"));
            }
            setup.logout();
        }
        string dir = Directory.CreateTempSubdirectory("imaplib-guide-").FullName;
        try
        {
            string path = Path.Combine(dir, "archive.imap");
            RecordArchiveSession(Support.Dovecot.Server.Host, Support.Dovecot.Server.Port, account.User, account.Password, path);
            string recorded = File.ReadAllText(path);
            Assert.That(recorded, Does.Not.Contain(account.Password));
            Assert.That(recorded, Does.Contain($"C: {{tag}} LOGIN {account.User} {{secret}}\n"));
            TestContext.Out.WriteLine(recorded);
            using var M = new ScriptedIMAP4(Transcript.Load(path));
            M.login(account.User, "not the password");
            Assert.That(ArchiveOldMail(M, new DateTime(2026, 1, 1)), Is.EqualTo(2));
            M.logout();
            M.AssertComplete();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // ---- A transcript written by hand ----------------------------------------------------------------------------

    [Test]
    public void Archive_old_mail_against_a_hand_written_transcript()
    {
        using var M = new ScriptedIMAP4("""
            S: * PREAUTH [CAPABILITY IMAP4rev1] ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            C: {tag} SELECT INBOX
            S: * 3 EXISTS
            S: {tag} OK [READ-WRITE] selected
            C: {tag} SEARCH BEFORE 01-Jan-2026
            S: * SEARCH 1 2
            S: {tag} OK done
            C: {tag} COPY 1,2 Archive
            S: {tag} OK copied
            C: {tag} STORE 1 +FLAGS (\Deleted)
            S: * 1 FETCH (FLAGS (\Deleted))
            S: {tag} OK stored
            C: {tag} STORE 2 +FLAGS (\Deleted)
            S: * 2 FETCH (FLAGS (\Deleted))
            S: {tag} OK stored
            C: {tag} EXPUNGE
            S: * 1 EXPUNGE
            S: * 1 EXPUNGE
            S: {tag} OK expunged
            """);
        Assert.That(ArchiveOldMail(M, new DateTime(2026, 1, 1)), Is.EqualTo(2));
        M.AssertComplete();
    }

    [Test]
    public void A_message_with_a_literal_and_bytes_that_are_not_UTF8()
    {
        using var M = new ScriptedIMAP4("""
            S: * PREAUTH [CAPABILITY IMAP4rev1] ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            C: {tag} SELECT INBOX
            S: {tag} OK [READ-WRITE] selected
            C: {tag} FETCH 1 (BODY[])
            # {24}: the 24 bytes are on the next lines, CRLFs counted; 'S!' writes bytes, '\xe9' is one
            S: * 1 FETCH (BODY[] {24}
            S: Subject: café
            S:
            S! caf\xe9\r\n)\r\n
            S: {tag} OK done
            """);
        M.select();
        var (_, data) = M.fetch("1", "(BODY[])");
        Assert.That(data[0][1].Bytes, Is.EqualTo((byte[])[.. "Subject: café\r\n\r\ncaf"u8, 0xe9, .. "\r\n"u8]));
        M.AssertComplete();
    }

    // ---- Code that connects by itself: TranscriptServer ----------------------------------------------------------

    [Test]
    public void Count_unseen_over_TLS_against_a_transcript_server()
    {
        using var server = TranscriptServer.Start(Transcript.Parse("""
            S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
            C: {tag} LOGIN joe {secret}
            S: {tag} OK [CAPABILITY IMAP4rev1] logged in
            C: {tag} EXAMINE INBOX
            S: * 4 EXISTS
            S: {tag} OK [READ-ONLY] examined
            C: {tag} SEARCH UNSEEN
            S: * SEARCH 2 4
            S: {tag} OK done
            C: {tag} LOGOUT
            S: * BYE
            S: {tag} OK bye
            """), tls: true);
        Assert.That(CountUnseen(server.Host, server.Port, server.SslContext, "joe", "secret"), Is.EqualTo(2));
        server.AssertComplete();
    }

    [Test]
    public void STARTTLS_and_two_connections_against_a_transcript_server()
    {
        var login = Transcript.Parse("""
            S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready
            C: {tag} STARTTLS
            S: {tag} OK begin TLS
            @starttls
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 AUTH=PLAIN
            S: {tag} OK done
                C: {tag} LOGIN joe {secret}
            S: {tag} OK [CAPABILITY IMAP4rev1 IDLE] logged in
            C: {tag} LOGOUT
            S: * BYE
            S: {tag} OK bye
            """);
        using var server = TranscriptServer.Start([login, login]);   // one transcript per connection, in order
        for (int i = 0; i < 2; i++)
        {
            using var M = new IMAP4(server.Host, server.Port);
            M.starttls(ssl_context: server.SslContext);
            M.login("joe", "secret");
        }   // Dispose logs out
        server.AssertComplete();
    }

    [Test]
    public void A_recording_proxy_in_front_of_the_application()
    {
        using var upstream = TranscriptServer.Start(Transcript.Load("Transcripts/archive.imap"));
        (string host, int port) = (upstream.Host, upstream.Port);   // your real server

        using var proxy = TranscriptServer.Record(host, port);
        using (var M = new IMAP4(proxy.Host, proxy.Port))   // the application connects to the proxy
        {
            M.login("archiver", "secret");
            ArchiveOldMail(M, new DateTime(2026, 1, 1));
        }
        proxy.AssertComplete();
        Transcript recorded = proxy.Recorded[0];

        upstream.AssertComplete();
        Assert.That(recorded.ToString(), Does.Contain("C: {tag} LOGIN archiver {secret}\nS: {tag} OK"));
        using var R = new ScriptedIMAP4(recorded);
        R.login("archiver", "secret");
        Assert.That(ArchiveOldMail(R, new DateTime(2026, 1, 1)), Is.EqualTo(2));
        R.logout();
        R.AssertComplete();
    }

    // ---- When the client leaves the transcript -------------------------------------------------------------------

    [Test]
    public void The_mismatch_messages_the_guide_shows_are_the_kit_s()
    {
        string guide = File.ReadAllText(Path.Combine(Support.Repo.Root, "docs", "testing.md"));
        var messages = new List<string>();
        using (var M = new ScriptedIMAP4(Transcript.Parse("""
            S: * PREAUTH ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            # the code under test is meant to open INBOX
            C: {tag} SELECT INBOX
            S: {tag} OK done
            """, "archive.imap")))
        {
            var e = Assert.Throws<TranscriptMismatchException>(() => M.select("Archive"))!;
            messages.Add(e.Message.Replace(M.tagpre.decode(), "KDGC", StringComparison.Ordinal));
        }
        var truncated = new ScriptedIMAP4("S: * OK [CAPABILITY IMAP4rev1] ready\nC: {tag} NOOP\n");
        messages.Add(Assert.Throws<TranscriptMismatchException>(() => truncated.noop())!.Message);
        var early = new ScriptedIMAP4("S: * OK [CAPABILITY IMAP4rev1] ready\nC: {tag} NOOP\nS: {tag} OK done\nC: {tag} LOGOUT\nS: * BYE\nS: {tag} OK bye\n");
        early.noop();
        messages.Add(Assert.Throws<TranscriptMismatchException>(early.AssertComplete)!.Message);
        early.Dispose();
        var cut = new ScriptedIMAP4("S: * OK [CAPABILITY IMAP4rev1] ready\nC: {tag} NOOP\n@close\n");
        Assert.That(Assert.Throws<IMAP4.abort>(() => cut.noop())!.Message, Is.EqualTo("command: NOOP => socket error: EOF"));
        messages.Add(Assert.Throws<TranscriptFormatException>(() => Transcript.Parse("S: * OK ready\nX: what\n", "bad.imap"))!.Message);
        messages.Add(Assert.Throws<TranscriptFormatException>(() => Transcript.Parse(
            "S: * OK ready\nC: {tag} FETCH 1 BODY[]\nS: * 1 FETCH (BODY[] {100}\nS: short)\nS: {tag} OK\n", "short.imap"))!.Message);
        foreach (var message in messages)
            Assert.That(guide, Does.Contain(message), "docs/testing.md shows this message as it is");
    }

    // ---- The format, as the guide specifies it ---------------------------------------------------------------------

    [Test]
    public void The_format_behaves_as_the_guide_specifies()
    {
        static string Problem(string text) => Assert.Throws<TranscriptFormatException>(() => Transcript.Parse(text))!.Problem;

        // A client line spread over records: 'C!' without CRLF goes on in the next client record.
        var joined = Transcript.Parse("S: * OK [CAPABILITY IMAP4rev1] hi\nC! {tag} \nC: NOOP\nS: {tag} OK done\n");
        Assert.That(joined.Steps[1].Text, Is.EqualTo("C! {tag} \nC: NOOP"));
        using (var M = new ScriptedIMAP4(joined))
            Assert.That(M.noop().typ, Is.EqualTo("OK"));

        // Holes are never inside a literal, '\x7b' writes a brace that is no hole, 'S:' alone is an empty line, 'S!' alone
        // is no bytes, escapes take either case, comments may be indented.
        using (var M = new ScriptedIMAP4("""
            S: * PREAUTH ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            C: {tag} SELECT INBOX
            S: {tag} OK [READ-WRITE] done
            C: {tag} FETCH 1 (BODY[])
            S: * 1 FETCH (BODY[] {24}
            S: {tag} {secret}
            S!
            S:
            S! \x7btag}\xAB)\r\n
              # an indented comment
            S! {tag} OK done\r\n
            @close
            """))
        {
            M.select();
            var (_, data) = M.fetch("1", "(BODY[])");
            Assert.That(data[0][1].Bytes, Is.EqualTo((byte[])[.. "{tag} {secret}\r\n\r\n{tag}"u8, 0xab]));
            M.AssertComplete();
        }

        // literal8 (~{n}) frames like {n}; a client literal's CRLFs are compared in pieces.
        Assert.That(Transcript.Parse("S: * OK hi\nC: {tag} APPEND INBOX ~{4+}\nC: a\nC! b\\r\\n\nS: {tag} OK\n").Steps.Count(s => s.Kind == TranscriptStepKind.Client), Is.EqualTo(3));

        Assert.That(Transcript.Parse("S: * BYE\n@close  \n").Steps[^1].Kind, Is.EqualTo(TranscriptStepKind.Close));
        Assert.That(Problem("S:x\n"), Is.EqualTo("a space must follow 'S:': S:x"));
        Assert.That(Problem("S: * OK hi\nS: {secret}\n"), Is.EqualTo("{secret} stands for what the client sends; the server's lines cannot hold it"));
        Assert.That(Problem("S! a\\\n"), Is.EqualTo("a backslash ends the line (write \\\\ for a backslash)"));
        Assert.That(Problem("@reset\n"), Is.EqualTo("unknown directive '@reset' (known: @close, @starttls, @compress)"));
        Assert.That(Problem("S: * OK hi\nC! {tag} NOOP\nS: {tag} OK\n"), Does.StartWith("the client's line does not end (CRLF) before line 3"));
        Assert.That(Problem("S: * OK hi\nC! {tag} NOOP\n"), Does.StartWith("the client's last line does not end with a line break"));

        // A server {tag} before any command, and a send where the transcript has no client line, are mismatches.
        Assert.That(Assert.Throws<TranscriptMismatchException>(() => new ScriptedIMAP4("S: {tag} OK hi\n"))!.Message,
            Is.EqualTo("transcript, line 1: the server answers {tag} before the client sent any command\n  expected: S: {tag} OK hi"));
        var ended = new ScriptedIMAP4("S: * OK [CAPABILITY IMAP4rev1] hi\n");
        Assert.That(Assert.Throws<TranscriptMismatchException>(() => ended.noop())!.Message, Does.StartWith("transcript, line 1: the client sent a line after the end of the transcript"));

        // Server lines wait for the client: sending before reading them is no mismatch (pipelining).
        using (var M = new ScriptedIMAP4("S: * OK [CAPABILITY IMAP4rev1] hi\nC: {tag} NOOP\nS: {tag} OK one\nC: {tag} NOOP\nS: {tag} OK two\n"))
        {
            var first = M._command("NOOP");
            var second = M._command("NOOP");
            Assert.That((M._command_complete("NOOP", first).ToString(), M._command_complete("NOOP", second).ToString()),
                Is.EqualTo(("('OK', [b'one'])", "('OK', [b'two'])")));
            M.AssertComplete();
        }

        // After @close a send fails as on a closed socket.
        var closed = new ScriptedIMAP4("S: * OK [CAPABILITY IMAP4rev1] hi\n@close\n");
        Assert.That(Assert.Throws<IMAP4.abort>(() => closed.noop())!.Message, Does.Contain("socket error"));
    }

    // ---- The package's README (ImapLib.Testing/README.nuget.md) --------------------------------------------------

    public class InboxTests
    {
        [Test]
        public void Select_gives_the_message_count()
        {
            using var M = new ScriptedIMAP4("""
                S: * OK [CAPABILITY IMAP4rev1] ready
                C: {tag} LOGIN joe {secret}
                S: {tag} OK [CAPABILITY IMAP4rev1] logged in
                C: {tag} SELECT INBOX
                S: * 3 EXISTS
                S: {tag} OK [READ-WRITE] selected
                """);
            M.login("joe", "any password");
            Assert.That(M.select().ToString(), Is.EqualTo("('OK', [b'3'])"));
            M.AssertComplete();
        }
    }

    // ---- The guide itself ----------------------------------------------------------------------------------------

    private static readonly string Guide = Path.Combine(Support.Repo.Root, "docs", "testing.md");

    private static List<string> Significant(IEnumerable<string> lines) =>
        lines.Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

    [TestCase("docs/testing.md", 8)]
    [TestCase("ImapLib.Testing/README.nuget.md", 1)]
    public void Every_csharp_block_of_the_guide_is_code_of_this_file(string page, int blocksAtLeast)
    {
        var blocks = Regex.Matches(File.ReadAllText(Path.Combine(Support.Repo.Root, page)), "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.That(blocks, Has.Count.GreaterThanOrEqualTo(blocksAtLeast));
        var source = Significant(File.ReadAllLines(Path.Combine(Support.Repo.Root, "ImapLib.Tests", "Docs", "TestingGuideTests.cs")));
        foreach (Match block in blocks)
        {
            // A block's using directives are this file's own (or its global usings).
            var lines = Significant(block.Groups[1].Value.Split('\n')).Where(l => !Regex.IsMatch(l, @"^using [\w.]+;$")).ToList();
            bool found = Enumerable.Range(0, source.Count - lines.Count + 1).Any(at => source.Skip(at).Take(lines.Count).SequenceEqual(lines));
            Assert.That(found, Is.True, $"this block of {page} is not code of TestingGuideTests.cs (indentation aside):\n{block.Groups[1].Value}");
        }
    }

    [Test]
    public void Every_transcript_block_of_the_guide_parses()
    {
        var blocks = Regex.Matches(File.ReadAllText(Guide), "```imap\n(.*?)```", RegexOptions.Singleline);
        Assert.That(blocks, Has.Count.GreaterThanOrEqualTo(3));
        foreach (Match block in blocks)
            Assert.DoesNotThrow(() => Transcript.Parse(block.Groups[1].Value), block.Groups[1].Value);
    }

    // ---- Moq -------------------------------------------------------------------------------------------------------

    /// <summary>IMAP4 built without connecting (the protected constructor), connected when the test says so.</summary>
    public class Unconnected : IMAP4
    {
        public Unconnected() : base(connect: false) { }

        public void Start(string host, int port) => Connect(host, port, timeout: null);
    }

    [Test]
    public void The_exact_bytes_sent_checked_with_Moq()
    {
        // Moq overrides the hooks of the real class; the server's side comes from a queue of lines.
        var replies = new Queue<string>(["* PREAUTH ready\r\n"]);
        var mock = new Mock<Unconnected> { CallBase = true };
        mock.Setup(m => m.open(It.IsAny<string>(), It.IsAny<int>(), It.IsAny<double?>()));
        mock.Setup(m => m.shutdown());
        mock.Setup(m => m.readline()).Returns(() => Encoding.ASCII.GetBytes(replies.Count > 0 ? replies.Dequeue() : ""));
        var sent = new List<string>();
        mock.Setup(m => m.send(It.IsAny<byte[]>())).Callback<byte[]>(data =>
        {
            string line = Encoding.ASCII.GetString(data);
            sent.Add(line);
            string tag = line.Split(' ')[0];
            if (line.Contains(" CAPABILITY")) { replies.Enqueue("* CAPABILITY IMAP4rev1\r\n"); replies.Enqueue(tag + " OK done\r\n"); }
            else { replies.Enqueue("* 0 EXISTS\r\n"); replies.Enqueue(tag + " OK done\r\n"); }
        });
        var M = mock.Object;
        M.Start("mock.invalid", 143);
        M.select("Sent Items");
        string prefix = Encoding.ASCII.GetString(M.tagpre);
        Assert.That(sent, Is.EqualTo(new[] { $"{prefix}0 CAPABILITY\r\n", $"{prefix}1 SELECT \"Sent Items\"\r\n" }));
        mock.Verify(m => m.open("mock.invalid", 143, null), Times.Once);
    }

    // ---- The hooks underneath: a hand-made replaying subclass (what ScriptedIMAP4 does properly) ---------------

    /// <summary>
    /// Plays the server's side of a conversation written as "C: line" (what the client must send; {tag} stands
    /// for its tag) and "S: line" (what the server answers). No socket: open() only records the host.
    /// </summary>
    public class ReplayIMAP4 : IMAP4
    {
        private readonly Queue<(bool client, string line)> _script;
        private readonly MemoryStream _pending = new();
        private string _lastTag = "";

        public ReplayIMAP4(string conversation) : base(connect: false)   // the protected constructor: no connection yet
        {
            _script = new Queue<(bool, string)>(conversation.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => (l.StartsWith("C: "), l[3..])));
            Connect("replay.invalid", 143, timeout: null);   // runs open(), reads the greeting, asks for capabilities
        }

        public override void open(string host = "", int port = imaplib.IMAP4_PORT, double? timeout = null)
        {
            this.host = host;
            this.port = port;
            Play();   // the greeting
        }

        public override void send(byte[] data)
        {
            string line = Encoding.ASCII.GetString(data).TrimEnd('\r', '\n');
            // A transport failure (IOException) becomes IMAP4.abort, as a closed connection would.
            if (_script.Count == 0) throw new IOException($"the conversation is over; the client sent {line}");
            var (client, expected) = _script.Dequeue();
            _lastTag = line.Split(' ')[0];
            Assert.That(client, Is.True, $"the server expected to speak, the client sent {line}");
            Assert.That(line, Is.EqualTo(expected.Replace("{tag}", _lastTag)));
            Play();
        }

        public override PyBytes readline()
        {
            var line = new List<byte>();
            int b;
            while ((b = _pending.ReadByte()) >= 0)
            {
                line.Add((byte)b);
                if (b == '\n') break;
            }
            return line.ToArray();   // empty at end of stream: the library raises abort
        }

        public override PyBytes read(int size)
        {
            var buffer = new byte[size];
            int n = _pending.Read(buffer, 0, size);
            return buffer[..n];   // fewer bytes than asked is end of stream
        }

        public override void shutdown() { }

        /// <summary>True when the whole conversation was played.</summary>
        public bool Finished => _script.Count == 0;

        private void Play()
        {
            long position = _pending.Position;
            _pending.Seek(0, SeekOrigin.End);
            while (_script.Count > 0 && !_script.Peek().client)
                _pending.Write(Encoding.ASCII.GetBytes(_script.Dequeue().line.Replace("{tag}", _lastTag) + "\r\n"));
            _pending.Position = position;
        }
    }

    private sealed class GreedyRead(string conversation) : ReplayIMAP4(conversation)
    {
        public override PyBytes read(int size) => base.read(size) + "X"u8;
    }

    [Test]
    public void A_read_hook_that_returns_more_than_asked_is_refused()   // the hook contract: exactly size bytes
    {
        using var M = new GreedyRead("""
            S: * PREAUTH [CAPABILITY IMAP4rev1] ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            C: {tag} SELECT INBOX
            S: * 1 EXISTS
            S: {tag} OK [READ-WRITE] selected
            C: {tag} FETCH 1 (RFC822)
            S: * 1 FETCH (RFC822 {4}
            S: hi
            S: )
            S: {tag} OK done
            """);
        M.select();
        var e = Assert.Throws<IMAP4.abort>(() => M.fetch("1", "(RFC822)"));
        Assert.That(e!.Message, Is.EqualTo("command: FETCH => read(4) returned 5 bytes"));
        M.shutdown();
    }

    [Test]
    public void Dispose_after_a_failed_logout_shuts_the_transport_down_once()
    {
        var M = new Support.ObservedIMAP4(Support.Scripts.Preauth() + "C: {tag} LOGOUT\n");
        M.SendFailure = new IOException("connection reset");
        Assert.Throws<IMAP4.abort>(() => M.logout());
        M.Dispose();
        Assert.That(M.ShutdownCount, Is.EqualTo(1));
        // The transcript still expects LOGOUT, so Dispose logs out (and fails to send it).
        var N = new Support.ObservedIMAP4(Support.Scripts.Preauth() + "C: {tag} LOGOUT\n");
        N.SendFailure = new IOException("connection reset");
        N.Dispose();   // logs out, which fails: still one shutdown
        Assert.That(N.ShutdownCount, Is.EqualTo(1));
    }

    /// <summary>A replaying subclass that scripts STARTTLS: the upgrade itself is a no-op.</summary>
    private sealed class ReplayWithTls(string conversation) : ReplayIMAP4(conversation)
    {
        public int Upgrades { get; private set; }

        protected override void UpgradeToTls(System.Net.Security.SslClientAuthenticationOptions ssl_context) => Upgrades++;
    }

    private const string StartTlsConversation = """
        S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready
        C: {tag} STARTTLS
        S: {tag} OK begin TLS
        C: {tag} CAPABILITY
        S: * CAPABILITY IMAP4rev1 AUTH=PLAIN
        S: {tag} OK done
        C: {tag} LOGIN user "secret"
        S: {tag} OK [CAPABILITY IMAP4rev1 IDLE] in
        C: {tag} LOGOUT
        S: * BYE bye
        S: {tag} OK done
        """;

    [Test]
    public void A_scripted_subclass_scripts_STARTTLS_by_overriding_UpgradeToTls()
    {
        using var M = new ReplayWithTls(StartTlsConversation);
        Assert.That(M.starttls().typ, Is.EqualTo("OK"));
        Assert.That(M.Upgrades, Is.EqualTo(1));
        Assert.That(M.capabilities, Is.EqualTo(new[] { "IMAP4REV1", "AUTH=PLAIN" }), "re-read after the upgrade");
        Assert.That(M.login("user", "secret").typ, Is.EqualTo("OK"));
        M.logout();
        Assert.That(M.Finished, Is.True);
    }

    [Test]
    public void Without_the_override_a_scripted_STARTTLS_is_a_clear_error()
    {
        using var M = new ReplayIMAP4(StartTlsConversation);
        var e = Assert.Throws<IMAP4.error>(() => M.starttls());
        Assert.That(e!.Message, Does.Contain("override of UpgradeToTls"));
        Assert.That(M.state, Is.EqualTo("LOGOUT"));
    }
}
