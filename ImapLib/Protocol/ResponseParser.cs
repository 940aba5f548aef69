namespace ImapLib;

/// <summary>
/// Recognises the shapes of response lines, exactly as Python's imaplib regular expressions do
/// (<c>tagre</c>, <c>Untagged_response</c>, <c>Untagged_status</c>, <c>Continuation</c>, <c>Literal</c>,
/// <c>Response_code</c>), but over bytes without a regex engine. Each method answers one question
/// about one line and never throws on malformed input.
/// </summary>
internal static class ResponseParser
{
    /// <summary>A tagged completion: <c>TAG OK text</c>. Python: <c>(?P&lt;tag&gt;PRE\d+) (?P&lt;type&gt;[A-Z]+) (?P&lt;data&gt;.*)</c>,
    /// and also <c>TAG OK</c> with no text at all (empty data), which some servers send and CPython's pattern misses.</summary>
    public static bool TryTagged(byte[] line, byte[] tagPrefix, out PyBytes tag, out string type, out byte[] data)
    {
        tag = default;
        type = "";
        data = [];
        ReadOnlySpan<byte> span = line;
        if (!span.StartsWith(tagPrefix)) return false;
        int i = tagPrefix.Length;
        int digits = i;
        while (i < span.Length && char.IsAsciiDigit((char)span[i])) i++;
        if (i == digits || i >= span.Length || span[i] != ' ') return false;
        int tagEnd = i++;
        int typeStart = i;
        while (i < span.Length && char.IsAsciiLetterUpper((char)span[i])) i++;
        if (i == typeStart || (i < span.Length && span[i] != ' ')) return false;
        tag = span[..tagEnd];
        type = System.Text.Encoding.ASCII.GetString(span[typeStart..i]);
        data = i < span.Length ? span[(i + 1)..].ToArray() : [];
        return true;
    }

    /// <summary>
    /// An untagged response: <c>* TYPE[ data]</c>, or <c>* n TYPE[ data2]</c> (then data is <c>n</c> plus
    /// <c>" " + data2</c> when data2 is not empty). Python's <c>Untagged_response</c> then <c>Untagged_status</c>.
    /// </summary>
    public static bool TryUntagged(byte[] line, out string type, out byte[] data)
    {
        type = "";
        data = [];
        ReadOnlySpan<byte> span = line;
        if (span.Length < 3 || span[0] != '*' || span[1] != ' ') return false;
        int i = 2;
        if (TypeAt(span, i, out int typeEnd))
        {
            type = System.Text.Encoding.ASCII.GetString(span[i..typeEnd]);
            data = typeEnd < span.Length && span[typeEnd] == ' ' ? span[(typeEnd + 1)..].ToArray() : [];
            return true;
        }
        int numberStart = i;
        while (i < span.Length && char.IsAsciiDigit((char)span[i])) i++;
        if (i == numberStart || i >= span.Length || span[i] != ' ') return false;
        var number = span[numberStart..i];
        if (!TypeAt(span, i + 1, out typeEnd)) return false;
        type = System.Text.Encoding.ASCII.GetString(span[(i + 1)..typeEnd]);
        var data2 = typeEnd < span.Length && span[typeEnd] == ' ' ? span[(typeEnd + 1)..] : [];
        if (data2.IsEmpty)
        {
            data = number.ToArray();
        }
        else
        {
            data = new byte[number.Length + 1 + data2.Length];
            number.CopyTo(data);
            data[number.Length] = (byte)' ';
            data2.CopyTo(data.AsSpan(number.Length + 1));
        }
        return true;
    }

    /// <summary>A continuation request: <c>+</c>, optionally followed by <c>" " data</c> (data is null without it).</summary>
    public static bool TryContinuation(byte[] line, out byte[]? data)
    {
        data = null;
        if (line.Length == 0 || line[0] != '+') return false;
        if (line.Length > 1 && line[1] == ' ') data = line[2..];
        return true;
    }

    /// <summary>
    /// The size of the literal announced at the end of a line (<c>... {123}</c>), or -1 when there is none.
    /// A size too large for one array is reported as <see cref="long.MaxValue"/> so the caller refuses it.
    /// </summary>
    public static long LiteralSize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 3 || data[^1] != '}') return -1;
        int i = data.Length - 2;
        while (i >= 0 && char.IsAsciiDigit((char)data[i])) i--;
        if (i < 0 || i == data.Length - 2 || data[i] != '{') return -1;
        var digits = data[(i + 1)..^1];
        long size = 0;
        foreach (byte d in digits)
        {
            if (size > (long.MaxValue - 9) / 10) return long.MaxValue;
            size = size * 10 + (d - '0');
        }
        return size;
    }

    /// <summary>
    /// A bracketed response code at the start of the text: <c>[TYPE]</c> or <c>[TYPE data]</c>, where data runs to
    /// the last <c>]</c> of the line (Python tolerates <c>]</c> inside flags, see CPython issue 21815).
    /// </summary>
    public static bool TryResponseCode(ReadOnlySpan<byte> text, out string type, out byte[] data)
    {
        type = "";
        data = [];
        if (text.Length < 3 || text[0] != '[' || !TypeAt(text, 1, out int typeEnd) || typeEnd >= text.Length) return false;
        if (text[typeEnd] == ' ')
        {
            int close = text.LastIndexOf((byte)']');
            if (close > typeEnd)
            {
                type = System.Text.Encoding.ASCII.GetString(text[1..typeEnd]);
                data = text[(typeEnd + 1)..close].ToArray();
                return true;
            }
            return false;
        }
        if (text[typeEnd] != ']') return false;
        type = System.Text.Encoding.ASCII.GetString(text[1..typeEnd]);
        return true;
    }

    /// <summary>The parenthesis depth after <paramref name="data"/>, starting from <paramref name="depth"/>;
    /// parentheses inside quoted strings do not count (CPython's <c>_paren_depth</c>).</summary>
    public static int ParenDepth(ReadOnlySpan<byte> data, int depth)
    {
        bool quoted = false;
        for (int i = 0; i < data.Length; i++)
        {
            byte b = data[i];
            if (quoted)
            {
                if (b == '\\') i++;
                else if (b == '"') quoted = false;
            }
            else if (b == '"') quoted = true;
            else if (b == '(') depth++;
            else if (b == ')') depth--;
        }
        return depth;
    }

    /// <summary>A run of one or more <c>[A-Z-]</c> starting at <paramref name="start"/>.</summary>
    private static bool TypeAt(ReadOnlySpan<byte> span, int start, out int end)
    {
        end = start;
        while (end < span.Length && (char.IsAsciiLetterUpper((char)span[end]) || span[end] == '-')) end++;
        return end > start;
    }
}
