using System.Text;

namespace ImapLib.Testing;

/// <summary>A hole in a transcript's bytes: where the tag of the current command, or a secret, goes.</summary>
internal enum Hole
{
    /// <summary>Plain bytes, no hole.</summary>
    None,

    /// <summary><c>{tag}</c>: the tag of the command being answered (client side: any tag, which then becomes it).</summary>
    Tag,

    /// <summary><c>{secret}</c>: a password or SASL answer the client sends; any one IMAP string matches.</summary>
    Secret,
}

/// <summary>A run of bytes, or a hole (<see cref="Hole"/>) whose bytes are known only when the session runs.</summary>
internal readonly record struct Segment(byte[] Bytes, Hole Hole)
{
    public static Segment Of(ReadOnlySpan<byte> bytes) => new(bytes.ToArray(), Hole.None);

    /// <summary>The placeholder text of a hole as it is written in a transcript.</summary>
    public static string Placeholder(Hole hole) => hole == Hole.Tag ? "{tag}" : "{secret}";
}

/// <summary>
/// The framing rule both sides of a conversation share: a line (up to CRLF) that ends with a literal announcement,
/// <c>{n}</c>, <c>{n+}</c>, <c>{n-}</c> or the literal8 forms <c>~{n}</c>…, is followed by exactly n bytes of
/// literal, after which the line goes on. Walks one direction's bytes in order and says, for each byte, whether it
/// is part of a literal; holes are never inside a literal (their text is then plain bytes).
/// </summary>
internal sealed class LiteralFramer
{
    private long _literalLeft;
    private readonly List<byte> _lineTail = [];   // the line since the last literal ended, to find an announcement
    private bool _lastWasCR;
    private bool _literalBegun;   // a byte of the announced literal was fed

    /// <summary>Bytes of a literal still to come.</summary>
    public long LiteralLeft => _literalLeft;

    /// <summary>True when the last byte fed was a line's CR (so an LF next ends the line).</summary>
    public bool AfterCR => _lastWasCR;

    /// <summary>How many of <paramref name="bytes"/>, from the start, belong to the literal now being read.</summary>
    public int LiteralPrefix(ReadOnlySpan<byte> bytes) => (int)Math.Min(_literalLeft, bytes.Length);

    /// <summary>Feeds bytes that belong to the literal being read.</summary>
    public void FeedLiteral(ReadOnlySpan<byte> bytes)
    {
        _literalLeft -= bytes.Length;
        _literalBegun = true;
        if (bytes.Length > 0) _lastWasCR = bytes[^1] == '\r';
        if (_literalLeft == 0) _lineTail.Clear();
    }

    /// <summary>Feeds bytes of a line (not of a literal); returns the offset just after the first LF that ends a
    /// line (CRLF) — after which a literal may start — or -1 when the bytes hold no line end.</summary>
    public int FeedLine(ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            if (b == '\n' && _lastWasCR)
            {
                _lastWasCR = false;
                if (_lineTail.Count > 0) _lineTail.RemoveAt(_lineTail.Count - 1);   // the CR
                _literalLeft = Announced(_lineTail);
                _literalBegun = false;
                _lineTail.Clear();
                return i + 1;
            }
            _lastWasCR = b == '\r';
            _lineTail.Add(b);
        }
        return -1;
    }

    /// <summary>The command was answered before any byte of the literal it announced: a server's NO or BAD instead of
    /// the continuation of a synchronising literal. The client never sends that literal.</summary>
    public void CancelUnsentLiteral()
    {
        if (!_literalBegun) _literalLeft = 0;
    }

    /// <summary>Feeds a hole in line text: it can never be part of an announcement.</summary>
    public void FeedHole()
    {
        _lastWasCR = false;
        _lineTail.Add(0);
    }

    /// <summary>The size a line ending announces, or 0.</summary>
    private static long Announced(List<byte> line)
    {
        int end = line.Count;
        if (end < 3 || line[end - 1] != '}') return 0;
        int i = end - 2;
        if (line[i] is (byte)'+' or (byte)'-') i--;
        int digitsEnd = i + 1;
        while (i >= 0 && line[i] is >= (byte)'0' and <= (byte)'9') i--;
        if (i < 0 || line[i] != '{' || digitsEnd - i - 1 is 0 or > 12) return 0;
        long size = 0;
        for (int d = i + 1; d < digitsEnd; d++) size = size * 10 + (line[d] - '0');
        return size;
    }
}

