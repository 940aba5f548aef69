using System.Text;

namespace ImapLib.Fuzz.Guided;

/// <summary>The encoder target's input, read front to back; past its end every byte reads as 0.</summary>
public sealed class Input(byte[] bytes)
{
    private int _at;

    public bool End => _at >= bytes.Length;

    public byte Byte() => _at < bytes.Length ? bytes[_at++] : (byte)0;

    public byte[] Take(int n)
    {
        var taken = bytes.AsSpan(Math.Min(_at, bytes.Length), Math.Min(n, Math.Max(bytes.Length - _at, 0))).ToArray();
        _at += n;
        return taken;
    }

    public byte[] Bytes() => Take(Byte() % 64);

    public uint UInt() => BitConverter.ToUInt32([.. Take(4), 0, 0, 0, 0]);

    /// <summary>A value: kind, length, bytes. Text from UTF-8, from UTF-16 units (unpaired surrogates included) or
    /// from Latin-1; a byte string; or a number.</summary>
    public Value Value()
    {
        int kind = Byte() % 5;
        int length = Byte() % 48;
        return kind switch
        {
            0 => new Value(Encoding.UTF8.GetString(Take(length)), null, null),
            1 => new Value(new string(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, char>(Take(2 * length)).ToArray()), null, null),
            2 => new Value(null, Take(length), null),
            3 => new Value(Encoding.Latin1.GetString(Take(length)), null, null),
            _ => new Value(null, null, (long)UInt() - (length % 2 == 0 ? 0 : 1L << 31)),
        };
    }

    /// <summary>A structured sequence set: one to three elements, each a number (32-bit, or up to 40-bit), a
    /// (first, last) pair whose last is * when 0, or a range first..last (open when last is 0).</summary>
    public SetValue Set()
    {
        int count = Byte() % 3 + 1;
        var items = new List<object?>();
        for (int i = 0; i < count; i++)
        {
            switch (Byte() % 4)
            {
                case 0: items.Add((long)UInt()); break;
                case 1:
                    long first = UInt(), last = UInt();
                    items.Add(last == 0 ? (first, (long?)null) : (first, (long?)last));
                    break;
                case 2:
                    int start = (ushort)UInt(), end = (ushort)UInt();
                    items.Add(end == 0 ? new Range(start, Index.End) : new Range(start, end));
                    break;
                default: items.Add(((long)Byte() << 32) | UInt()); break;
            }
        }
        return new SetValue([.. items]);
    }
}

/// <summary>A value the input chose: text, bytes or a number.</summary>
public sealed record Value(string? Text, byte[]? Bytes, long? Number)
{
    public ImapArg Arg => Text is { } t ? t : Bytes is { } b ? b : Number!.Value;

    public object Object => Text ?? (object?)Bytes ?? Number!.Value;

    /// <summary>The bytes the caller means: text as UTF-8 (as ASCII it is the same, and non-ASCII text must then be
    /// refused); text that has no UTF-8 form (an unpaired surrogate) gives a NUL, which no parsed value holds.</summary>
    public byte[] Encoded(bool utf8)
    {
        _ = utf8;
        if (Bytes is { } b) return b;
        if (Number is { } n) return Encoding.ASCII.GetBytes(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(Text!); }
        catch (EncoderFallbackException) { return [0]; }
    }
}

/// <summary>A structured sequence set and the numbers it denotes.</summary>
public sealed record SetValue(object?[] Items)
{
    public ImapArg Arg => Items;

    public IReadOnlyList<(long first, long last)> Intervals => Items.Select(Interval).ToList();

    private static (long, long) Interval(object? item) => item switch
    {
        long n => (n, n),
        ValueTuple<long, long?> pair => (pair.Item1, pair.Item2 ?? Sets.Star),
        Range r when r.End.IsFromEnd => (Math.Max(r.Start.Value, 1), Sets.Star),   // 0.. is every message: 1:*
        Range r => (r.Start.Value, r.End.Value - 1),
        _ => (0, 0),
    };

