using System.Text;

namespace ImapLib.Testing;

/// <summary>
/// Plays the server's side of one transcript, whoever carries the bytes (<see cref="ScriptedIMAP4"/>'s hooks or a
/// <see cref="TranscriptServer"/> connection). One cursor walks the steps: server steps go to the output when the
/// client needs them (it reads, or it sends its next line, by which time the server had spoken); each line the client
/// sends must match the next client step. Anything else is a <see cref="TranscriptMismatchException"/>, which the
/// player keeps (<see cref="Failure"/>) so that a caller that swallowed it still sees it in
/// <see cref="AssertComplete"/>.
/// </summary>
internal sealed class TranscriptPlayer
{
    private readonly Transcript _transcript;
    private int _next;
    private byte[]? _tag;
    private byte[] _output = new byte[4096];
    private int _outStart, _outEnd;
    private readonly List<byte> _clientPending = [];

    public TranscriptPlayer(Transcript transcript) => _transcript = transcript;

    /// <summary>The transcript's source, for messages.</summary>
    public string? Source => _transcript.Source;

    /// <summary>The first mismatch, once there was one.</summary>
    public TranscriptMismatchException? Failure { get; private set; }

    /// <summary>True once the server's <c>@close</c> was reached: after the output, the client reads end of stream.</summary>
    public bool Closed { get; private set; }

    /// <summary>The next step not yet played, or null at the end.</summary>
    public TranscriptStep? Next => _next < _transcript.Steps.Count ? _transcript.Steps[_next] : null;

    /// <summary>Bytes of server output not yet read.</summary>
    public int OutputLength => _outEnd - _outStart;

    /// <summary>Moves the server steps that come next (and an <c>@close</c> after them) to the output.</summary>
    public void ReleaseServer()
    {
        while (Next is { } step)
        {
            if (step.Kind == TranscriptStepKind.Close)
            {
                Closed = true;
                _next++;
                return;
            }
            if (step.Kind != TranscriptStepKind.Server) return;
            foreach (var segment in step.Segments)
            {
                if (segment.Hole == Hole.None) Output(segment.Bytes);
                else Output(_tag ?? throw Fail(step, "the server answers {tag} before the client sent any command", null));
            }
            _next++;
        }
    }

    /// <summary>Takes all output (a server connection writes it).</summary>
    public ReadOnlySpan<byte> TakeOutput()
    {
        var taken = _output.AsSpan(_outStart, _outEnd - _outStart);
        _outStart = _outEnd = 0;
        return taken;
    }

    /// <summary>The next line of output, up to and including its LF, for the client's <c>readline()</c>.</summary>
    public byte[] ReadLine()
    {
        while (true)
        {
            var pending = _output.AsSpan(_outStart, _outEnd - _outStart);
            int lf = pending.IndexOf((byte)'\n');
            if (lf >= 0) return Take(lf + 1);
            if (!NeedOutput("a line")) return Take(pending.Length);
        }
    }

    /// <summary>The next <paramref name="size"/> bytes of output (fewer only at <c>@close</c>), for <c>read()</c>.</summary>
    public byte[] Read(int size)
    {
        while (OutputLength < size)
        {
            if (!NeedOutput($"{size} bytes of a literal")) break;
        }
        return Take(Math.Min(size, OutputLength));
    }

    /// <summary>True when output can be read now without waiting for the client: what a timed wait (IDLE's duration)
    /// would see. False when it is the client's turn (the wait times out).</summary>
    public bool HasOutput()
    {
        ThrowIfFailed();
        if (OutputLength == 0) ReleaseServer();
        return OutputLength > 0 || Closed;
    }

    /// <summary>Gets more output for a read; false at <c>@close</c> (end of stream), a mismatch when the client waits
    /// for the server where the transcript has the client speak next (a real session would hang there).</summary>
    private bool NeedOutput(string what)
    {
        ThrowIfFailed();
        int before = OutputLength;
        ReleaseServer();
        if (OutputLength > before) return true;
        if (Closed) return false;
        if (_clientPending.Count > 0)
            throw Fail(Next, $"the client waits for {what} from the server after sending an unfinished line", Render(_clientPending.ToArray()));
        throw Next switch
        {
            null => Fail(null, $"the client waits for {what} from the server after the end of the transcript", null),
            { Kind: TranscriptStepKind.Client } step => Fail(step, $"the client waits for {what} from the server, but the transcript has the client send next", null),
            { } step => Fail(step, $"the client waits for {what} from the server, but the transcript has '{step.Text}' next", null),
        };
    }

