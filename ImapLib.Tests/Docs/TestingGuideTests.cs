using System.Text;
using Moq;

namespace ImapLib.Tests.Docs;

/// <summary>
/// The worked example of docs/testing.md, compiled and run: a small piece of mail code (archive old mail) tested
/// against a subclass that replays a conversation through the transport hooks, with no server, and the exact
/// bytes it sends checked with Moq. Keep the page and this file in step.
/// </summary>
public class TestingGuideTests
{
    // ---- The code under test: what a user of the library writes ------------------------------------------------

    /// <summary>Moves every message before <paramref name="cutoff"/> from INBOX to Archive; returns how many.</summary>
    public static int ArchiveOldMail(IMAP4 M, DateTime cutoff)
    {
        M.select("INBOX");
        var (_, data) = M.search(null, "BEFORE", cutoff.ToString("dd-MMM-yyyy", System.Globalization.CultureInfo.InvariantCulture));
        var numbers = data[0]!.split();
        if (numbers.Count == 0) return 0;
        M.copy(numbers, "Archive");
        foreach (var num in numbers) M.store(num, "+FLAGS", @"\Deleted");
        M.expunge();
        return numbers.Count;
    }

    // ---- A replaying subclass: the transport hooks, overridden ----------------------------------------------

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

    [Test]
    public void Archive_old_mail_against_a_replayed_conversation()
    {
        using var M = new ReplayIMAP4("""
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
            S: {tag} OK stored
            C: {tag} STORE 2 +FLAGS (\Deleted)
            S: {tag} OK stored
            C: {tag} EXPUNGE
            S: * 1 EXPUNGE
            S: * 1 EXPUNGE
            S: {tag} OK expunged
            C: {tag} LOGOUT
            S: * BYE logging out
            S: {tag} OK done
            """);
        Assert.That(ArchiveOldMail(M, new DateTime(2026, 1, 1)), Is.EqualTo(2));
        M.logout();   // (Dispose sends LOGOUT itself when a script does not)
        Assert.That(M.Finished, Is.True);
    }

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
