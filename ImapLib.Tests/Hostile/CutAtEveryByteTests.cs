using System.Diagnostics;
using System.Text;
using ImapLib.Fuzzing;
using ImapLib.Tests.Support;

namespace ImapLib.Tests.Hostile;

/// <summary>
/// Issue 7, "broken networks": a real Dovecot session is recorded (server→client bytes and each command's result),
/// then replayed through an in-memory server that drops the connection after byte k, for every k. Every cut must end
/// in IMAP4.abort at once, only the full recording may complete, and no command that returned before the cut may
/// return anything but what it returned against the real server.
/// </summary>
[NonParallelizable]
[Category("Server")]
public class CutAtEveryByteTests
{
    /// <summary>The session: login, appends (with LITERAL+ and with a synchronizing literal), select, fetches with
    /// one and several literals per response, search, list, noop, logout.</summary>
    private static readonly (string name, Func<IMAP4, (string typ, List<ImapItem?> data)> run)[] Steps =
    [
        ("login", M => M.login(Account!.User, Account.Password)),
        ("append literal+", M => { M.UseLiteralPlus = true; return M.append("INBOX", "(\\Seen)", null, Message(0)); }),
        ("append synchronizing", M => { M.UseLiteralPlus = false; return M.append("INBOX", null, null, Message(1)); }),
        ("append 8-bit", M => { M.UseLiteralPlus = true; return M.append("INBOX", null, null, Message(2)); }),
        ("select", M => M.select("INBOX")),
        ("fetch bodies", M => M.fetch("1:*", "(UID FLAGS BODY.PEEK[])")),
        ("fetch parts", M => M.fetch("2:3", "(BODY.PEEK[HEADER] BODY.PEEK[TEXT])")),
        ("search", M => M.search(null, "ALL")),
        ("list", M => M.list()),
        ("noop", M => M.noop()),
        ("logout", M => M.logout()),
    ];

    private static Account? Account;

    private static byte[] Message(int i)
    {
        var r = new Random(77 + i);
        var body = new StringBuilder();
        body.Append($"From: cut{i}@example.org\r\nSubject: cut test {i}\r\n\r\n");
        for (int line = 0; line < 8; line++) body.Append("line ").Append(line).Append(' ').Append(new string('x', r.Next(0, 90))).Append("\r\n");
        byte[] text = Encoding.ASCII.GetBytes(body.ToString());
        if (i != 2) return text;
        // 8-bit bytes (all of 0x80-0xff) and a long line in the body.
        var eight = Enumerable.Range(0x80, 0x80).Select(b => (byte)b).ToArray();
        return [.. text, .. eight, .. "\r\n"u8, .. Encoding.ASCII.GetBytes(new string('L', 1500)), .. "\r\n"u8];
    }

    /// <summary>Records every byte the client consumed, where tagged lines start, and how far it had read at each send.</summary>
    /// <remarks>Not the kit's <see cref="ImapLib.Testing.RecordingIMAP4"/>: this test cuts the server's stream after every
    /// single byte k (thousands of replays of one recording), so it needs the raw server bytes as one array with the
    /// byte offsets of tagged lines (to rewrite their tags) and of each send (to release only what the server had sent
    /// by then). A transcript is framed in lines and literals and keeps no offsets; a cut transcript would have to be
    /// rebuilt for every k (an <c>S!</c> prefix of a line, then <c>@close</c>), which the kit has no API for.</remarks>
    private sealed class OffsetRecordingIMAP4 : IMAP4
    {
        public MemoryStream Received { get; } = new();
        public List<int> TagOffsets { get; } = [];
        public List<int> SendOffsets { get; } = [];

        public OffsetRecordingIMAP4(string host, int port) : base(host, port, 30) { }

        public override PyBytes readline()
        {
            var line = base.readline();
            if (line.AsSpan().StartsWith(tagpre) && line.Length > tagpre.Length && char.IsAsciiDigit((char)line[tagpre.Length]))
                TagOffsets.Add((int)Received.Length);
            Received.Write(line);
            return line;
        }

        public override PyBytes read(int size)
        {
            var data = base.read(size);
            Received.Write(data);
            return data;
        }

        public override void send(byte[] data)
        {
            SendOffsets.Add((int)Received.Length);
            base.send(data);
        }
    }

