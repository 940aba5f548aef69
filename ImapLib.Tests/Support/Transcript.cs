using System.Text;

namespace ImapLib.Tests.Support;

/// <summary>
/// A scripted server driven by a transcript, in the manner of MailKit's replay files: each client line the test
/// expects (<c>C: </c>) is followed by the server lines that answer it (<c>S: </c>); server lines before the
/// first client line are the greeting. <c>{tag}</c> stands for the tag of the command being answered. A client
/// literal is one more <c>C: </c> step holding its text. The session runs over <see cref="ScriptedIMAP4"/>'s
/// hooks (no socket, no thread); <see cref="AssertComplete"/> checks that every step was used and matched.
/// </summary>
/// <example>
/// <code>
/// var transcript = new Transcript("""
///     S: * OK [CAPABILITY IMAP4rev1] ready
///     C: {tag} SELECT INBOX
///     S: * 3 EXISTS
///     S: {tag} OK [READ-WRITE] done
///     """);
/// using var M = transcript.Connect();
/// Assert.That(M.select().ToString(), Is.EqualTo("('OK', [b'3'])"));
/// transcript.AssertComplete();
/// </code>
/// </example>
public sealed class Transcript
{
    private readonly string _greeting;
    private readonly Queue<(string expected, string reply)> _steps = new();
    private readonly List<string> _mismatches = [];

    /// <summary>Parses <paramref name="text"/>: lines starting with <c>S: </c> or <c>C: </c>; blank lines and lines
    /// starting with <c>#</c> are ignored.</summary>
    public Transcript(string text)
    {
        var greeting = new StringBuilder();
        string? expected = null;
        var reply = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r').TrimStart();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("C: ", StringComparison.Ordinal))
            {
                if (expected is not null) _steps.Enqueue((expected, reply.ToString()));
                expected = line[3..];
                reply.Clear();
            }
            else if (line.StartsWith("S: ", StringComparison.Ordinal))
            {
                (expected is null ? greeting : reply).Append(line[3..]).Append("\r\n");
            }
            else
            {
                throw new ArgumentException($"transcript line must start with 'C: ' or 'S: ': {line}");
            }
        }
        if (expected is not null) _steps.Enqueue((expected, reply.ToString()));
        _greeting = greeting.ToString();
    }

    /// <summary>Client lines that did not match the transcript (each answered with BAD).</summary>
    public IReadOnlyList<string> Mismatches => _mismatches;

    /// <summary>Connects a client to the transcript's server.</summary>
    public ScriptedIMAP4 Connect(double? timeout = null) => new(_greeting, Responder(), timeout);

    /// <summary>The transcript's server side, for a subclass of <see cref="ScriptedIMAP4"/> made with the greeting
    /// given separately (the transcript's own greeting lines are then not used).</summary>
    public ScriptedIMAP4.Responder Responder() => ScriptedIMAP4.ByCommand(Answer);

    /// <summary>Asserts that the client sent exactly the transcript's lines, all of them.</summary>
    public void AssertComplete()
    {
        Assert.That(_mismatches, Is.Empty, "client lines that differ from the transcript");
        Assert.That(_steps.Select(s => s.expected), Is.Empty, "transcript steps the client never reached");
    }

    private string? Answer(ScriptedCommand command)
    {
        string actual = command.Literal is { } literal ? Encoding.Latin1.GetString(literal) : command.Line;
        if (!_steps.TryDequeue(out var step))
        {
            _mismatches.Add($"after the end of the transcript: {actual}");
            return $"{command.Tag} BAD transcript ended\r\n";
        }
        string expected = step.expected.Replace("{tag}", command.Tag, StringComparison.Ordinal);
        if (actual != expected)
        {
            _mismatches.Add($"expected {expected} but the client sent {actual}");
            return $"{command.Tag} BAD not in the transcript\r\n";
        }
        return step.reply.Length == 0 ? null : step.reply;
    }
}
