using System.Text;

namespace ImapLib.Testing;

/// <summary>What a step of a transcript is.</summary>
public enum TranscriptStepKind
{
    /// <summary>Bytes the server sends (one <c>S:</c> or <c>S!</c> line of the file).</summary>
    Server,

    /// <summary>One line the client must send, up to its CRLF (one or more <c>C:</c>/<c>C!</c> lines of the file).</summary>
    Client,

    /// <summary><c>@close</c>: the server closes the connection.</summary>
    Close,

    /// <summary><c>@starttls</c>: the TLS handshake of STARTTLS happens here.</summary>
    StartTls,

    /// <summary><c>@compress</c>: COMPRESS=DEFLATE starts here.</summary>
    Compress,
}

/// <summary>One step of a <see cref="Transcript"/>.</summary>
public sealed class TranscriptStep
{
    internal TranscriptStep(TranscriptStepKind kind, int lineNumber, string text, List<Segment> segments)
    {
        Kind = kind;
        LineNumber = lineNumber;
        Text = text;
        Segments = segments;
    }

    /// <summary>What the step is.</summary>
    public TranscriptStepKind Kind { get; }

    /// <summary>The line of the transcript's text where the step starts (1-based).</summary>
    public int LineNumber { get; }

    /// <summary>The step as the transcript writes it (for a client line spread over several lines of the file,
    /// those lines joined by a line feed).</summary>
    public string Text { get; }

    internal List<Segment> Segments { get; }

    /// <inheritdoc/>
    public override string ToString() => $"line {LineNumber}: {Text}";
}

/// <summary>
/// An IMAP conversation as text: what the server sends (<c>S:</c>), what the client must send (<c>C:</c>), with
/// <c>{tag}</c> for the tag of the command being answered and <c>{secret}</c> for passwords, literals in both
/// directions, comments and directives (<c>@close</c>, <c>@starttls</c>, <c>@compress</c>). docs/testing.md specifies
/// the format. Replay it with <see cref="ScriptedIMAP4"/> or <see cref="TranscriptServer"/>; make one from a real
/// session with <see cref="RecordingIMAP4"/>.
/// </summary>
/// <example>
/// <code>
/// var transcript = Transcript.Parse("""
///     S: * OK [CAPABILITY IMAP4rev1] ready
///     C: {tag} SELECT INBOX
///     S: * 3 EXISTS
///     S: {tag} OK [READ-WRITE] done
///     """);
/// </code>
/// </example>
public sealed class Transcript
{
    private readonly List<string> _lines;

    private Transcript(List<string> lines, List<TranscriptStep> steps, string? source)
    {
        _lines = lines;
        Steps = steps;
        Source = source;
    }

    /// <summary>Where the transcript came from (a file's path), or null; mismatch messages name it.</summary>
    public string? Source { get; }

    /// <summary>The steps, in order (comments and blank lines are not steps).</summary>
    public IReadOnlyList<TranscriptStep> Steps { get; }

    /// <summary>Reads a transcript from its text.</summary>
    /// <param name="text">The transcript; LF or CRLF line ends, leading indentation ignored.</param>
    /// <param name="source">A name for messages (a file's path), or null.</param>
    /// <exception cref="TranscriptFormatException">The text is not a well-formed transcript.</exception>
    public static Transcript Parse(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Parser(source).Run(text);
    }

    /// <summary>Reads a transcript file (UTF-8).</summary>
    /// <exception cref="TranscriptFormatException">The file is not a well-formed transcript.</exception>
    public static Transcript Load(string path) => Parse(File.ReadAllText(path, RecordText.Strict), path);

    /// <summary>Writes the transcript to a file (UTF-8, LF line ends), as <see cref="ToString"/> gives it.</summary>
    public void Save(string path) => File.WriteAllText(path, ToString(), RecordText.Strict);

