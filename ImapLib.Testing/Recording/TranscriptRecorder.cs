using System.Text;

namespace ImapLib.Testing;

/// <summary>
/// Turns the bytes of a live session, both directions in the order they passed, into a <see cref="Transcript"/>:
/// each command's tag becomes <c>{tag}</c> (in the command, in its tagged reply and in an ESEARCH <c>(TAG "…")</c>),
/// the LOGIN password, an AUTHENTICATE initial response and every SASL answer become <c>{secret}</c>, literals are
/// kept byte for byte, and lines that plain text cannot carry are written escaped. Recording only observes: it never
/// changes a byte of the session. Thread-safe (a proxy feeds it from two threads).
/// </summary>
internal sealed class TranscriptRecorder
{
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    private readonly Direction _client, _server;
    private byte[]? _openTag;            // the tag of the command awaiting its tagged reply
    private bool _authenticating;        // that command is AUTHENTICATE: the client's lines are SASL answers

    public TranscriptRecorder(string? heading = null)
    {
        if (heading is not null)
        {
            foreach (var line in heading.Split('\n')) _lines.Add(("# " + line).TrimEnd());
        }
        _client = new Direction(this, 'C');
        _server = new Direction(this, 'S');
    }

    /// <summary>Bytes the client sent.</summary>
    public void Client(ReadOnlySpan<byte> bytes)
    {
        lock (_gate) _client.Feed(bytes);
    }

    /// <summary>Bytes the server sent.</summary>
    public void Server(ReadOnlySpan<byte> bytes)
    {
        lock (_gate) _server.Feed(bytes);
    }

    /// <summary>A switch or an end: <c>@starttls</c>, <c>@compress</c>, <c>@close</c> (the server closed).</summary>
    public void Directive(TranscriptStepKind kind)
    {
        lock (_gate)
        {
            if (kind == TranscriptStepKind.Close && _closed) return;
            _client.Flush();
            _server.Flush();
            _lines.Add(kind switch
            {
                TranscriptStepKind.Close => "@close",
                TranscriptStepKind.StartTls => "@starttls",
                TranscriptStepKind.Compress => "@compress",
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            });
            _closed |= kind == TranscriptStepKind.Close;
        }
    }

    private bool _closed;
    private string? _lastCommand;

    /// <summary>STARTTLS or COMPRESS once the client asked for it: past that point a proxy sees only ciphertext or
    /// deflate, so it must stop.</summary>
    public string? Switch { get; private set; }

    /// <summary>The server closed the connection. After LOGOUT that is the normal end and is not written (the client
    /// closes too, in either order); anywhere else it is the transcript's <c>@close</c>.</summary>
    public void ServerClosed()
    {
        lock (_gate)
        {
            if (_lastCommand != "LOGOUT") Directive(TranscriptStepKind.Close);
        }
    }

    /// <summary>The session so far as a transcript (a line not yet ended is written as it stands).</summary>
    public Transcript ToTranscript()
    {
        lock (_gate)
        {
            var lines = new List<string>(_lines);
            lines.AddRange(_client.Pending());
            lines.AddRange(_server.Pending());
            return Transcript.FromLines(lines, null);
        }
    }

    /// <summary>A whole line part (up to CRLF, or up to a literal's start) of the client's, with its holes.</summary>
    private List<Segment> ClientLine(byte[] line, bool atLineStart)
    {
        if (!atLineStart) return [Segment.Of(line)];
        var body = line.AsSpan(0, line.Length - 2);
        if (_openTag is not null && _authenticating)
            return body.SequenceEqual("*"u8) ? [Segment.Of(line)] : [new Segment([], Hole.Secret), Segment.Of("\r\n"u8)];
        if (_openTag is not null && body.SequenceEqual("DONE"u8)) return [Segment.Of(line)];   // IDLE's end
        int space = body.IndexOf((byte)' ');
        if (space <= 0) return [Segment.Of(line)];
        _openTag = body[..space].ToArray();
        var words = Encoding.ASCII.GetString(body[(space + 1)..]).Split(' ');
        string command = words[0].ToUpperInvariant();
        _authenticating = command == "AUTHENTICATE";
        _lastCommand = command;
        if (command is "STARTTLS" or "COMPRESS") Switch = command;
        var result = new List<Segment> { new([], Hole.Tag) };
        int secretAt = command switch
        {
            "LOGIN" => 2,                                   // LOGIN user password
            "AUTHENTICATE" when words.Length > 2 => 2,      // AUTHENTICATE mechanism initial-response
            _ => -1,
        };
        var rest = line.AsSpan(space);
        if (secretAt < 0)
        {
            result.Add(Segment.Of(rest));
            return result;
        }
        // Skip the command name and the arguments before the secret (atoms or quoted strings), then hide one string.
        int at = 0;
        for (int word = 0; word < secretAt; word++)
        {
            at++;   // the space
            at += Tokens.StringLength(rest[at..]);
        }
        if (at >= rest.Length - 2 || rest[at] != ' ') return [new Segment([], Hole.Tag), Segment.Of(rest)];
        int secretLength = Tokens.StringLength(rest[(at + 1)..]);
        result.Add(Segment.Of(rest[..(at + 1)]));
        result.Add(new Segment([], Hole.Secret));
        result.Add(Segment.Of(rest[(at + 1 + secretLength)..]));
        return result;
    }