    public override string ToString() => string.Join(",", Intervals.Select(i => $"{i.first}:{i.last}"));
}

/// <summary>RFC 3501 sequence sets, read strictly.</summary>
public static class Sets
{
    /// <summary>"*", the largest number in use.</summary>
    public const long Star = long.MaxValue;

    /// <summary>The intervals of <c>sequence-set</c>, or null when the bytes are not one (a number of 0, above
    /// 4,294,967,295, with a leading zero, an empty element).</summary>
    public static List<(long first, long last)>? Parse(byte[] text)
    {
        var result = new List<(long, long)>();
        foreach (var element in Encoding.ASCII.GetString(text).Split(','))
        {
            var bounds = element.Split(':');
            if (bounds.Length > 2) return null;
            long? first = Number(bounds[0]), last = bounds.Length == 2 ? Number(bounds[1]) : first;
            if (first is null || last is null) return null;
            result.Add((first.Value, last.Value));
        }
        return result;
    }

    private static long? Number(string s)
    {
        if (s == "*") return Star;
        if (s.Length is 0 or > 10 || s[0] == '0' || !s.All(char.IsAsciiDigit)) return null;
        long n = long.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        return n <= uint.MaxValue ? n : null;
    }

    /// <summary>True when both denote the same numbers (a:b is b:a; overlaps and order do not matter).</summary>
    public static bool Same(IReadOnlyList<(long first, long last)> a, IReadOnlyList<(long first, long last)> b) =>
        Normal(a).SequenceEqual(Normal(b));

    private static List<(long, long)> Normal(IReadOnlyList<(long first, long last)> intervals)
    {
        var merged = new List<(long lo, long hi)>();
        foreach (var (lo, hi) in intervals.Select(i => (Math.Min(i.first, i.last), Math.Max(i.first, i.last))).OrderBy(i => i.Item1))
        {
            if (merged.Count > 0 && lo <= merged[^1].hi + 1 && merged[^1].hi != Star)
                merged[^1] = (merged[^1].lo, Math.Max(merged[^1].hi, hi));
            else if (merged.Count > 0 && merged[^1].hi == Star)
                continue;
            else
                merged.Add((lo, hi));
        }
        return merged;
    }
}

/// <summary>
/// Mailbox names in modified UTF-7 (RFC 3501 section 5.1.3), decoded strictly for the encoder target, independently
/// of ImapLib's encoder: printable ASCII stands for itself (and must not be encoded), <c>&amp;-</c> is <c>&amp;</c>,
/// anything else is <c>&amp;</c>, modified base64 (<c>,</c> for <c>/</c>, no padding) of UTF-16 with zero bits
/// left over, then <c>-</c>; the UTF-16 must be well formed (no unpaired surrogate).
/// </summary>
public static class MailboxNames
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    public static string? Decode(byte[] name)
    {
        var text = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            byte b = name[i];
            if (b is < 0x20 or > 0x7e) return null;
            if (b != '&')
            {
                text.Append((char)b);
                continue;
            }
            int end = Array.IndexOf(name, (byte)'-', i + 1);
            if (end < 0) return null;
            if (end == i + 1)
            {
                text.Append('&');
                i = end;
                continue;
            }
            int bits = 0, buffer = 0;
            for (int j = i + 1; j < end; j++)
            {
                int v = Alphabet.IndexOf((char)name[j]);
                if (v < 0) return null;
                buffer = (buffer << 6) | v;
                bits += 6;
                if (bits < 16) continue;
                bits -= 16;
                char c = (char)((buffer >> bits) & 0xffff);
                if (c is >= (char)0x20 and <= (char)0x7e) return null;
                text.Append(c);
            }
            if (bits >= 6 || (buffer & ((1 << bits) - 1)) != 0) return null;
            i = end;
        }
        string result = text.ToString();
        for (int i = 0; i < result.Length; i++)
        {
            if (char.IsHighSurrogate(result[i]) && i + 1 < result.Length && char.IsLowSurrogate(result[i + 1])) i++;
            else if (char.IsSurrogate(result[i])) return null;
        }
        return result;
    }
}
