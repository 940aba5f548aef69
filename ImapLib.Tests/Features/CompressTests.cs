using System.IO.Compression;
using System.Text;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// COMPRESS=DEFLATE (RFC 4978): against Dovecot with its imap_zlib plugin (the project's config enables it), and
/// against a scripted server for what Dovecot will not do (data right behind the OK, a corrupt stream).
/// </summary>
public class CompressTests
{
    /// <summary>The server's side of a compressed session over the fake server's socket: one deflate stream each
    /// way, as RFC 4978 has it; <see cref="Compressed"/> gives the bytes to put on the wire.</summary>
    private sealed class DeflateSide(FakeSession s)
    {
        private readonly DeflateStream _in = new(s.Stream, CompressionMode.Decompress, leaveOpen: true);
        private readonly MemoryStream _wire = new();
        private DeflateStream? _out;

        public string? ReadLine()
        {
            var line = new List<byte>();
            int b;
            while ((b = _in.ReadByte()) >= 0 && b != '\n') line.Add((byte)b);
            return b < 0 && line.Count == 0 ? null : Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
        }

        /// <summary><paramref name="text"/>, compressed and flushed, as the bytes that go on the wire.</summary>
        public byte[] Compressed(string text)
        {
            _out ??= new DeflateStream(_wire, CompressionLevel.Optimal, leaveOpen: true);
            _out.Write(Encoding.ASCII.GetBytes(text));
            _out.Flush();
            byte[] bytes = _wire.ToArray();
            _wire.SetLength(0);
            return bytes;
        }
    }

