using System.Text;
using ImapLib.Testing;

namespace ImapLib.Fuzz.Guided;

/// <summary>
/// Target 3, the test kit's transcript format: any text either parses or raises
/// <see cref="TranscriptFormatException"/>, and what parses comes back the same from <c>Parse(t.ToString())</c>:
/// the same text and the same steps (kind, line, text). The input is UTF-8 text, or UTF-16 (little-endian) after a
/// FE FF mark, which reaches unpaired surrogates.
/// </summary>
public sealed class TranscriptTarget() : FuzzTarget("transcript",
    "ImapLib.Testing's Transcript.Parse and its round trip through ToString")
{
    public override void Run(byte[] input)
    {
        string text = input is [0xfe, 0xff, ..] ? Encoding.Unicode.GetString(input, 2, input.Length - 2) : Encoding.UTF8.GetString(input);
        Transcript first;
        try { first = Transcript.Parse(text); }
        catch (TranscriptFormatException) { return; }
        string written = first.ToString();
        Transcript second;
        try { second = Transcript.Parse(written); }
        catch (TranscriptFormatException e) { throw new Finding($"round trip: ToString() of a parsed transcript does not parse: {e.Message}"); }
        if (second.ToString() != written) throw new Finding("round trip: Parse(t.ToString()).ToString() differs from t.ToString()");
        if (second.Steps.Count != first.Steps.Count)
            throw new Finding($"round trip: {first.Steps.Count} steps became {second.Steps.Count}");
        for (int i = 0; i < first.Steps.Count; i++)
        {
            var (a, b) = (first.Steps[i], second.Steps[i]);
            if (a.Kind != b.Kind || a.LineNumber != b.LineNumber || a.Text != b.Text)
                throw new Finding($"round trip: step {i} was {a.Kind} {a} and became {b.Kind} {b}");
        }
    }

    public override IEnumerable<(string name, byte[] input)> Seeds(string repository)
    {
        foreach (var (name, transcript) in Session.Recorded(repository))
            yield return (name, Encoding.UTF8.GetBytes(transcript.ToString()));
    }
}
