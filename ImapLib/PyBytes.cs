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

/// <summary>Python's <c>repr()</c> of the values imaplib shows in messages and debug output.</summary>
internal static class PyRepr
{
    /// <summary>Python's <c>repr(bytes)</c>: <c>b'...'</c> with Python's choice of quote and escapes.</summary>
    public static string Of(ReadOnlySpan<byte> bytes)
    {
        char quote = bytes.Contains((byte)'\'') && !bytes.Contains((byte)'"') ? '"' : '\'';
        var text = new StringBuilder(bytes.Length + 3);
        text.Append('b').Append(quote);
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\\': text.Append(@"\\"); break;
                case (byte)'\t': text.Append(@"\t"); break;
                case (byte)'\n': text.Append(@"\n"); break;
                case (byte)'\r': text.Append(@"\r"); break;
                default:
                    if (b == quote) text.Append('\\').Append(quote);
                    else if (b < 0x20 || b >= 0x7f) text.Append(@"\x").Append(b.ToString("x2"));
                    else text.Append((char)b);
                    break;
            }
        }
        return text.Append(quote).ToString();
    }

    /// <summary>Python's <c>repr()</c> of one data element (None, bytes, tuple or list).</summary>
    public static string Of(ImapItem? item)
    {
        if (item is null) return "None";
        if (item.IsBytes) return Of(item.Bytes);
        if (item.IsPair) return $"({Of(item.Header)}, {Of(item.Body)})";
        return Of(item.Items);
    }

    /// <summary>Python's <c>repr()</c> of a list of data elements: <c>[b'1', None]</c>.</summary>
    public static string Of(IEnumerable<ImapItem?> items) => "[" + string.Join(", ", items.Select(Of)) + "]";

    /// <summary>Python's <c>repr()</c> of a str: <c>'text'</c>.</summary>
    public static string Of(string text)
    {
        char quote = text.Contains('\'') && !text.Contains('"') ? '"' : '\'';
        var result = new StringBuilder(text.Length + 2).Append(quote);
        foreach (char c in text)
        {
            if (c == '\\') result.Append(@"\\");
            else if (c == quote) result.Append('\\').Append(quote);
            else if (c == '\n') result.Append(@"\n");
            else if (c == '\r') result.Append(@"\r");
            else if (c == '\t') result.Append(@"\t");
            else if (c < 0x20 || c == 0x7f) result.Append(@"\x").Append(((int)c).ToString("x2"));
            else result.Append(c);
        }
        return result.Append(quote).ToString();
    }
}