    /// <summary>A whole line part of the server's: the open command's tag, where it stands, becomes <c>{tag}</c>.</summary>
    private List<Segment> ServerLine(byte[] line, bool atLineStart)
    {
        if (!atLineStart || _openTag is null) return [Segment.Of(line)];
        var span = line.AsSpan();
        if (span.StartsWith(_openTag) && span.Length > _openTag.Length && span[_openTag.Length] == ' ')
        {
            var reply = span[_openTag.Length..];
            _client.CancelUnsentLiteral();   // a NO or BAD instead of a synchronising literal's continuation
            _openTag = null;
            _authenticating = false;
            return [new Segment([], Hole.Tag), Segment.Of(reply)];
        }
        // RFC 4731's ESEARCH names the command it answers: (TAG "A12").
        byte[] quoted = [.. "(TAG \""u8, .. _openTag, (byte)'"', (byte)')'];
        int found = span.IndexOf(quoted);
        if (found < 0) return [Segment.Of(line)];
        return [Segment.Of(span[..(found + 6)]), new Segment([], Hole.Tag), Segment.Of(span[(found + 6 + _openTag.Length)..])];
    }

    /// <summary>One direction: frames its bytes into line parts and literals, and writes records cut at each CRLF.</summary>
    private sealed class Direction(TranscriptRecorder owner, char prefix)
    {
        private readonly LiteralFramer _framer = new();
        private readonly List<byte> _line = [];            // the line part being collected (not yet at CRLF)
        private bool _lineStartsLine = true;               // it starts a line (not the rest of one after a literal)
        private readonly List<(Segment segment, bool literal)> _record = [];
        private bool _recordAfterCR;

        public void Feed(ReadOnlySpan<byte> bytes)
        {
            // Each side cuts its own records: a line the client has not finished while the server speaks is written
            // when it ends, after the server's lines (a replay sends those first either way).
            while (bytes.Length > 0)
            {
                int literal = _framer.LiteralPrefix(bytes);
                if (literal > 0)
                {
                    _framer.FeedLiteral(bytes[..literal]);
                    Add(Segment.Of(bytes[..literal]), literal: true);
                    bytes = bytes[literal..];
                    if (_framer.LiteralLeft == 0) _lineStartsLine = false;
                    continue;
                }
                int end = _framer.FeedLine(bytes);
                if (end < 0)
                {
                    _line.AddRange(bytes);
                    return;
                }
                _line.AddRange(bytes[..end]);
                bytes = bytes[end..];
                byte[] line = [.. _line];
                _line.Clear();
                var segments = prefix == 'C' ? owner.ClientLine(line, _lineStartsLine) : owner.ServerLine(line, _lineStartsLine);
                foreach (var segment in segments) Add(segment, literal: false);
                _lineStartsLine = _framer.LiteralLeft == 0;
            }
        }

        /// <summary>The command was answered before the literal it announced was sent: the client never sends it.</summary>
        public void CancelUnsentLiteral()
        {
            _framer.CancelUnsentLiteral();
            if (_framer.LiteralLeft == 0 && _line.Count == 0) _lineStartsLine = true;
        }

        /// <summary>Writes what is held, ended or not (before a directive).</summary>
        public void Flush()
        {
            if (_line.Count > 0)
            {
                Add(Segment.Of(_line.ToArray()), literal: false);
                _line.Clear();
            }
            FlushRecord();
        }

        /// <summary>The lines <see cref="Flush"/> would write, without writing them.</summary>
        public IEnumerable<string> Pending()
        {
            var record = new List<(Segment, bool)>(_record);
            if (_line.Count > 0) record.Add((Segment.Of(_line.ToArray()), false));
            return record.Count == 0 ? [] : [Render(record)];
        }

        private void FlushRecord()
        {
            if (_record.Count == 0) return;
            owner._lines.Add(Render(_record));
            _record.Clear();
        }

        /// <summary>Adds bytes to the record, cutting it after each CRLF.</summary>
        private void Add(Segment segment, bool literal)
        {
            if (segment.Hole != Hole.None)
            {
                _record.Add((segment, literal));
                _recordAfterCR = false;
                return;
            }
            var bytes = segment.Bytes.AsSpan();
            int start = 0;
            for (int i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == '\n' && (i > 0 ? bytes[i - 1] == '\r' : _recordAfterCR))
                {
                    _record.Add((Segment.Of(bytes[start..(i + 1)]), literal));
                    owner._lines.Add(Render(_record));
                    _record.Clear();
                    start = i + 1;
                }
            }
            if (start < bytes.Length) _record.Add((Segment.Of(bytes[start..]), literal));
            if (bytes.Length > 0) _recordAfterCR = bytes[^1] == '\r';
        }

        /// <summary>One record as a line of the transcript: plain when it can be, escaped otherwise.</summary>
        private string Render(List<(Segment segment, bool literal)> record)
        {
            var wire = new List<byte>();
            bool lookalike = false;
            foreach (var (segment, literal) in record)
            {
                if (segment.Hole != Hole.None)
                {
                    wire.AddRange(Encoding.ASCII.GetBytes(Segment.Placeholder(segment.Hole)));
                    continue;
                }
                wire.AddRange(segment.Bytes);
                lookalike |= !literal && HasHoleText(segment.Bytes);
            }
            var all = wire.ToArray().AsSpan();
            if (!lookalike && all.EndsWith("\r\n"u8) && RecordText.CanBePlain(all[..^2], holesPossible: false))
            {
                var body = Encoding.UTF8.GetString(all[..^2]);
                return body.Length == 0 ? $"{prefix}:" : $"{prefix}: {body}";
            }
            var text = new StringBuilder().Append(prefix).Append("! ");
            foreach (var (segment, literal) in record)
            {
                if (segment.Hole != Hole.None) text.Append(Segment.Placeholder(segment.Hole));
                else RecordText.AppendEscaped(text, segment.Bytes, holesPossible: !literal);
            }
            return text.ToString();
        }

        private static bool HasHoleText(ReadOnlySpan<byte> bytes) => bytes.IndexOf("{tag}"u8) >= 0 || bytes.IndexOf("{secret}"u8) >= 0;
    }
}