    [Test]
    public void Commands_and_responses_travel_compressed_and_data_right_behind_the_OK_is_kept()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 COMPRESS=DEFLATE", "* PREAUTH ready");
            var compress = s.Expect("COMPRESS");
            Assert.That(compress.Args, Is.EqualTo("DEFLATE"));
            var side = new DeflateSide(s);
            // The OK and the first compressed bytes in one packet: the client must not lose the latter.
            s.SendBytes([.. Encoding.ASCII.GetBytes(compress.Tag + " OK DEFLATE active\r\n"), .. side.Compressed("* 1 RECENT\r\n")]);
            string noop = side.ReadLine()!;
            string tag = noop.Split(' ')[0];
            Assert.That(noop, Is.EqualTo(tag + " NOOP"));
            s.SendBytes(side.Compressed($"* 3 EXISTS\r\n{tag} OK done\r\n"));
            string logout = side.ReadLine()!;
            Assert.That(logout, Does.EndWith(" LOGOUT"));
            s.SendBytes(side.Compressed($"* BYE bye\r\n{logout.Split(' ')[0]} OK done\r\n"));
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        var (typ, data) = M.compress();
        Assert.That((typ, data.ToString()), Is.EqualTo(("OK", "[b'DEFLATE active']")));
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        Assert.That(M.response("RECENT").data.ToString(), Is.EqualTo("[b'1']"), "the bytes behind the OK were kept");
        Assert.That(M.response("EXISTS").data.ToString(), Is.EqualTo("[b'3']"));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));
        server.Join();
    }

    [Test]
    public void A_corrupt_compressed_stream_is_an_abort_never_garbage()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 COMPRESS=DEFLATE", "* PREAUTH ready");
            var compress = s.Expect("COMPRESS");
            s.Line(compress.Tag + " OK DEFLATE active");
            var side = new DeflateSide(s);
            Assert.That(side.ReadLine(), Does.EndWith(" NOOP"));
            s.SendBytes([0xff, 0xfe, 0xfd, 0x00, 0x13, 0x37, 0xff, 0xff, 0x07, 0x2a, 0x2a, 0x0d, 0x0a]);   // not deflate
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        M.compress();
        var e = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(e!.Message, Does.Contain("compressed stream from the server is corrupt"));
        M.shutdown();
        server.Join();
    }

    [Test]
    public void Compress_needs_the_capability_and_runs_once()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1", "* PREAUTH ready");
            s.Bye();
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        var e = Assert.Throws<IMAP4.error>(() => M.compress());
        Assert.That(e!.Message, Is.EqualTo("Server does not support COMPRESS=DEFLATE"));
        M.logout();
        server.Join();
        Assert.That(server.ReceivedText, Does.Not.Contain("COMPRESS"));
    }

    [Category("Server")]
    [Test]
    public void Dovecot_session_over_a_compressed_connection()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        Assert.That(M.capabilities, Does.Contain("COMPRESS=DEFLATE"), "imap_zlib is enabled in the project's Dovecot");
        Assert.That(M.compress().typ, Is.EqualTo("OK"));
        Assert.Throws<IMAP4.error>(() => M.compress(), "a second call is refused before anything is sent");
        // The server's own answer to a second COMPRESS (RFC 4978): NO [COMPRESSIONACTIVE].
        var (typ, data) = M.xatom("COMPRESS", "DEFLATE");
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(data[0].decode(), Does.StartWith("[COMPRESSIONACTIVE]"));

        var body = new StringBuilder("From: a@example.org\r\nSubject: compressed\r\n\r\n");
        for (int i = 0; i < 2000; i++) body.Append("line ").Append(i).Append(" of a message that compresses well\r\n");
        byte[] message = Encoding.ASCII.GetBytes(body.ToString());
        Assert.That(M.append("INBOX", null, null, message).typ, Is.EqualTo("OK"));   // LITERAL+ through deflate
        Assert.That(M.select("INBOX").data.ToString(), Is.EqualTo("[b'1']"));
        Assert.That(M.search(null, "SUBJECT", "compressed").data.ToString(), Is.EqualTo("[b'1']"));
        (typ, data) = M.fetch("1", "(BODY.PEEK[])");
        Assert.That(data[0].Body, Is.EqualTo(message), "byte-exact through the compressed connection");
        var streamed = new MemoryStream();
        M.fetch("1", "(BODY.PEEK[])", _ => streamed);
        Assert.That(streamed.ToArray(), Is.EqualTo(message), "the streaming fetch too");

        using var other = account.Connect();
        using (var idler = M.idle(duration: 10).__enter__())
        {
            other.append("INBOX", null, null, message);
            foreach (var (kind, _) in idler)
                if (kind == "EXISTS") break;
        }
        Assert.That(M.noop().typ, Is.EqualTo("OK"), "the session goes on after IDLE");
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));
    }

    [Category("Server")]
    [Test]
    public void Dovecot_compression_over_TLS_and_over_a_child_process()
    {
        var account = Dovecot.NewAccount();
        byte[] message = Encoding.ASCII.GetBytes("Subject: both\r\n\r\n" + string.Concat(Enumerable.Repeat("compressible text\r\n", 500)));
        using (var M = new IMAP4_SSL(Dovecot.Server.Host, Dovecot.Server.SslPort, ssl_context: ssl.create_default_context(cafile: Dovecot.Server.CaFile)))
        {
            M.login(account.User, account.Password);
            Assert.That(M.compress().typ, Is.EqualTo("OK"));
            Assert.That(M.append("INBOX", null, null, message).typ, Is.EqualTo("OK"));
            M.select("INBOX");
            Assert.That(M.fetch("1", "(BODY.PEEK[])").data[0].Body, Is.EqualTo(message));
            M.logout();
        }
        using (var S = new IMAP4_stream(Dovecot.StdioCommand(account.User)))
        {
            Assert.That(S.capabilities, Does.Contain("COMPRESS=DEFLATE"));
            Assert.That(S.compress().typ, Is.EqualTo("OK"));
            S.select("INBOX");
            Assert.That(S.fetch("1", "(BODY.PEEK[])").data[0].Body, Is.EqualTo(message));
            S.logout();
        }
    }
}