/// <summary>The text forms of a record's bytes: plain (UTF-8 text, CRLF implied) and escaped.</summary>
internal static class RecordText
{
    /// <summary>True when <paramref name="bytes"/> (a whole line without its CRLF) can be written as plain text: valid
    /// UTF-8, no control characters, no whitespace at the end (editors strip it), no text that reads as a hole.</summary>
    public static bool CanBePlain(ReadOnlySpan<byte> bytes, bool holesPossible)
    {
        if (bytes.Length > 0 && bytes[^1] is (byte)' ' or (byte)'\t') return false;
        string text;
        try { text = Strict.GetString(bytes); }
        catch (DecoderFallbackException) { return false; }
        foreach (char c in text)
        {
            if (!IsPrintable(c)) return false;
        }
        return !holesPossible || !LooksLikeHole(text);
    }

    /// <summary>Writes bytes in the escaped form: printable UTF-8 as it is, <c>\\</c> for a backslash, <c>\r</c>,
    /// <c>\n</c>, <c>\t</c>, and <c>\xHH</c> for any other byte; a brace that would read as a hole becomes <c>\x7b</c>.</summary>
    public static void AppendEscaped(StringBuilder text, ReadOnlySpan<byte> bytes, bool holesPossible)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            byte b = bytes[i];
            if (b < 0x80)
            {
                switch (b)
                {
                    case (byte)'\\': text.Append(@"\\"); break;
                    case (byte)'\r': text.Append(@"\r"); break;
                    case (byte)'\n': text.Append(@"\n"); break;
                    case (byte)'\t': text.Append(@"\t"); break;
                    case (byte)'{' when holesPossible && StartsHole(bytes[i..]): text.Append(@"\x7b"); break;
                    default:
                        if (b is < 0x20 or 0x7f) text.Append(@"\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                        else text.Append((char)b);
                        break;
                }
                i++;
                continue;
            }
            int length = SequenceLength(bytes[i..]);
            string? ch = null;
            if (length > 0)
            {
                try { ch = Strict.GetString(bytes.Slice(i, length)); }
                catch (DecoderFallbackException) { ch = null; }
            }
            if (ch is not null && ch.All(IsPrintable))
            {
                text.Append(ch);
                i += length;
            }
            else
            {
                text.Append(@"\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                i++;
            }
        }
    }

    /// <summary>UTF-8 that refuses invalid bytes instead of replacing them.</summary>
    public static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool IsPrintable(char c) =>
        !(c < 0x20 || c is '\x7f' || c is >= '\x80' and <= '\x9f' || c is '\u2028' or '\u2029' or '\ufeff');

    private static bool LooksLikeHole(string text) =>
        text.Contains("{tag}", StringComparison.Ordinal) || text.Contains("{secret}", StringComparison.Ordinal);

    private static bool StartsHole(ReadOnlySpan<byte> bytes) => bytes.StartsWith("{tag}"u8) || bytes.StartsWith("{secret}"u8);

    private static int SequenceLength(ReadOnlySpan<byte> bytes)
    {
        byte b = bytes[0];
        int length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
        return length <= bytes.Length ? length : 0;
    }
}

/// <summary>The one token rule the kit needs on client lines: where an IMAP string (a password, a SASL answer) ends.</summary>
internal static class Tokens
{
    /// <summary>The length of the IMAP string at the start of <paramref name="text"/>: a quoted string with its
    /// escapes, or the bytes up to a space or the line's CR.</summary>
    public static int StringLength(ReadOnlySpan<byte> text)
    {
        if (text.Length > 0 && text[0] == '"')
        {
            for (int i = 1; i < text.Length; i++)
            {
                if (text[i] == '\\') i++;
                else if (text[i] == '"') return i + 1;
            }
        }
        int end = text.IndexOfAny((byte)' ', (byte)'\r');
        return end < 0 ? text.Length : end;
    }
}
