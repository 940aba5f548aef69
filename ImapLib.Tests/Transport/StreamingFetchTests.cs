using System.Security.Cryptography;
using ImapLib.Tests.Support;
using ScriptedIMAP4 = ImapLib.Testing.ScriptedIMAP4;

namespace ImapLib.Tests;

/// <summary>The opt-in streaming form of fetch: literals go to the caller's stream, not into memory.</summary>
public class StreamingFetchTests
{
    /// <summary>A write-only stream that hashes and counts what it gets, and keeps nothing.</summary>
    private sealed class HashingSink : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        public long Count { get; private set; }
        public byte[] Hash() => _hash.GetHashAndReset();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) { _hash.AppendData(buffer); Count += buffer.Length; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Count;
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    [Category("Server")]
    [Test]
    public void A_100_MB_message_streams_through_less_than_1_MB_of_allocations()
    {
        var account = Dovecot.NewAccount();
        const int size = 100 * 1024 * 1024;
        byte[] message = new byte[size];
        var random = new Random(42);
        random.NextBytes(message);
        // Printable, CRLF-terminated lines so the message is stored as it is.
        for (int i = 0; i < message.Length; i++) message[i] = (byte)('A' + message[i] % 26);
        for (int i = 998; i < message.Length; i += 1000) { message[i] = (byte)'\r'; message[i + 1] = (byte)'\n'; }
        byte[] expected = SHA256.HashData(message);
        using (var writer = account.Connect())
            Assert.That(writer.append("INBOX", null, null, message).typ, Is.EqualTo("OK"));
        message = [];

        using var M = account.Connect();
        M.select("INBOX", @readonly: true);
        var sink = new HashingSink();
        byte[]? announced = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var (typ, data) = M.fetch("1", "(BODY.PEEK[])", header => { announced = header; return sink; });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(sink.Count, Is.EqualTo(size));
        Assert.That(sink.Hash(), Is.EqualTo(expected));
        Assert.That(announced!.decode(), Is.EqualTo($"1 (BODY[] {{{size}}}"));
        Assert.That(data[0] is (byte[] header, byte[] body) && header.decode() == $"1 (BODY[] {{{size}}}" && body.Length == 0);
        Assert.That(allocated, Is.LessThan(1024 * 1024), $"allocated {allocated} bytes to stream {size}");
        // Without a sink the same fetch keeps the literal in memory, as Python does.
        Assert.That(M.fetch("1", "(RFC822.SIZE)").data[0]!.decode(), Is.EqualTo($"1 (RFC822.SIZE {size})"));
    }

    [Test]
    public void Streaming_works_through_overridden_transport_hooks_and_leaves_other_literals_alone()
    {
        var M = new ScriptedIMAP4(Scripts.Preauth() + """
            C: {tag} SELECT INBOX
            S: * 2 EXISTS
            S: {tag} OK [READ-WRITE] done
            C: {tag} FETCH 1:2 (BODY[] BODY[HEADER])
            S: * 1 FETCH (BODY[] {5}
            S: hello BODY[HEADER] {3}
            S: abc)
            S: * 2 FETCH (BODY[] {0}
            S: )
            S: {tag} OK done
            C: {tag} LIST "" *
            S: * LIST () "/" {3}
            S: box
            S: {tag} OK done
            """);
        M.select();
        var sinks = new List<(string header, MemoryStream stream)>();
        var (typ, data) = M.fetch("1:2", "(BODY[] BODY[HEADER])", header =>
        {
            var stream = new MemoryStream();
            sinks.Add((header.decode(), stream));
            return stream;
        });
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(sinks.Select(s => (s.header, s.stream.ToArray().decode())), Is.EqualTo(new[]
        {
            ("1 (BODY[] {5}", "hello"), (" BODY[HEADER] {3}", "abc"), ("2 (BODY[] {0}", ""),
        }));
        Assert.That(data.Count(d => d is (byte[], byte[])), Is.EqualTo(3));
        Assert.That(data.Where(d => d is (byte[], byte[])).All(d => d![1]!.Length == 0));
        // The sink is only for that fetch: a later literal (here a LIST name) is kept in memory.
        var (_, names) = M.list();
        Assert.That(names[0] is (byte[] _, byte[] name) && name.decode() == "box");
        M.AssertComplete();
    }
}
