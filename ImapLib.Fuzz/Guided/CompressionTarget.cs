using System.IO.Compression;
using System.Text;
using ImapLib.Fuzzing;
using static ImapLib.Fuzz.Guided.Session;

namespace ImapLib.Fuzz.Guided;

/// <summary>
/// Target 4, COMPRESS=DEFLATE: a fixed greeting, LOGIN and an OK to COMPRESS, then the input's segments (split at
/// 0x1E) answer NOOP, SELECT, UID FETCH, IDLE, SEARCH and LOGOUT through the deflate layer. Above the layer the
/// segments are protocol text that the harness compresses; below it, the compressed stream itself is changed by
/// the edits after a 0x1D byte: records of three bytes (offset, high then low byte; an operation; a value) that
/// flip bits, insert a byte, or cut the stream there, at that offset of the stream.
/// </summary>
public sealed class CompressionTarget() : FuzzTarget("compress",
    "COMPRESS=DEFLATE: responses mutated above the deflate layer, and the compressed stream below it")
{
    public const byte EditsMark = 0x1d;

    private static readonly byte[][] Prelude =
    [
        "* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE COMPRESS=DEFLATE] ready\r\n"u8.ToArray(),
        Encoding.ASCII.GetBytes($"{Tag} OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE COMPRESS=DEFLATE] Logged in\r\n"),
        Encoding.ASCII.GetBytes($"{Tag} OK DEFLATE active\r\n"),
    ];

    public override void Run(byte[] input)
    {
        int mark = Array.IndexOf(input, EditsMark);
        var segments = Split(mark < 0 ? input : input.AsSpan(0, mark));
        byte[] edits = mark < 0 ? [] : input[(mark + 1)..];
        var stream = new ScriptStream([.. Prelude, .. segments], edits.Length == 0 ? null : (offset, chunk) => Edit(edits, offset, chunk));
        Session.Run(stream, [Login, Compress, .. Compressed]);
    }

    /// <summary>Applies the edits that fall in this chunk of the compressed stream.</summary>
    private static byte[] Edit(byte[] edits, long offset, byte[] chunk)
    {
        var bytes = new List<byte>(chunk);
        int cut = -1;
        for (int i = 0; i + 2 < edits.Length; i += 3)
        {
            long at = ((edits[i] << 8) | edits[i + 1]) - offset;
            byte op = edits[i + 2];
            if (at < 0 || at >= bytes.Count) continue;
            switch (op & 3)
            {
                case 0: bytes[(int)at] ^= (byte)(op | 1); break;
                case 1: bytes.Insert((int)at, (byte)(op >> 2)); break;
                case 2: cut = cut < 0 ? (int)at : Math.Min(cut, (int)at); break;
                default: bytes[(int)at] = (byte)(op >> 2); break;
            }
        }
        return cut < 0 ? [.. bytes] : [.. bytes.Take(cut)];
    }

    /// <summary>Per recorded transcript with a COMPRESS, its answers after the switch; each once as it is (above)
    /// and once with an edit below the layer: a flipped byte, and a cut, in the first compressed block.</summary>
    public override IEnumerable<(string name, byte[] input)> Seeds(string repository)
    {
        var none = new Dictionary<string, byte[]>();
        var plain = Join(Seed(Compressed, none, ResponsePathTarget.Defaults));
        yield return ("default", plain);
        yield return ("default-flip", [.. plain, EditsMark, 0, 6, 0x10]);
        yield return ("default-cut", [.. plain, EditsMark, 0, 9, 2]);
        foreach (var (name, transcript) in Recorded(repository))
        {
            var responses = Responses(transcript);
            if (!responses.Keys.Any(k => k.StartsWith('+'))) continue;
            var after = responses.Where(r => r.Key.StartsWith('+')).ToDictionary(r => r.Key[1..], r => r.Value);
            var seed = Join(Seed(Compressed, after, ResponsePathTarget.Defaults));
            yield return (name, seed);
            yield return (name + "-flip", [.. seed, EditsMark, 0, 3, 0x40]);
        }
    }
}