    /// <summary>Takes bytes the client sent; each whole line (to CRLF) is matched against the next client step.</summary>
    /// <exception cref="TranscriptMismatchException">A line is not the expected one.</exception>
    /// <exception cref="IOException">The server has closed the connection (<c>@close</c>): as a socket would.</exception>
    public void ClientSent(ReadOnlySpan<byte> data)
    {
        ThrowIfFailed();
        if (Closed) throw new IOException("the server closed the connection (@close in the transcript)");
        _clientPending.AddRange(data);
        while (true)
        {
            int end = LineEnd(_clientPending);
            if (end < 0) return;
            byte[] line = _clientPending.GetRange(0, end).ToArray();
            _clientPending.RemoveRange(0, end);
            MatchClientLine(line);
        }
    }

    /// <summary>The client performs a directive's action (the TLS handshake, the switch to compression).</summary>
    public void Directive(TranscriptStepKind kind, string action)
    {
        ThrowIfFailed();
        ReleaseServer();
        _outStart = _outEnd = 0;   // as the library does: nothing read before the switch is read after it
        if (Next is { } step && step.Kind == kind)
        {
            _next++;
            return;
        }
        throw Next is { } other
            ? Fail(other, $"the client {action}, but the transcript has '{other.Text}' next", null)
            : Fail(null, $"the client {action} after the end of the transcript", null);
    }

    /// <summary>Raises the first mismatch, or one for steps never played. The latter is not
    /// kept: the session may still go on (a later Dispose that logs out, say) and complete the transcript.</summary>
    public void AssertComplete()
    {
        ThrowIfFailed();
        if (_clientPending.Count > 0)
            throw Mismatch(Next, "the client left an unfinished line", Render(_clientPending.ToArray()));
        if (Next is { } step && !(step.Kind == TranscriptStepKind.Close && _next == _transcript.Steps.Count - 1))
            throw Mismatch(step, $"the session ended before this step of the transcript ({_transcript.Steps.Count - _next} left)", null);
        // Output the client never read is no failure: after LOGOUT's BYE, a client (CPython's too) stops reading.
    }

    /// <summary>True when every step was played.</summary>
    public bool IsComplete => Failure is null && _clientPending.Count == 0
        && (Next is null || (Next.Kind == TranscriptStepKind.Close && _next == _transcript.Steps.Count - 1));

    private void MatchClientLine(byte[] line)
    {
        ReleaseServer();
        var step = Next;
        if (step is null) throw Fail(null, "the client sent a line after the end of the transcript", Render(line));
        if (step.Kind != TranscriptStepKind.Client)
            throw Fail(step, "the client sent a line where the transcript has no client line", Render(line));
        if (!Matches(step.Segments, line, out byte[]? tag))
            throw Fail(step, "the client sent a different line", Render(line));
        if (tag is not null) _tag = tag;
        _next++;
    }

    /// <summary>Compares a line the client sent with a client step: bytes exactly; <c>{tag}</c> any tag (at the start
    /// it becomes the tag of the command; elsewhere it must be that tag); <c>{secret}</c> any one quoted string or
    /// atom (a whole line for a SASL answer).</summary>
    private bool Matches(List<Segment> expected, ReadOnlySpan<byte> actual, out byte[]? newTag)
    {
        newTag = null;
        int at = 0;
        foreach (var segment in expected)
        {
            var rest = actual[at..];
            switch (segment.Hole)
            {
                case Hole.None:
                    if (!rest.StartsWith(segment.Bytes)) return false;
                    at += segment.Bytes.Length;
                    break;
                case Hole.Tag:
                    int tagLength = rest.IndexOfAny((byte)' ', (byte)'\r');
                    if (tagLength <= 0) return false;
                    var tag = rest[..tagLength];
                    if (at == 0) newTag = tag.ToArray();
                    else if (_tag is null || !tag.SequenceEqual(_tag)) return false;
                    at += tagLength;
                    break;
                case Hole.Secret:
                    at += Tokens.StringLength(rest);
                    break;
            }
        }
        return at == actual.Length;
    }

