using System.Text;

namespace ImapLib;

/// <summary>
/// How arguments become command bytes: encoding, the refusal of bytes that would end or split a
/// command line, and IMAP's quoting rules (RFC 3501 section 9 and RFC 9051 section 9).
/// </summary>
internal static class Wire
{
    /// <summary>Encodes text as the connection does: ASCII until UTF-8 is enabled, as Python's imaplib.</summary>
    public static byte[] Encode(string text, bool utf8)
    {
        if (utf8) return Encoding.UTF8.GetBytes(text);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] > 0x7f)
                throw new ArgumentException(
                    $"'ascii' codec can't encode character {PyRepr.Of(text[i].ToString())} in position {i}: " +
                    "IMAP arguments are ASCII unless UTF8=ACCEPT is enabled");
        }
        return Encoding.ASCII.GetBytes(text);
    }

    /// <summary>
    /// Refuses NUL, CR and LF: they cannot appear in any argument that is sent inline, and a CR/LF would
    /// let a value smuggle a second command onto the wire. Nothing has been sent when this throws.
    /// </summary>
    public static byte[] Checked(byte[] argument)
    {
        int bad = argument.AsSpan().IndexOfAny((byte)0, (byte)'\r', (byte)'\n');
        if (bad >= 0)
            throw new ArgumentException(
                $"IMAP argument holds a {Describe(argument[bad])} byte at position {bad}; refusing to send it");
        return argument;
    }

    /// <summary>
    /// An astring (mailbox names, user names, ACL identifiers): sent as it is when it is an atom or already one
    /// well-formed quoted string, otherwise quoted. With <paramref name="listWildcards"/> the LIST/LSUB
    /// wildcards <c>%</c> and <c>*</c> may stay unquoted (RFC 3501 list-mailbox).
    /// </summary>
    public static byte[] Astring(byte[] argument, bool listWildcards = false)
    {
        Checked(argument);
        if (argument.Length > 0 && (IsAtom(argument, listWildcards) || IsQuotedString(argument)))
            return argument;
        return Quote(argument);
    }

    /// <summary><see cref="Astring"/> on text that is still to be encoded (non-ASCII characters are quoted, not
    /// refused), for values substituted into a criteria string.</summary>
    public static string AstringText(string text)
    {
        var ascii = Encoding.ASCII.GetBytes(text);
        bool plainAscii = text.All(c => c < 0x80);
        if (plainAscii && text.Length > 0 && (IsAtom(ascii, listWildcards: false) || IsQuotedString(ascii)))
            return text;
        if (text.IndexOfAny(['\0', '\r', '\n']) >= 0) Checked(Encoding.UTF8.GetBytes(text));
        return "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }

    /// <summary>Always quotes (Python's <c>_quote</c>, used for the LOGIN password).</summary>
    public static byte[] Quote(byte[] argument)
    {
        Checked(argument);
        var quoted = new List<byte>(argument.Length + 8) { (byte)'"' };
        foreach (byte b in argument)
        {
            if (b is (byte)'"' or (byte)'\\') quoted.Add((byte)'\\');
            quoted.Add(b);
        }
        quoted.Add((byte)'"');
        return quoted.ToArray();
    }

    /// <summary>True when the bytes are exactly one quoted string: a quote, then characters other than quote and
    /// backslash or backslash-escaped characters, then a closing quote (CPython's <c>_quoted</c>).</summary>
    public static bool IsQuotedString(ReadOnlySpan<byte> argument)
    {
        if (argument.Length < 2 || argument[0] != '"' || argument[^1] != '"') return false;
        var inside = argument[1..^1];
        for (int i = 0; i < inside.Length; i++)
        {
            if (inside[i] == '"') return false;
            if (inside[i] == '\\' && ++i >= inside.Length) return false;
        }
        return true;
    }

    /// <summary>Parenthesises a list argument unless it already is (CPython's <c>_set_quote</c>): flags, status
    /// items, sort criteria, quota limits.</summary>
    public static string List(string list) => list.Length > 0 && list[0] == '(' && list[^1] == ')' ? list : $"({list})";

    /// <summary>FETCH items: the macros ALL, FAST and FULL stay bare, anything else is parenthesised
    /// (CPython's <c>_fetch_parts</c>).</summary>
    public static string FetchParts(string parts) =>
        parts.ToUpperInvariant() is "ALL" or "FAST" or "FULL" ? parts : List(parts);

    /// <summary>True when every byte is an ASTRING-CHAR (an ATOM-CHAR or ']').</summary>
    public static bool IsAtom(ReadOnlySpan<byte> argument, bool listWildcards)
    {
        foreach (byte b in argument)
        {
            // CPython's _non_astring_char / _non_list_char: controls, 8-bit, space and ( ) { " \ (and % * outside LIST).
            bool special = b <= 0x20 || b >= 0x7f || b is (byte)'(' or (byte)')' or (byte)'{' or (byte)'"' or (byte)'\\';
            bool wildcard = b is (byte)'%' or (byte)'*';
            if (special || (wildcard && !listWildcards)) return false;
        }
        return true;
    }

    private static string Describe(byte b) => b switch { 0 => "NUL", (byte)'\r' => "CR", _ => "LF" };
}
