using System.Text;
using ImapLib.Fuzzing;
using ImapLib.Testing;
using Transcript = ImapLib.Testing.Transcript;

namespace ImapLib.Fuzz.Guided;

/// <summary>
/// What the response-path and compression targets share: the input format (the server's bytes in segments, one
/// released per client line by <see cref="ScriptStream"/>, split at <see cref="Separator"/>; <c>\x01T\x01</c> is
/// the tag of the command being answered), the fixed commands, and the rule for exceptions: only
/// <see cref="IMAP4.error"/> (and its <see cref="IMAP4.abort"/>, which ends the session) and
/// <see cref="ArgumentException"/> (Python's ValueError) may escape a command; anything else escapes the target.
/// </summary>
public static class Session
{
    /// <summary>ASCII's record separator, between segments.</summary>
    public const byte Separator = 0x1e;

    public const string Tag = "\u0001T\u0001";

    public static List<byte[]> Split(ReadOnlySpan<byte> input)
    {
        var segments = new List<byte[]>();
        foreach (var range in input.Split(Separator)) segments.Add(input[range].ToArray());
        return segments;
    }

    public static byte[] Join(IEnumerable<byte[]> segments)
    {
        var all = new List<byte>();
        foreach (var segment in segments)
        {
            if (all.Count > 0) all.Add(Separator);
            all.AddRange(segment);
        }
        return [.. all];
    }

    /// <summary>One command of a fixed sequence; the name is the command the segment answering it comes from in a
    /// recorded transcript (see <see cref="Seed"/>).</summary>
    public sealed record Step(string Command, Action<IMAP4> Run);

    public static readonly Step Login = new("LOGIN", M => FuzzGenerator.Steps[0].Run(M));
    public static readonly Step Compress = new("COMPRESS", M => M.compress());