    /// <summary>The transcript's text: every line as parsed (indentation removed, LF line ends);
    /// <c>Parse(t.ToString())</c> gives the same transcript.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var line in _lines) text.Append(line).Append('\n');
        return text.ToString();
    }

    internal static Transcript FromLines(List<string> lines, string? source) => new Parser(source).Run(lines);

    /// <summary>Turns the lines of a transcript into steps, framing literals on both sides as it goes.</summary>
    private sealed class Parser(string? source)
    {
        private readonly List<TranscriptStep> _steps = [];
        private readonly LiteralFramer _serverFramer = new(), _clientFramer = new();
        private readonly List<Segment> _clientLine = [];
        private readonly List<string> _clientText = [];
        private int _clientLineStart, _serverLiteralLine, _clientLiteralLine;
        private bool _clientAfterCR;

        public Transcript Run(string text)
        {
            var lines = new List<string>();
            foreach (var raw in text.Split('\n'))
                lines.Add(raw.TrimEnd('\r').TrimStart(' ', '\t'));
            if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);   // the final line end
            return Run(lines);
        }

        public Transcript Run(List<string> lines)
        {
            bool closed = false;
            for (int n = 0; n < lines.Count; n++)
            {
                string line = lines[n];
                int number = n + 1;
                if (line.Length == 0 || line[0] == '#') continue;
                if (line[0] == '@')
                {
                    var kind = line.TrimEnd() switch
                    {
                        "@close" => TranscriptStepKind.Close,
                        "@starttls" => TranscriptStepKind.StartTls,
                        "@compress" => TranscriptStepKind.Compress,
                        _ => throw Error(number, $"unknown directive '{line.TrimEnd()}' (known: @close, @starttls, @compress)"),
                    };
                    EndOfClientLine(number, line);
                    if (closed) throw Error(number, "nothing can follow @close");
                    closed = kind == TranscriptStepKind.Close;
                    _steps.Add(new TranscriptStep(kind, number, line.TrimEnd(), []));
                    continue;
                }
                if (line.Length < 2 || line[0] is not ('S' or 'C') || line[1] is not (':' or '!'))
                    throw Error(number, $"a line must start with 'S:', 'C:', 'S!', 'C!', '@', or '#': {Shorten(line)}");
                if (line.Length > 2 && line[2] != ' ')
                    throw Error(number, $"a space must follow '{line[..2]}': {Shorten(line)}");
                if (closed) throw Error(number, "nothing can follow @close");
                bool server = line[0] == 'S';
                string body = line.Length > 3 ? line[3..] : "";
                var units = line[1] == ':' ? Plain(body) : Escaped(body, number);
                if (server) AddServer(units, number, line);
                else AddClient(units, number, line);
            }
            int last = lines.Count;
            if (_clientLine.Count > 0)
                throw Error(_clientLineStart, "the client's last line does not end with a line break (write it with 'C!' and '\\r\\n', or as 'C:')");
            if (_clientFramer.LiteralLeft > 0)
                throw Error(_clientLiteralLine, $"the client's literal announced here is {_clientFramer.LiteralLeft} bytes short at the end of the transcript (line {last})");
            if (_serverFramer.LiteralLeft > 0 && !closed)
                throw Error(_serverLiteralLine, $"the server's literal announced here is {_serverFramer.LiteralLeft} bytes short at the end of the transcript (line {last}); end with @close for a server that cuts it");
            return new Transcript(lines, _steps, source);
        }

        private void AddServer(List<Segment> units, int number, string line)
        {
            EndOfClientLine(number, line);
            // A tagged reply before the client sent the literal it announced refuses it (NO or BAD, no "+").
            if (units.Count > 0 && units[0].Hole == Hole.Tag && _serverFramer.LiteralLeft == 0) _clientFramer.CancelUnsentLiteral();
            var segments = new List<Segment>();
            foreach (var unit in units)
            {
                if (unit.Hole == Hole.Secret && _serverFramer.LiteralLeft == 0)
                    throw Error(number, "{secret} stands for what the client sends; the server's lines cannot hold it");
                Frame(_serverFramer, unit, segments, ref _serverLiteralLine, number);
            }
            _steps.Add(new TranscriptStep(TranscriptStepKind.Server, number, line, segments));
        }

        private void AddClient(List<Segment> units, int number, string line)
        {
            if (_clientLine.Count == 0 && _clientText.Count == 0) _clientLineStart = number;
            _clientText.Add(line);
            var segments = new List<Segment>();
            foreach (var unit in units) Frame(_clientFramer, unit, segments, ref _clientLiteralLine, number);
            // Cut into client lines at each CRLF, wherever it is (in a literal or not): the client's bytes are
            // compared line by line.
            foreach (var segment in segments)
            {
                if (segment.Hole != Hole.None)
                {
                    _clientLine.Add(segment);
                    _clientAfterCR = false;
                    continue;
                }
                var bytes = segment.Bytes.AsSpan();
                int start = 0;
                for (int i = 0; i < bytes.Length; i++)
                {
                    if (bytes[i] == '\n' && (i > 0 ? bytes[i - 1] == '\r' : _clientAfterCR))
                    {
                        _clientLine.Add(Segment.Of(bytes[start..(i + 1)]));
                        start = i + 1;
                        FinishClientLine();
                    }
                }
                if (start < bytes.Length) _clientLine.Add(Segment.Of(bytes[start..]));
                if (bytes.Length > 0) _clientAfterCR = bytes[^1] == '\r';
            }
        }

        private void FinishClientLine()
        {
            _steps.Add(new TranscriptStep(TranscriptStepKind.Client, _clientLineStart, string.Join('\n', _clientText), [.. _clientLine]));
            _clientLine.Clear();
            _clientText.Clear();
        }

        /// <summary>A line of the file that is not the client's: the client's line before it must be complete. A
        /// record holding the rest of a line that ended in a previous record still counts from there.</summary>
        private void EndOfClientLine(int number, string line)
        {
            if (_clientLine.Count > 0)
                throw Error(_clientLineStart, $"the client's line does not end (CRLF) before line {number} ({Shorten(line)})");
            _clientText.Clear();
        }

        /// <summary>Feeds one unit through a framer: bytes inside a literal stay bytes (a hole's text too), bytes of a
        /// line are fed as line text, holes in a line stay holes.</summary>
        private static void Frame(LiteralFramer framer, Segment unit, List<Segment> output, ref int literalLine, int number)
        {
            if (unit.Hole != Hole.None)
            {
                if (framer.LiteralLeft > 0)
                {
                    unit = Segment.Of(Encoding.ASCII.GetBytes(Segment.Placeholder(unit.Hole)));
                }
                else
                {
                    framer.FeedHole();
                    output.Add(unit);
                    return;
                }
            }
            var rest = unit.Bytes.AsSpan();
            while (rest.Length > 0)
            {
                int take = framer.LiteralPrefix(rest);
                if (take > 0)
                {
                    framer.FeedLiteral(rest[..take]);
                }
                else
                {
                    int end = framer.FeedLine(rest);
                    take = end < 0 ? rest.Length : end;
                    if (framer.LiteralLeft > 0) literalLine = number;
                }
                Append(output, rest[..take]);
                rest = rest[take..];
            }
        }

        private static void Append(List<Segment> output, ReadOnlySpan<byte> bytes)
        {
            if (output.Count > 0 && output[^1].Hole == Hole.None)
                output[^1] = Segment.Of([.. output[^1].Bytes, .. bytes]);
            else
                output.Add(Segment.Of(bytes));
        }

        /// <summary><c>S: text</c>: the text's UTF-8 bytes, then CRLF; <c>{tag}</c> and <c>{secret}</c> are holes.</summary>
        private static List<Segment> Plain(string body)
        {
            var units = new List<Segment>();
            var run = new StringBuilder();
            for (int i = 0; i < body.Length;)
            {
                if (HoleAt(body, i) is { } hole)
                {
                    Flush(units, run);
                    units.Add(new Segment([], hole));
                    i += Segment.Placeholder(hole).Length;
                    continue;
                }
                run.Append(body[i++]);
            }
            run.Append("\r\n");
            Flush(units, run);
            return units;
        }

        /// <summary><c>S! text</c>: escapes <c>\\ \r \n \t \xHH</c>, holes as in plain text, no CRLF added.</summary>
        private List<Segment> Escaped(string body, int number)
        {
            var units = new List<Segment>();
            var bytes = new List<byte>();
            var run = new StringBuilder();
            void FlushText()
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(run.ToString()));
                run.Clear();
            }
            void FlushBytes()
            {
                FlushText();
                if (bytes.Count > 0) units.Add(new Segment([.. bytes], Hole.None));
                bytes.Clear();
            }
            for (int i = 0; i < body.Length;)
            {
                char c = body[i];
                if (HoleAt(body, i) is { } hole)
                {
                    FlushBytes();
                    units.Add(new Segment([], hole));
                    i += Segment.Placeholder(hole).Length;
                    continue;
                }
                if (c != '\\')
                {
                    run.Append(c);
                    i++;
                    continue;
                }
                if (i + 1 >= body.Length) throw Error(number, "a backslash ends the line (write \\\\ for a backslash)");
                char e = body[i + 1];
                switch (e)
                {
                    case '\\': run.Append('\\'); i += 2; break;
                    case 'r': run.Append('\r'); i += 2; break;
                    case 'n': run.Append('\n'); i += 2; break;
                    case 't': run.Append('\t'); i += 2; break;
                    case 'x' when i + 3 < body.Length && byte.TryParse(body.AsSpan(i + 2, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out byte b):
                        FlushText();
                        bytes.Add(b);
                        i += 4;
                        break;
                    default:
                        throw Error(number, $"unknown escape '\\{e}' (known: \\\\ \\r \\n \\t \\xHH)");
                }
            }
            FlushBytes();
            return units;
        }

        private static Hole? HoleAt(string text, int i) =>
            string.CompareOrdinal(text, i, "{tag}", 0, 5) == 0 ? Hole.Tag
            : string.CompareOrdinal(text, i, "{secret}", 0, 8) == 0 ? Hole.Secret
            : null;

        private static void Flush(List<Segment> units, StringBuilder run)
        {
            if (run.Length > 0) units.Add(new Segment(Encoding.UTF8.GetBytes(run.ToString()), Hole.None));
            run.Clear();
        }

        private TranscriptFormatException Error(int line, string message) => new(source, line, message);

        private static string Shorten(string line) => line.Length <= 60 ? line : line[..57] + "...";
    }
}

/// <summary>A transcript's text is not well formed; the message names the source and line.</summary>
public sealed class TranscriptFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="line"/> of <paramref name="source"/>.</summary>
    public TranscriptFormatException(string? source, int line, string problem)
        : base($"{source ?? "transcript"}, line {line}: {problem}")
    {
        TranscriptSource = source;
        LineNumber = line;
        Problem = problem;
    }

    /// <summary>The transcript's source (a file's path), or null.</summary>
    public string? TranscriptSource { get; }

    /// <summary>The line of the problem (1-based).</summary>
    public int LineNumber { get; }

    /// <summary>What is wrong, without the place.</summary>
    public string Problem { get; }
}