    private static int LineEnd(List<byte> bytes)
    {
        for (int i = 1; i < bytes.Count; i++)
        {
            if (bytes[i] == '\n' && bytes[i - 1] == '\r') return i + 1;
        }
        return -1;
    }

    private void Output(ReadOnlySpan<byte> bytes)
    {
        if (_outEnd + bytes.Length > _output.Length)
        {
            int length = _outEnd - _outStart;
            var grown = length + bytes.Length > _output.Length ? new byte[Math.Max(_output.Length * 2, length + bytes.Length)] : _output;
            _output.AsSpan(_outStart, length).CopyTo(grown);
            _output = grown;
            _outStart = 0;
            _outEnd = length;
        }
        bytes.CopyTo(_output.AsSpan(_outEnd));
        _outEnd += bytes.Length;
    }

    private byte[] Take(int count)
    {
        var taken = _output.AsSpan(_outStart, count).ToArray();
        _outStart += count;
        if (_outStart == _outEnd) _outStart = _outEnd = 0;
        return taken;
    }

    private void ThrowIfFailed()
    {
        if (Failure is not null) throw Failure;
    }

    /// <summary>Makes, keeps (the first) and returns the mismatch for <paramref name="step"/> (null: the end).</summary>
    private TranscriptMismatchException Fail(TranscriptStep? step, string what, string? actual)
    {
        var failure = Mismatch(step, what, actual);
        Failure ??= failure;
        return failure;
    }

    private TranscriptMismatchException Mismatch(TranscriptStep? step, string what, string? actual) =>
        new(_transcript.Source, step?.LineNumber ?? LastLine(), step?.Text, actual, what);

    private int LastLine() => _transcript.Steps.Count == 0 ? 1 : _transcript.Steps[^1].LineNumber;

    /// <summary>Bytes as a transcript would write them: <c>C: text</c>, or <c>C! escaped</c>.</summary>
    internal static string Render(byte[] line)
    {
        var body = line.AsSpan();
        bool crlf = body.EndsWith("\r\n"u8);
        if (crlf) body = body[..^2];
        if (crlf && RecordText.CanBePlain(body, holesPossible: false)) return "C: " + Encoding.UTF8.GetString(body);
        var text = new StringBuilder("C! ");
        RecordText.AppendEscaped(text, line, holesPossible: false);
        return text.ToString();
    }
}

/// <summary>
/// The client did not follow the transcript: it sent a different line, sent where the server was to speak, waited
/// for the server where the transcript has the client speak, or stopped early. The message names the transcript, the
/// line, what the transcript expects and what the client did. Raised to the test, never wrapped in
/// <see cref="IMAP4.abort"/>; it is not an <see cref="IMAP4.error"/>, so code under test that catches those does not
/// swallow it.
/// </summary>
public sealed class TranscriptMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The transcript's source, or null.</param>
    /// <param name="line">The transcript's line (1-based).</param>
    /// <param name="expected">The step the transcript expects, as written, or null at its end.</param>
    /// <param name="actual">What the client sent, as a transcript would write it, or null when it sent nothing.</param>
    /// <param name="problem">What went wrong.</param>
    public TranscriptMismatchException(string? source, int line, string? expected, string? actual, string problem)
        : base(Describe(source, line, expected, actual, problem))
    {
        TranscriptSource = source;
        LineNumber = line;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The transcript's source (a file's path), or null.</summary>
    public string? TranscriptSource { get; }

    /// <summary>The transcript's line where the session left it (1-based).</summary>
    public int LineNumber { get; }

    /// <summary>The step expected there, as the transcript writes it; null at the end of the transcript.</summary>
    public string? Expected { get; }

    /// <summary>What the client sent instead, as a transcript would write it; null when it sent nothing.</summary>
    public string? Actual { get; }

    private static string Describe(string? source, int line, string? expected, string? actual, string problem)
    {
        var text = new StringBuilder($"{source ?? "transcript"}, line {line}: {problem}");
        if (expected is not null) text.Append($"\n  expected: {expected.Replace("\n", "\n            ", StringComparison.Ordinal)}");
        if (actual is not null) text.Append($"\n  actual:   {actual}");
        return text.ToString();
    }
}
