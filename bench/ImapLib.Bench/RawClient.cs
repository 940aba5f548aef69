using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace ImapLib.Bench;

/// <summary>
/// The floor: a minimal client that sends the same command bytes and only drains the response until the tagged
/// completion. It finds line ends and skips announced literals (so literal bytes can never be mistaken for a
/// tagged line) through one reusable buffer: one copy from the kernel, no per-message allocation, no parsing.
/// </summary>
internal sealed class RawClient : IBenchClient
{
    private readonly int _bufferSize;
    private Socket? _socket;
    private Stream? _stream;
    private byte[] _buf = [];
    private int _start, _end;
    private byte[] _scratch = new byte[4096];
    private int _tagNum;
    private bool _literalPlus;

    /// <summary>All bytes read from the server, greeting included.</summary>
    public long ResponseBytes { get; private set; }

    public RawClient(int bufferSize = 64 * 1024) => _bufferSize = bufferSize;

    public string Name => "raw";

    public void Connect(ConnInfo conn, bool tls)
    {
        _buf = new byte[_bufferSize];
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(conn.Host, tls ? conn.TlsPort : conn.Port);
        _socket = socket;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (tls)
        {
            var trust = ssl.create_default_context(cafile: conn.CaFile).RemoteCertificateValidationCallback;
            var tlsStream = new SslStream(stream, leaveInnerStreamOpen: false);
            tlsStream.AuthenticateAsClient(new SslClientAuthenticationOptions { TargetHost = conn.Host, RemoteCertificateValidationCallback = trust });
            stream = tlsStream;
        }
        _stream = stream;
        NextLine(out _);   // greeting
        var (ok, _) = Command(Encoding.ASCII.GetBytes($"LOGIN {conn.User} {conn.Password}"));
        if (!ok) throw new InvalidOperationException("LOGIN failed");
        // Dovecot lists its capabilities in the LOGIN completion's response code; take LITERAL+ from there.
    }

    public void Prepare(Scenario scenario)
    {
        if (scenario.Kind == "append")
        {
            ResetAppendBox(scenario.Mailbox);
            return;
        }
        var (ok, _) = Command(Encoding.ASCII.GetBytes($"SELECT {scenario.Mailbox}"));
        if (!ok) throw new InvalidOperationException("SELECT failed");
    }

    private void ResetAppendBox(string box)
    {
        Command(Encoding.ASCII.GetBytes($"DELETE {box}"));
        var (ok, _) = Command(Encoding.ASCII.GetBytes($"CREATE {box}"));
        if (!ok) throw new InvalidOperationException("CREATE failed");
    }

    public RepResult Run(Scenario scenario, IReadOnlyList<byte[]> appendMessages)
    {
        long messages = 0, bytes = 0;
        long before = ResponseBytes;
        switch (scenario.Kind)
        {
            case "bulk":
            {
                var (ok, d) = Command(Encoding.ASCII.GetBytes($"FETCH {scenario.MessageSet} (RFC822)"));
                if (!ok) throw new InvalidOperationException("FETCH failed");
                messages = d.Literals;
                bytes = d.LiteralBytes;
                break;
            }
            case "headers":
            {
                var (ok, d) = Command(Encoding.ASCII.GetBytes($"FETCH {scenario.MessageSet} (BODY.PEEK[HEADER])"));
                if (!ok) throw new InvalidOperationException("FETCH failed");
                messages = d.Literals;
                bytes = d.LiteralBytes;
                break;
            }
            case "each":
                for (int i = 1; i <= scenario.Count; i++)
                {
                    var (ok, d) = Command(Encoding.ASCII.GetBytes($"FETCH {i} (RFC822)"));
                    if (!ok) throw new InvalidOperationException("FETCH failed");
                    messages += d.Literals;
                    bytes += d.LiteralBytes;
                }
                break;
            case "envelope":
            {
                var (ok, d) = Command(Encoding.ASCII.GetBytes($"FETCH {scenario.MessageSet} (ENVELOPE FLAGS)"));
                if (!ok) throw new InvalidOperationException("FETCH failed");
                messages = d.Untagged;
                bytes = ResponseBytes - before;
                break;
            }
            case "search":
            {
                var (ok, d) = Command("SEARCH ALL"u8.ToArray());
                if (!ok) throw new InvalidOperationException("SEARCH failed");
                messages = d.SearchHits;
                bytes = ResponseBytes - before;
                break;
            }
            case "append":
                for (int i = 0; i < scenario.Count; i++)
                {
                    byte[] message = appendMessages[i];
                    var (ok, _) = Command(Encoding.ASCII.GetBytes($"APPEND {scenario.Mailbox} {{{message.Length}+}}"), message);
                    if (!ok) throw new InvalidOperationException("APPEND failed");
                    messages++;
                    bytes += message.Length;
                }
                break;
            default:
                throw new ArgumentException(scenario.Kind);
        }
        return new RepResult(messages, bytes);
    }

