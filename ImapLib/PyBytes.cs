using System.Text;

namespace ImapLib;

/// <summary>
/// The few Python <c>bytes</c> methods that imaplib scripts call on what they get back
/// (<c>data[0].split()</c>, <c>num.decode()</c>, <c>b",".join(nums)</c>), as extension methods on <c>byte[]</c>.
/// </summary>
public static class PyBytes
{
    /// <summary>Python's <c>bytes.split()</c>: the runs of non-white-space bytes (ASCII white space separates).</summary>
    public static List<byte[]> split(this byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var parts = new List<byte[]>();
        int i = 0;
        while (i < bytes.Length)
        {
            while (i < bytes.Length && IsSpace(bytes[i])) i++;
            int start = i;
            while (i < bytes.Length && !IsSpace(bytes[i])) i++;
            if (i > start) parts.Add(bytes[start..i]);
        }
        return parts;
    }

    /// <summary>Python's <c>bytes.split(sep)</c>: every piece between occurrences of <paramref name="sep"/>.</summary>
    public static List<byte[]> split(this byte[] bytes, string sep)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentException.ThrowIfNullOrEmpty(sep);
        byte[] separator = Encoding.UTF8.GetBytes(sep);
        var parts = new List<byte[]>();
        ReadOnlySpan<byte> rest = bytes;
        int at;
        while ((at = rest.IndexOf(separator)) >= 0)
        {
            parts.Add(rest[..at].ToArray());
            rest = rest[(at + separator.Length)..];
        }
        parts.Add(rest.ToArray());
        return parts;
    }

    /// <summary>Python's <c>bytes.decode()</c>: UTF-8, with U+FFFD for invalid sequences.</summary>
    public static string decode(this byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Python's <c>bytes.decode(encoding)</c> for the encodings imaplib uses
    /// (<c>"ascii"</c>, <c>"utf-8"</c>, <c>"latin-1"</c>) and any name .NET knows.</summary>
    public static string decode(this byte[] bytes, string encoding) => encoding.ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => Encoding.UTF8.GetString(bytes),
        "latin-1" or "latin1" or "iso-8859-1" => Encoding.Latin1.GetString(bytes),
        "ascii" or "us-ascii" => Encoding.ASCII.GetString(bytes),
        _ => Encoding.GetEncoding(encoding).GetString(bytes),
    };

    /// <summary>Python's <c>sep.join(parts)</c> for byte strings: <c>b",".join(nums)</c> is <c>PyBytes.join(",", nums)</c>.</summary>
    public static byte[] join(string sep, IEnumerable<byte[]> parts)
    {
        byte[] separator = Encoding.UTF8.GetBytes(sep);
        var result = new List<byte>();
        bool first = true;
        foreach (var part in parts)
        {
            if (!first) result.AddRange(separator);
            result.AddRange(part);
            first = false;
        }
        return result.ToArray();
    }

    /// <summary>Python's <c>bytes.hex()</c>: lower-case hexadecimal digits.</summary>
    public static string hex(this byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0b or 0x0c;
}
