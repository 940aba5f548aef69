using System.IO.Compression;
using System.Text;

namespace ImapLib.Fuzzing;

// Shared by the test suite (ImapLib.Tests/Hostile) and the console runner (ImapLib.Fuzz, which links these
// files): no NUnit here.

/// <summary>
/// An <see cref="IMAP4"/> whose transport is any in-memory <see cref="Stream"/>, installed through the protected
/// <c>SetStream</c>, so every byte goes through the library's own <c>read</c>/<c>readline</c>/<c>send</c> hooks and
/// its <c>LineReader</c> (line limit, literal reading) exactly as on a socket.
/// </summary>
public class InMemoryIMAP4 : IMAP4
{
    private readonly Stream _transport;

    public InMemoryIMAP4(Stream transport, int debug = 0, double? timeout = null) : base(connect: false)
    {
        _transport = transport;
        this.debug = debug;
        Connect("in-memory.invalid", imaplib.IMAP4_PORT, timeout);
    }

    public override void open(string host = "", int port = imaplib.IMAP4_PORT, double? timeout = null)
    {
        this.host = host;
        this.port = port;
        SetStream(_transport, null);
    }
}

/// <summary>
/// A scripted server as a stream. <c>segments[0]</c> is available at once (the greeting); each time the client
/// finishes a line (a command line, or a line that ends in a synchronizing literal <c>{n}</c>, whose n bytes are then
/// skipped), the next segment becomes readable. When nothing is left to read, reads see end of stream: the client can
/// never block. Tag placeholders in segments are replaced when a segment is released:
/// <c>\x01T\x01</c> the tag of the client's current command, <c>\x01P\x01</c> the previous tag number,
/// <c>\x01N\x01</c> the next (not yet issued) one, <c>\x01X\x01</c> the bare tag prefix. IDLE's <c>DONE</c> line
/// releases a segment like a command but keeps the tag. When the client sends <c>COMPRESS DEFLATE</c> and the segment
/// that answers it holds <c>OK</c>, both directions go through raw deflate from then on (RFC 4978): each later segment
/// is compressed with a sync flush as it is released, then handed, with its offset in the compressed stream, to
/// <c>belowDeflate</c> (if given) to be changed below the deflate layer.
/// </summary>
public sealed class ScriptStream : DuplexMemoryStream
{
    private readonly Func<long, byte[], byte[]>? _belowDeflate;
    private long _deflatedSoFar;
    private bool _compressAsked, _compressed;
    private readonly MemoryStream _clientDeflated = new(), _serverDeflated = new();
    private long _clientInflated;
    private DeflateStream? _serverDeflater;

    private readonly IReadOnlyList<byte[]> _segments;
    private byte[] _out = new byte[4096];
    private int _outStart, _outEnd;
    private readonly List<byte> _line = new(256);
    private long _literalLeft;
    private bool _atCommandStart = true;
    private string _tagPrefix = "";
    private long _tagNumber = -1;
    private bool _disposed;

    /// <summary>How many segments have been released (the greeting counts).</summary>
    public int SegmentsReleased { get; private set; }

    /// <summary>Every byte the client wrote.</summary>
    public MemoryStream Written { get; } = new();

    public ScriptStream(IReadOnlyList<byte[]> segments, Func<long, byte[], byte[]>? belowDeflate = null)
    {
        _segments = segments;
        _belowDeflate = belowDeflate;
        Release();
    }

    private void Release()
    {
        if (SegmentsReleased >= _segments.Count) return;
        var seg = _segments[SegmentsReleased++];
        if (_compressed)
        {
            ReleaseCompressed(seg);
            return;
        }
        // The answer to COMPRESS DEFLATE goes out plain; if it is an OK, compression starts after it.
        if (_compressAsked && seg.AsSpan().IndexOf("OK"u8) >= 0) _compressed = true;
        _compressAsked = false;
        foreach (byte b in Substitute(seg)) Put(b);
    }

    private void ReleaseCompressed(byte[] seg)
    {
        _serverDeflater ??= new DeflateStream(_serverDeflated, CompressionLevel.Fastest, leaveOpen: true);
        _serverDeflater.Write(Substitute(seg).ToArray());
        _serverDeflater.Flush();
        var compressed = _serverDeflated.ToArray();
        _serverDeflated.SetLength(0);
        if (_belowDeflate is not null) compressed = _belowDeflate(_deflatedSoFar, compressed);
        _deflatedSoFar += compressed.Length;
        foreach (byte b in compressed) Put(b);
    }

    /// <summary>The segment with its tag placeholders replaced.</summary>
    private List<byte> Substitute(byte[] seg)
    {
        var bytes = new List<byte>(seg.Length + 16);
        for (int i = 0; i < seg.Length; i++)
        {
            if (seg[i] == 1 && i + 2 < seg.Length && seg[i + 2] == 1 && seg[i + 1] is (byte)'T' or (byte)'P' or (byte)'N' or (byte)'X')
            {
                string tag = seg[i + 1] switch
                {
                    (byte)'T' => _tagPrefix + Math.Max(_tagNumber, 0),
                    (byte)'P' => _tagPrefix + Math.Max(_tagNumber - 1, 0),
                    (byte)'N' => _tagPrefix + (_tagNumber + 1),
                    _ => _tagPrefix,
                };
                foreach (char c in tag) bytes.Add((byte)c);
                i += 2;
            }
            else
            {
                bytes.Add(seg[i]);
            }
        }
        return bytes;
    }

