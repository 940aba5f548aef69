using ImapLib.Fuzzing;

namespace ImapLib.Fuzz.Guided;

/// <summary>Blind random mutation of a seed (AFL's havoc stage without its feedback): the baseline that the guided
/// runs are measured against.</summary>
public static class Havoc
{
    public static byte[] Mutate(FuzzRandom r, IReadOnlyList<byte[]> seeds)
    {
        var data = new List<byte>(r.Pick(seeds));
        int edits = 1 << r.Range(0, 4);
        for (int e = 0; e < edits; e++)
        {
            int at = r.Int(data.Count + 1);
            switch (r.Int(7))
            {
                case 0 when at < data.Count: data[at] ^= (byte)(1 << r.Int(8)); break;
                case 1 when at < data.Count: data[at] = (byte)r.Int(256); break;
                case 2: data.InsertRange(at, r.Bytes(r.Range(1, 8))); break;
                case 3 when at < data.Count: data.RemoveRange(at, Math.Min(r.Range(1, 16), data.Count - at)); break;
                case 4 when at < data.Count:
                    int len = Math.Min(r.Range(1, 32), data.Count - at);
                    data.InsertRange(r.Int(data.Count + 1), data.GetRange(at, len));
                    break;
                case 5:
                    var other = r.Pick(seeds);
                    int from = r.Int(other.Length + 1);
                    data.InsertRange(at, other.AsSpan(from, Math.Min(r.Range(1, 64), other.Length - from)).ToArray());
                    break;
                default:
                    if (at < data.Count) data[at] = r.Pick(Interesting);
                    break;
            }
        }
        return [.. data];
    }

    private static readonly byte[] Interesting = [0, 1, 0x1e, (byte)' ', (byte)'\r', (byte)'\n', (byte)'{', (byte)'}', (byte)'(', (byte)')', (byte)'"', (byte)'\\', (byte)'*', (byte)'+', 0x7f, 0x80, 0xff];
}