    /// <summary>
    /// Replays a recording: before the client's j-th send only what the real server had sent by then is readable,
    /// tag prefixes of tagged lines are rewritten to the replaying client's, and after byte <c>cut</c> the connection
    /// is gone (end of stream).
    /// </summary>
    private sealed class CutStream(byte[] recorded, List<int> tagOffsets, List<int> sendOffsets, int cut) : Stream
    {
        private byte[]? _served;
        private int _pos, _writes;
        private bool _disposed;

        /// <summary>The client wanted bytes the real server had not sent yet at that point: the replay diverged.</summary>
        public bool ReadAhead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int available = _writes < sendOffsets.Count ? sendOffsets[_writes] : recorded.Length;
            int limit = Math.Min(available, cut);
            if (_pos >= limit)
            {
                if (available < cut) ReadAhead = true;
                return 0;
            }
            int n = Math.Min(buffer.Length, limit - _pos);
            (_served ?? recorded).AsSpan(_pos, n).CopyTo(buffer);
            _pos += n;
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writes++ == 0)
            {
                // The first command's tag gives this client's 4-letter prefix (same length as the recording's).
                _served = recorded.ToArray();
                foreach (int at in tagOffsets) buffer[..4].CopyTo(_served.AsSpan(at, 4));
            }
        }

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            base.Dispose(disposing);
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public void Every_cut_of_a_recorded_Dovecot_session_aborts_promptly_and_never_changes_a_result()
    {
        Account = Dovecot.NewAccount();
        var recorder = new OffsetRecordingIMAP4(Dovecot.Server.Host, Dovecot.Server.Port);
        var truth = new List<(string typ, List<ImapItem?> data)>();
        using (recorder)
        {
            foreach (var (_, run) in Steps) truth.Add(run(recorder));
        }
        Assert.That(recorder.tagpre, Has.Length.EqualTo(4));
        Assert.That(truth[0].typ, Is.EqualTo("OK"));
        Assert.That(truth[^1].typ, Is.EqualTo("BYE"));
        Assert.That(truth[5].data.Count(d => d!.IsPair), Is.EqualTo(3), "three messages fetched with literals");
        Assert.That(truth[2].data[0]!.decode(), Does.Contain("APPENDUID"));
        byte[] recorded = recorder.Received.ToArray();
        // The synchronizing APPEND's continuation request is in the recording.
        Assert.That(Encoding.Latin1.GetString(recorded), Does.Contain("\r\n+ "));
        TestContext.Out.WriteLine($"recorded {recorded.Length} bytes, {recorder.TagOffsets.Count} tagged lines, {recorder.SendOffsets.Count} sends");

        var problems = new List<string>();
        var clock = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        for (int cut = 0; cut <= recorded.Length && problems.Count < 10; cut++)
        {
            var stream = new CutStream(recorded, recorder.TagOffsets, recorder.SendOffsets, cut);
            var run = Stopwatch.StartNew();
            Exception? ended = null;
            int completed = 0;
            IMAP4? M = null;
            try
            {
                M = new InMemoryIMAP4(stream);
                for (; completed < Steps.Length; completed++)
                {
                    var result = Steps[completed].run(M);
                    if (!Results.Same(result, truth[completed]))
                        problems.Add($"cut {cut}: {Steps[completed].name} returned {Results.Show(result)}, truth {Results.Show(truth[completed])}");
                }
            }
            catch (Exception e)
            {
                ended = e;
            }
            try { M?.Dispose(); }
            catch (Exception e) { problems.Add($"cut {cut}: Dispose threw {e}"); }
            run.Stop();
            if (run.Elapsed > slowest) slowest = run.Elapsed;

            if (run.Elapsed > TimeSpan.FromSeconds(2)) problems.Add($"cut {cut}: took {run.Elapsed.TotalSeconds:0.0} s");
            if (stream.ReadAhead) problems.Add($"cut {cut}: the client read beyond what the server had sent (replay diverged)");
            if (cut == recorded.Length)
            {
                if (ended is not null) problems.Add($"full replay failed: {ended}");
            }
            else if (ended is null)
            {
                problems.Add($"cut {cut} of {recorded.Length}: the session completed without noticing the lost connection");
            }
            else if (ended is not IMAP4.abort)
            {
                problems.Add($"cut {cut}: ended in {ended.GetType().FullName} instead of IMAP4.abort: {ended}");
            }
        }
        TestContext.Out.WriteLine($"{recorded.Length + 1} cuts replayed in {clock.Elapsed.TotalSeconds:0.0} s; slowest {slowest.TotalMilliseconds:0} ms");
        Assert.That(problems, Is.Empty, () => string.Join("\n", problems));
    }
}