    /// <summary>After COMPRESS: commands whose responses come through the deflate layer.</summary>
    public static readonly Step[] Compressed =
    [
        new("NOOP", M => M.noop()),
        new("SELECT", M => M.select("INBOX")),
        new("UID FETCH", M => M.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")),
        new("IDLE", Idle),
        new("DONE", _ => { }),
        new("SEARCH", M => M.search(null, "UNSEEN")),
        new("LOGOUT", M => M.logout()),
    ];

    /// <summary>IDLE: starts it, takes the first pushed response, ends it with DONE (any others that came with it
    /// are filed into untagged_responses).</summary>
    private static void Idle(IMAP4 M)
    {
        using var idler = M.idle();
        foreach (var (typ, data) in idler)
        {
            _ = data.ToString();
            break;
        }
    }

    /// <summary>When set (FUZZ_VERBOSE=1 in <c>run</c> mode), each step's outcome is printed.</summary>
    public static bool Verbose { get; set; }

    /// <summary>Runs the steps over <paramref name="stream"/>.</summary>
    public static void Run(ScriptStream stream, IEnumerable<Step> steps)
    {
        IMAP4 M;
        try { M = new InMemoryIMAP4(stream); }
        catch (IMAP4.error e)
        {
            Say("connect", e);
            return;
        }
        using (M)
        {
            foreach (var step in steps)
            {
                try
                {
                    step.Run(M);
                    Say(step.Command, null);
                }
                catch (IMAP4.abort e)
                {
                    Say(step.Command, e);
                    break;
                }
                catch (Exception e) when (e is IMAP4.error or ArgumentException) { Say(step.Command, e); }
            }
        }
    }

    private static void Say(string step, Exception? e)
    {
        if (Verbose) Console.WriteLine($"  {step}: {(e is null ? "ok" : $"{e.GetType().Name}: {e.Message}")}");
    }

    /// <summary>
    /// A seed for <paramref name="steps"/>: the greeting, then for each step the server's answer to the same
    /// command in <paramref name="recorded"/> (name to segment, from <see cref="Responses"/>), or the default
    /// answer when the recording has none.
    /// </summary>
    public static List<byte[]> Seed(IEnumerable<Step> steps, IReadOnlyDictionary<string, byte[]> recorded, IReadOnlyDictionary<string, string> defaults) =>
        steps.Select(s => recorded.TryGetValue(s.Command, out var r) ? r : Encoding.UTF8.GetBytes(defaults[s.Command])).ToList();

    /// <summary>The server's bytes in a recorded transcript, by the command they answer (the first time each
    /// command appears; <c>GREETING</c> for what comes before any command, <c>DONE</c> for IDLE's end); steps
    /// after <c>@compress</c> are filed under <c>+COMMAND</c>.</summary>
    public static Dictionary<string, byte[]> Responses(Transcript transcript)
    {
        var byCommand = new Dictionary<string, byte[]>();
        string current = "GREETING";
        var bytes = new List<byte>();
        bool compressed = false;
        void File()
        {
            if (bytes.Count > 0) byCommand.TryAdd(current, [.. bytes]);
            bytes.Clear();
        }
        foreach (var step in transcript.Steps)
        {
            switch (step.Kind)
            {
                case TranscriptStepKind.Client when step.Text.StartsWith("C: ", StringComparison.Ordinal):
                    File();
                    current = (compressed ? "+" : "") + CommandName(step.Text[3..]);
                    break;
                case TranscriptStepKind.Server:
                    bytes.AddRange(ServerBytes(step.Text));
                    break;
                case TranscriptStepKind.Compress:
                    compressed = true;
                    break;
            }
        }
        File();
        return byCommand;
    }

    /// <summary>"{tag} UID FETCH 1:* ..." gives "UID FETCH"; "DONE" gives "DONE".</summary>
    private static string CommandName(string line)
    {
        var words = line.Split(' ');
        if (words[0] != "{tag}") return words[0].ToUpperInvariant();
        string name = words.Length > 1 ? words[1].ToUpperInvariant() : "";
        return name == "UID" && words.Length > 2 ? "UID " + words[2].ToUpperInvariant() : name;
    }

    /// <summary>A server step's bytes: <c>S: text</c> is the text and CRLF, <c>S! text</c> has the escapes
    /// <c>\\ \r \n \t \xHH</c> and no CRLF added; <c>{tag}</c> becomes the tag placeholder.</summary>
    private static byte[] ServerBytes(string text)
    {
        string body = text.Length > 3 ? text[3..] : "";
        if (text[1] == ':') return Encoding.UTF8.GetBytes(body.Replace("{tag}", Tag) + "\r\n");
        var result = new List<byte>();
        var parts = body.Replace("{tag}", Tag).Split('\\');
        result.AddRange(Encoding.UTF8.GetBytes(parts[0]));
        for (int i = 1; i < parts.Length; i++)
        {
            string part = parts[i];
            if (part.Length == 0)
            {
                // "\\": the next part starts after the escaped backslash.
                result.Add((byte)'\\');
                if (++i < parts.Length) result.AddRange(Encoding.UTF8.GetBytes(parts[i]));
                continue;
            }
            int skip = 1;
            switch (part[0])
            {
                case 'r': result.Add((byte)'\r'); break;
                case 'n': result.Add((byte)'\n'); break;
                case 't': result.Add((byte)'\t'); break;
                case 'x': result.Add(Convert.FromHexString(part.AsSpan(1, 2))[0]); skip = 3; break;
            }
            result.AddRange(Encoding.UTF8.GetBytes(part[skip..]));
        }
        return [.. result];
    }

    /// <summary>Every recorded transcript of the repository (ImapLib.Tests/Transcripts).</summary>
    public static IEnumerable<(string name, Transcript transcript)> Recorded(string repository)
    {
        string root = Path.Combine(repository, "ImapLib.Tests", "Transcripts");
        if (!Directory.Exists(root)) yield break;
        foreach (var file in Directory.GetFiles(root, "*.imap", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '-')[..^5];
            yield return (name, Transcript.Load(file));
        }
    }
}