    public void AfterRep(Scenario scenario)
    {
        if (scenario.Kind == "append") ResetAppendBox(scenario.Mailbox);
    }

    public void Logout()
    {
        if (_stream is null) return;
        Command("LOGOUT"u8.ToArray());
        _stream.Dispose();
        _stream = null;
    }

    public Dictionary<string, object> Facts() => new()
    {
        ["buffer_size"] = _bufferSize,
        ["server_offers_literal_plus"] = _literalPlus,
    };

    public void Dispose() => _stream?.Dispose();

    // ---- Wire ------------------------------------------------------------------------------------------------

    internal readonly record struct Drained(long Untagged, long Literals, long LiteralBytes, long SearchHits);

    /// <summary>Sends <c>TAG line</c> (plus a LITERAL+ literal and its CRLF, in the same write) and drains to the tagged reply.</summary>
    private (bool ok, Drained drained) Command(byte[] line, byte[]? literal = null)
    {
        var stream = _stream!;
        string tag = "r" + _tagNum++.ToString(System.Globalization.CultureInfo.InvariantCulture);
        int tagLen = tag.Length;
        byte[] head = new byte[tagLen + 1 + line.Length + 2 + (literal?.Length + 2 ?? 0)];
        Encoding.ASCII.GetBytes(tag, head);
        head[tagLen] = (byte)' ';
        line.CopyTo(head, tagLen + 1);
        int at = tagLen + 1 + line.Length;
        head[at++] = (byte)'\r';
        head[at++] = (byte)'\n';
        if (literal is not null)
        {
            literal.CopyTo(head, at);
            at += literal.Length;
            head[at++] = (byte)'\r';
            head[at++] = (byte)'\n';
        }
        stream.Write(head);
        stream.Flush();

        Span<byte> tagBytes = stackalloc byte[tagLen + 1];
        Encoding.ASCII.GetBytes(tag, tagBytes);
        tagBytes[tagLen] = (byte)' ';
        long untagged = 0, literals = 0, literalBytes = 0, hits = 0;
        while (true)
        {
            var l = NextLine(out _);
            if (l.StartsWith(tagBytes))
            {
                var status = l[tagBytes.Length..];
                if (status.IndexOf("LITERAL+"u8) >= 0) _literalPlus = true;
                return (status.StartsWith("OK"u8), new Drained(untagged, literals, literalBytes, hits));
            }
            if (l.StartsWith("* "u8))
            {
                untagged++;
                if (l.StartsWith("* SEARCH"u8)) hits = l.Count((byte)' ') - 1;
            }
            // A literal announced at the end of a line: skip its bytes, then its line goes on.
            while (LiteralSize(l) is long size and >= 0)
            {
                literals++;
                literalBytes += size;
                Skip(size);
                l = NextLine(out _);
            }
        }
    }

    private static long LiteralSize(ReadOnlySpan<byte> line)
    {
        if (line.Length < 3 || line[^1] != '}') return -1;
        int open = line.LastIndexOf((byte)'{');
        if (open < 0) return -1;
        var digits = line[(open + 1)..^1];
        if (digits.Length > 0 && digits[^1] == '+') digits = digits[..^1];
        long n = 0;
        foreach (byte b in digits)
        {
            if (b < '0' || b > '9') return -1;
            n = n * 10 + (b - '0');
        }
        return digits.Length == 0 ? -1 : n;
    }

    /// <summary>The next line without CRLF; valid until the next read.</summary>
    private ReadOnlySpan<byte> NextLine(out bool copied)
    {
        copied = false;
        int pending = 0;
        while (true)
        {
            if (_start == _end) Fill();
            var available = _buf.AsSpan(_start, _end - _start);
            int lf = available.IndexOf((byte)'\n');
            if (lf >= 0 && pending == 0)
            {
                _start += lf + 1;
                return available[..(lf > 0 && available[lf - 1] == '\r' ? lf - 1 : lf)];
            }
            int take = lf >= 0 ? lf + 1 : available.Length;
            if (pending + take > _scratch.Length) Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, pending + take));
            available[..take].CopyTo(_scratch.AsSpan(pending));
            pending += take;
            _start += take;
            if (lf >= 0)
            {
                copied = true;
                int len = pending - 1;
                if (len > 0 && _scratch[len - 1] == '\r') len--;
                return _scratch.AsSpan(0, len);
            }
        }
    }

    private void Skip(long n)
    {
        while (n > 0)
        {
            if (_start == _end) Fill();
            int take = (int)Math.Min(n, _end - _start);
            _start += take;
            n -= take;
        }
    }

    private void Fill()
    {
        _start = 0;
        _end = _stream!.Read(_buf, 0, _buf.Length);
        if (_end <= 0) throw new IOException("EOF from server");
        ResponseBytes += _end;
    }
}
