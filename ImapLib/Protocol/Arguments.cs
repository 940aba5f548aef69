using System.Text;

namespace ImapLib;

/// <summary>
/// All argument encoding, in one place: how each kind of argument (<see cref="Arg"/>) becomes command bytes,
/// the refusal of bytes that would end or split a command line, and IMAP's quoting rules (RFC 3501 section 9,
/// RFC 9051 section 9). Every path ends in <see cref="Checked"/>, so no argument can carry NUL, CR or LF onto
/// the wire; mailbox names given as text are first encoded as the connection requires (modified UTF-7, or
/// UTF-8 once UTF8=ACCEPT is enabled), as newest CPython does.
/// </summary>
internal static class Arguments
{
    static Arguments() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Writes <paramref name="args"/> as the table row <paramref name="command"/> says (null ones stay
    /// null: Python leaves out None). The same encoding serves the plain command and its <c>UID</c> form.</summary>
    public static byte[]?[] Encode(CommandSpec command, IReadOnlyList<ImapArg?> args, bool utf8)
    {
        var encoded = new byte[]?[args.Count];
        string? charset = null;
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] is not { } arg) continue;
            var kind = command.ArgAt(i);
            if (kind == Arg.Charset) charset = arg.ToString();
            encoded[i] = kind == Arg.Criteria ? Criterion(charset, arg, utf8) : Encode(kind, arg, utf8);
        }
        return encoded;
    }

    /// <summary>One argument of kind <paramref name="kind"/>.</summary>
    public static byte[] Encode(Arg kind, ImapArg arg, bool utf8) => kind switch
    {
        Arg.Astring or Arg.Charset => Astring(arg.Encode(utf8)),
        Arg.Mailbox => Mailbox(arg, utf8),
        Arg.ListPattern => Mailbox(arg, utf8, listWildcards: true),
        Arg.FetchParts => Raw(arg.IsSequence ? arg.AsList() : FetchParts(arg.ToString()), utf8),
        Arg.List => Raw(arg.AsList(), utf8),
        Arg.Criteria => Criterion(null, arg, utf8),
        // A message set is written by ImapArg itself (numbers, ranges, sequences), so it is sent as raw bytes.
        _ => Raw(arg, utf8),
    };

    /// <summary>An argument sent as given (criteria, command names, rights), after the CR/LF check.</summary>
    public static byte[] Raw(ImapArg arg, bool utf8) => Checked(arg.Encode(utf8));

    /// <summary>A mailbox name: text is encoded to modified UTF-7 (unless it already is valid modified UTF-7)
    /// before ASCII, or sent as UTF-8 after ENABLE UTF8=ACCEPT; then written as an astring. With
    /// <paramref name="listWildcards"/> the LIST patterns <c>%</c> and <c>*</c> stay bare.</summary>
    public static byte[] Mailbox(ImapArg arg, bool utf8, bool listWildcards = false)
    {
        if (arg.IsText && !utf8)
        {
            string name = arg.ToString();
            if (!ModifiedUtf7.TryDecode(name, out _)) name = ModifiedUtf7.Encode(name);
            return Astring(Encode(name, utf8: false), listWildcards);
        }
        return Astring(arg.Encode(utf8), listWildcards);
    }

    /// <summary>Search criteria: text holding non-ASCII characters is encoded in the declared
    /// <paramref name="charset"/> (it must be one .NET knows); everything else is sent raw.</summary>
    public static byte[]?[] Criteria(string? charset, IReadOnlyList<ImapArg?> criteria, bool utf8) =>
        criteria.Select(c => c is { } arg ? Criterion(charset, arg, utf8) : null).ToArray();

    private static byte[] Criterion(string? charset, ImapArg criterion, bool utf8)
    {
        if (charset is null || utf8 || !criterion.IsText || criterion.ToString().All(ch => ch <= 0x7f))
            return Raw(criterion, utf8);
        Encoding encoding;
        try { encoding = Encoding.GetEncoding(charset); }
        catch (ArgumentException) { return Raw(criterion, utf8); }   // the server knows charsets we do not; ASCII still works
        return Checked(encoding.GetBytes(criterion.ToString()));
    }

    /// <summary>
    /// Newest CPython's <c>params</c>: each <c>?</c> outside a quoted string in <paramref name="template"/> is
    /// replaced by the next parameter, written as an astring (a sequence becomes a parenthesised list), so values
    /// never need quoting by hand.
    /// </summary>
    public static string Substitute(string template, IReadOnlyList<object?> parameters)
    {
        var result = new StringBuilder(template.Length + 16);
        int next = 0;
        bool quoted = false;
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (quoted && c == '\\' && i + 1 < template.Length)
            {
                result.Append(c).Append(template[++i]);
                continue;
            }
            if (c == '"') quoted = !quoted;
            if (c != '?' || quoted)
            {
                result.Append(c);
                continue;
            }
            if (next >= parameters.Count)
                throw new ArgumentException($"more '?' placeholders than the {parameters.Count} params given");
            result.Append(Parameter(parameters[next++]));
        }
        if (next != parameters.Count)
            throw new ArgumentException($"{parameters.Count} params given for {next} '?' placeholders");
        return result.ToString();
    }

    private static string Parameter(object? value) => value switch
    {
        null => "NIL",
        // Quoted as text, not yet encoded: the whole criteria string is encoded afterwards, in the declared charset.
        string text => AstringText(text),
        byte[] bytes => AstringText(Encoding.UTF8.GetString(bytes)),
        System.Collections.IEnumerable items => "(" + string.Join(" ", items.Cast<object?>().Select(Parameter)) + ")",
        IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"cannot send a {value.GetType().Name} as a parameter"),
    };

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