    private void Put(byte b)
    {
        if (_outEnd == _out.Length)
        {
            if (_outStart > 0)
            {
                Array.Copy(_out, _outStart, _out, 0, _outEnd - _outStart);
                _outEnd -= _outStart;
                _outStart = 0;
            }
            if (_outEnd == _out.Length) Array.Resize(ref _out, _out.Length * 2);
        }
        _out[_outEnd++] = b;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int n = Math.Min(buffer.Length, _outEnd - _outStart);
        _out.AsSpan(_outStart, n).CopyTo(buffer);
        _outStart += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Written.Write(buffer);
        if (_compressed)
        {
            try
            {
                Consume(Inflate(buffer));
                return;
            }
            catch (InvalidDataException) when (_clientInflated == 0)
            {
                // The answer held an OK, but not the one the client took for COMPRESS's: it goes on in plain text.
                _compressed = false;
                _clientDeflated.SetLength(0);
            }
        }
        Consume(buffer);
    }

    /// <summary>The client's deflate stream so far, inflated again from its start (the client sync-flushes every
    /// command, so all of it is readable); returns the part not yet seen. A corrupt stream throws
    /// <see cref="InvalidDataException"/>: on the first write, the client never started compressing (the segment's OK
    /// was not the tagged one); later, it is the client's bug.</summary>
    private byte[] Inflate(ReadOnlySpan<byte> compressed)
    {
        _clientDeflated.Write(compressed);
        var all = new MemoryStream();
        using (var inflater = new DeflateStream(new MemoryStream(_clientDeflated.ToArray()), CompressionMode.Decompress))
            inflater.CopyTo(all);
        var fresh = all.ToArray()[(int)_clientInflated..];
        _clientInflated = all.Length;
        return fresh;
    }

    private void Consume(ReadOnlySpan<byte> buffer)
    {
        int i = 0;
        while (i < buffer.Length)
        {
            if (_literalLeft > 0)
            {
                int skip = (int)Math.Min(_literalLeft, buffer.Length - i);
                _literalLeft -= skip;
                i += skip;
                continue;
            }
            byte b = buffer[i++];
            _line.Add(b);
            if (b == '\n') EndOfLine();
        }
    }

    private void EndOfLine()
    {
        if (_atCommandStart)
        {
            int sp = _line.IndexOf((byte)' ');
            string tag = Encoding.Latin1.GetString(_line.GetRange(0, sp < 0 ? _line.Count : sp).ToArray()).TrimEnd('\r', '\n');
            int p = tag.Length;
            while (p > 0 && char.IsAsciiDigit(tag[p - 1])) p--;
            if (tag != "DONE")
            {
                _tagPrefix = tag[..p];
                _tagNumber = p < tag.Length && long.TryParse(tag[p..], out long n) ? n : 0;
                _compressAsked = _line.Count > sp + 1 && Encoding.Latin1.GetString(_line.ToArray(), sp + 1, _line.Count - sp - 1).StartsWith("COMPRESS DEFLATE", StringComparison.OrdinalIgnoreCase);
            }
        }
        // A line ending in {n} or {n+} announces a literal of n bytes.
        long size = -1;
        bool sync = true;
        int end = _line.Count - 2;   // before CRLF
        if (end > 1 && _line[end + 1] == '\n' && _line[end] == '\r' && _line[end - 1] == '}')
        {
            int j = end - 2;
            if (_line[j] == '+') { sync = false; j--; }
            int digitsEnd = j;
            while (j >= 0 && char.IsAsciiDigit((char)_line[j])) j--;
            if (j >= 0 && _line[j] == '{' && j < digitsEnd)
                size = long.Parse(Encoding.ASCII.GetString(_line.GetRange(j + 1, digitsEnd - j).ToArray()), System.Globalization.CultureInfo.InvariantCulture);
        }
        _line.Clear();
        if (size >= 0)
        {
            _literalLeft = size;
            _atCommandStart = false;
            if (sync) Release();   // the continuation request
            return;
        }
        _atCommandStart = true;
        Release();
    }


    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _serverDeflater?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>What the fuzzers' in-memory servers share as streams: both ways, no seeking, nothing to flush.</summary>
public abstract class DuplexMemoryStream : Stream
{
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>Comparison and display of command results.</summary>
public static class Results
{
    public static bool Same((string typ, List<ImapItem?> data) a, (string typ, List<ImapItem?> data) b) =>
        a.typ == b.typ && a.data.Count == b.data.Count && a.data.Zip(b.data).All(p => Equals(p.First, p.Second));

    public static string Show((string typ, List<ImapItem?> data) r) =>
        $"({r.typ}, [{string.Join(", ", r.data.Select(d => d?.ToString() ?? "None"))}])";

    /// <summary>C#-style escaped bytes (Latin-1 \u00XX escapes; tag placeholders shown as ‹T›, ‹P›, ‹N›, ‹X›), so a failing case can be pasted back into a test.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes, int max = 4000)
    {
        var s = new StringBuilder(Math.Min(bytes.Length, max) + 16);
        int shown = Math.Min(bytes.Length, max);
        for (int i = 0; i < shown; i++)
        {
            byte b = bytes[i];
            if (b == 1 && i + 2 < bytes.Length && bytes[i + 2] == 1) { s.Append('‹').Append((char)bytes[i + 1]).Append('›'); i += 2; }
            else if (b == '\r') s.Append("\\r");
            else if (b == '\n') s.Append("\\n");
            else if (b == '\\') s.Append("\\\\");
            else if (b == '"') s.Append("\\\"");
            else if (b < 0x20 || b >= 0x7f) s.Append("\\u00").Append(b.ToString("x2"));
            else s.Append((char)b);
        }
        if (bytes.Length > max) s.Append($"…(+{bytes.Length - max} bytes)");
        return s.ToString();
    }
}
