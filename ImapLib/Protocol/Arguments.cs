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
        Arg.Astring or Arg.Charset => Astring(arg.Encode(utf8), utf8),
        Arg.Mailbox => Mailbox(arg, utf8),
        Arg.ListPattern => Mailbox(arg, utf8, listWildcards: true),
        Arg.FetchParts => Raw(arg.IsSequence ? arg.AsList() : FetchParts(arg.ToString()), utf8),
        Arg.List => Raw(arg.AsList(), utf8),
        Arg.Criteria => Criterion(null, arg, utf8),
        // Text and bytes are sent as given (CPython's rule); a structured value is written and checked.
        Arg.SequenceSet when arg.IsSequence => Checked(Encoding.ASCII.GetBytes(arg.AsSequenceSet(strict: true))),
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
            return Astring(Encode(name, utf8: false), utf8: false, listWildcards);
        }
        return Astring(arg.Encode(utf8), utf8, listWildcards);
    }

    /// <summary>Search criteria: with a <paramref name="charset"/> (and UTF-8 not enabled), text is encoded in that
    /// charset, as CPython encodes <c>str</c> criteria; bytes are sent as they are. A charset .NET has no codec
    /// for fails for text only (Python's LookupError), a character it cannot encode fails too (UnicodeEncodeError):
    /// both are <see cref="ArgumentException"/>s, raised before anything is sent.</summary>
    public static byte[]?[] Criteria(string? charset, IReadOnlyList<ImapArg?> criteria, bool utf8) =>
        criteria.Select(c => c is { } arg ? Criterion(charset, arg, utf8) : null).ToArray();

    private static byte[] Criterion(string? charset, ImapArg criterion, bool utf8)
    {
        if (charset is null || utf8 || !criterion.IsText)
            return Raw(criterion, utf8);
        return Checked(Codec(charset).GetBytes(criterion.ToString()));
    }

    /// <summary>The codec for <paramref name="charset"/>: .NET's own, or one of the code pages Python also knows
    /// (ISO-8859-x, Windows-125x, KOI8-R, ...; the provider is registered above). Encoding a character the charset
    /// lacks throws rather than sending '?'.</summary>
    public static Encoding Codec(string charset)
    {
        try
        {
            return Encoding.GetEncoding(charset, EncoderFallback.ExceptionFallback, DecoderFallback.ReplacementFallback);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"unknown encoding: {charset}", nameof(charset));
        }
    }

    /// <summary>
    /// Newest CPython's <c>params</c>: each placeholder outside a quoted string in <paramref name="template"/> is
    /// replaced by the next parameter, written by its type, so values never need quoting by hand:
    /// <c>?</c> an astring (a number as it is, a sequence as a parenthesised list, null as NIL), <c>?f</c> a flag
    /// or a list of flags (verbatim, checked), <c>?s</c> a sequence set (<see cref="SequenceSet"/>), and
    /// <c>??</c> a literal <c>?</c>. Too many or too few parameters, a bool or floating-point value, and CR, LF or
    /// NUL in a value are <see cref="ArgumentException"/>s, raised before anything is sent.
    /// </summary>
    public static string Substitute(string template, IReadOnlyList<object?> parameters)
    {
        int next = 0;
        string result = Substitute(template, parameters, ref next);
        AllUsed(parameters, next);
        return result;
    }

    /// <summary><see cref="Substitute(string, IReadOnlyList{object})"/> over several arguments (the <c>uid()</c>
    /// form): the text ones take their placeholders' parameters in order; the others are left as they are.</summary>
    public static ImapArg?[] Substitute(IReadOnlyList<ImapArg?> args, IReadOnlyList<object?> parameters)
    {
        int next = 0;
        var result = args.Select(a => a is { IsText: true } text ? Substitute(text.ToString(), parameters, ref next) : a).ToArray();
        AllUsed(parameters, next);
        return result;
    }

    /// <summary>Too many parameters for the placeholders is an error, as too few is.</summary>
    private static void AllUsed(IReadOnlyList<object?> parameters, int used)
    {
        if (used != parameters.Count)
            throw new ArgumentException($"{parameters.Count} params given for {used} placeholders");
    }

    private static string Substitute(string template, IReadOnlyList<object?> parameters, ref int next)
    {
        var result = new StringBuilder(template.Length + 16);
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
            char type = i + 1 < template.Length ? template[i + 1] : '\0';
            if (type == '?')
            {
                result.Append('?');
                i++;
                continue;
            }
            if (next >= parameters.Count)
                throw new ArgumentException($"more placeholders than the {parameters.Count} params given");
            object? value = parameters[next++];
            switch (type)
            {
                case 'f': result.Append(Flags(value)); i++; break;
                case 's': result.Append(SequenceSet(value)); i++; break;
                default: result.Append(Parameter(value)); break;
            }
        }
        return result.ToString();
    }

    /// <summary>A <c>?</c> parameter: an astring, a number, NIL, or a parenthesised list of these.</summary>
    private static string Parameter(object? value) => value switch
    {
        null => "NIL",
        // Quoted as text, not yet encoded: the whole criteria string is encoded afterwards, in the declared charset.
        string text => AstringText(Inline(text)),
        _ when ByteString(value) is { } bytes => AstringText(Inline(Utf8Text(bytes))),
        _ when Number(value) is { } number => number,
        System.Collections.IEnumerable items => "(" + string.Join(" ", items.Cast<object?>().Select(Parameter)) + ")",
        _ => throw Unsendable(value, "a parameter"),
    };

    /// <summary>A byte string read as UTF-8; bytes that are not UTF-8 are an <see cref="ArgumentException"/>, not
    /// U+FFFD on the wire.</summary>
    private static string Utf8Text(byte[] bytes)
    {
        try
        {
            return Utf8Strict.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new ArgumentException($"a byte-string parameter that is not UTF-8: {PyRepr.repr(bytes)}", e);
        }
    }

    /// <summary>A <c>?f</c> parameter: one flag, or a parenthesised list of flags, each checked to be a flag.</summary>
    private static string Flags(object? value) => value switch
    {
        string or byte[] or PyBytes or ImapItem => Flag(value),
        System.Collections.IEnumerable items => "(" + string.Join(" ", items.Cast<object?>().Select(Flag)) + ")",
        _ => throw Unsendable(value, "a flag"),
    };

    private static string Flag(object? value)
    {
        string flag = value switch
        {
            string text => text,
            _ when ByteString(value) is { } bytes => Encoding.UTF8.GetString(bytes),
            _ => throw Unsendable(value, "a flag"),
        };
        // flag = "\" atom / atom (RFC 3501 section 9): no space, parenthesis, quote, wildcard, CTL or 8-bit byte.
        string atom = flag.StartsWith('\\') ? flag[1..] : flag;
        if (atom.Length == 0 || atom.Any(ch => ch > 0x7e) || !IsAtom(Encoding.ASCII.GetBytes(atom), listWildcards: false))
            throw new ArgumentException($"not a valid flag: {PyRepr.Of(flag)}");
        return flag;
    }

    /// <summary>
    /// A sequence set (RFC 3501 <c>sequence-set</c>) from the values CPython accepts: a number; text such as
    /// <c>"1:3,7"</c> (checked); a <c>(first, last)</c> pair, where a null or <c>"*"</c> last is <c>*</c>; a
    /// <see cref="Range"/> (<c>2..5</c> is <c>2:4</c>, Python's <c>range(2, 5)</c>; <c>5..</c> is <c>5:*</c>); an
    /// enumeration of numbers that is not a list (a range: consecutive numbers become <c>first:last</c>); or a list
    /// of numbers, pairs and ranges. A string, bool or floating-point value inside a list is refused, as in CPython.
    /// </summary>
    public static string SequenceSet(object? value) => value switch
    {
        string text => CheckedSequenceSet(text),
        _ when ByteString(value) is { } bytes => CheckedSequenceSet(Encoding.ASCII.GetString(bytes)),
        ImapArg arg => arg.AsSequenceSet(strict: true),
        _ => SequenceSetElement(value, topLevel: true),
    };

    /// <summary>One element of a sequence-set list (or the whole value, at the top level).</summary>
    internal static string SequenceSetElement(object? value, bool topLevel = false)
    {
        switch (value)
        {
            case var _ when ByteString(value) is { } bytes:   // numbers a response gave back, e.g. data[0].split()
                return CheckedSequenceSet(Encoding.ASCII.GetString(bytes));
            case ImapItem:   // a pair or a list is not a message number (SequenceSet would hand it back here)
                throw Unsendable(value, topLevel ? "a sequence set" : "an element of a sequence set");
            case Range range:
                return RangeSet(range);
            case System.Runtime.CompilerServices.ITuple { Length: 2 } pair:
                return $"{Bound(pair[0], last: false)}:{Bound(pair[1], last: true)}";
            case IEnumerable<int> or IEnumerable<long> when value is not System.Collections.IList:
                return Consecutive(((System.Collections.IEnumerable)value).Cast<object>().Select(Convert.ToInt64).ToList());
            case System.Collections.IEnumerable items when value is not string:
                var parts = items.Cast<object?>().Select(item => SequenceSetElement(item)).ToList();
                if (parts.Count == 0) throw new ArgumentException("an empty sequence set");
                return string.Join(",", parts);
        }
        return MessageNumber(value) ?? throw Unsendable(value, topLevel ? "a sequence set" : "an element of a sequence set");
    }

    private static string Bound(object? value, bool last) => value switch
    {
        null when last => "*",
        "*" when last => "*",
        _ => MessageNumber(value) ?? throw Unsendable(value, "a sequence-set bound"),
    };

    private static string RangeSet(Range range)
    {
        if (range.Start.IsFromEnd || (range.End.IsFromEnd && range.End.Value != 0))
            throw new ArgumentException($"a range from the end ({range}) is not a sequence set");
        int first = range.Start.Value;
        if (range.End.IsFromEnd) return $"{Math.Max(first, 1)}:*";   // 5.. is everything from 5
        if (range.End.Value <= first || first < 1) throw new ArgumentException($"the range {range} holds no message numbers");
        int last = range.End.Value - 1;   // a range is consecutive: no need to list its numbers
        return last == first ? $"{first}" : $"{first}:{last}";
    }

    /// <summary>Numbers as a range does: a consecutive run is <c>first:last</c>; anything else is listed.</summary>
    private static string Consecutive(List<long> numbers)
    {
        if (numbers.Count == 0) throw new ArgumentException("an empty sequence set");
        if (numbers.Any(n => n < 1)) throw new ArgumentException("message numbers and UIDs start at 1");
        bool run = numbers.Count > 1 && numbers.Zip(numbers.Skip(1)).All(p => p.Second == p.First + 1);
        return run ? $"{numbers[0]}:{numbers[^1]}" : string.Join(",", numbers);
    }

    private static string CheckedSequenceSet(string text)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(text, @"^(\$|([0-9]+|\*)(:([0-9]+|\*))?(,([0-9]+|\*)(:([0-9]+|\*))?)*)\z"))
            throw new ArgumentException($"not a sequence set: {PyRepr.Of(text)}");
        return text;
    }

    /// <summary>The bytes of a byte-string value as scripts pass one (a <c>byte[]</c>, a <see cref="PyBytes"/>, a
    /// byte-string <see cref="ImapItem"/>), or null for anything else.</summary>
    internal static byte[]? ByteString(object? value) => value switch
    {
        byte[] bytes => bytes,
        PyBytes bytes => bytes.ToArray(),
        ImapItem { IsBytes: true } item => item.Bytes,
        _ => null,
    };

    /// <summary>A message number or UID (an integer of at least 1) as text, or null for anything else.</summary>
    private static string? MessageNumber(object? value) =>
        Number(value) is { } number && !number.StartsWith('-') && number != "0" && IsUInt32(number) ? number : null;

    /// <summary>RFC 3501's nz-number is 32-bit: a larger number is no message number or UID.</summary>
    private static bool IsUInt32(string number) => uint.TryParse(number, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>An integer as text (any .NET integer type), or null for anything else: bools and floating-point
    /// values are not numbers here, as CPython refuses them.</summary>
    private static string? Number(object? value) => value switch
    {
        sbyte or byte or short or ushort or int or uint or long or ulong or System.Numerics.BigInteger
            => ((IFormattable)value).ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    private static string Inline(string text) =>
        text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0
            ? throw new ArgumentException($"a parameter holds CR, LF or NUL: {PyRepr.Of(text)}; refusing to send it")
            : text;

    private static ArgumentException Unsendable(object? value, string what) =>
        new(value is null ? $"None is not {what}" : $"cannot send a {PythonTypeName(value)} as {what}: {value}");

    private static string PythonTypeName(object value) => value switch
    {
        bool => "bool",
        float or double or decimal or Half => "float",
        string => "str",
        _ => value.GetType().Name,
    };

    /// <summary>Encodes text as the connection does: ASCII until UTF-8 is enabled, as Python's imaplib.</summary>
    public static byte[] Encode(string text, bool utf8)
    {
        if (utf8) return StrictUtf8(text);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] > 0x7f)
                throw new ArgumentException(
                    $"'ascii' codec can't encode character {PyRepr.Of(text[i].ToString())} in position {i}: " +
                    "IMAP arguments are ASCII unless UTF8=ACCEPT is enabled");
        }
        return Encoding.ASCII.GetBytes(text);
    }

    /// <summary>Text as UTF-8; an unpaired surrogate, which has no UTF-8 form, is an <see cref="ArgumentException"/>
    /// (Python's UnicodeEncodeError) rather than a silent U+FFFD.</summary>
    public static byte[] StrictUtf8(string text)
    {
        try
        {
            return Utf8Strict.GetBytes(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"'utf-8' codec can't encode character at position {e.Index}: surrogates not allowed", e);
        }
    }

    private static readonly UTF8Encoding Utf8Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
    public static byte[] Astring(byte[] argument, bool utf8, bool listWildcards = false)
    {
        Checked(argument);
        if (argument.Length > 0 && (IsAtom(argument, listWildcards) || IsQuotedString(argument)))
            return SevenBitOrUtf8(argument, utf8);
        return Quote(argument, utf8);
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
    public static byte[] Quote(byte[] argument, bool utf8)
    {
        Checked(argument);
        SevenBitOrUtf8(argument, utf8);
        var quoted = new List<byte>(argument.Length + 8) { (byte)'"' };
        foreach (byte b in argument)
        {
            if (b is (byte)'"' or (byte)'\\') quoted.Add((byte)'\\');
            quoted.Add(b);
        }
        quoted.Add((byte)'"');
        return quoted.ToArray();
    }

    /// <summary>
    /// Refuses an 8-bit byte in a quoted string: RFC 3501's quoted strings are 7-bit (TEXT-CHAR), and after ENABLE
    /// UTF8=ACCEPT they may hold UTF-8 only (RFC 6855). CPython sends such bytes as they are, which a strict server
    /// refuses or reads in some other charset; the guided fuzzer's strict parser found it (issue 24).
    /// </summary>
    public static byte[] SevenBitOrUtf8(byte[] argument, bool utf8)
    {
        int high = argument.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xff);
        if (high < 0 || (utf8 && System.Text.Unicode.Utf8.IsValid(argument))) return argument;
        throw new ArgumentException(
            $"IMAP argument holds the 8-bit byte 0x{argument[high]:x2} at position {high}, which a quoted string " +
            (utf8 ? "can hold only as part of UTF-8" : "cannot hold unless UTF8=ACCEPT is enabled") + "; refusing to send it");
    }

    /// <summary>True when the bytes are exactly one quoted string: a quote, then characters other than quote and
    /// backslash or an escaped quote or backslash, then a closing quote (CPython's <c>_quoted</c>, made strict: the
    /// guided fuzzer found <c>"\r"</c> passed through as already quoted).</summary>
    public static bool IsQuotedString(ReadOnlySpan<byte> argument)
    {
        if (argument.Length < 2 || argument[0] != '"' || argument[^1] != '"') return false;
        var inside = argument[1..^1];
        for (int i = 0; i < inside.Length; i++)
        {
            if (inside[i] == '"') return false;
            // RFC 3501 escapes only the quote and the backslash; "\r" inside would be refused by a strict server.
            if (inside[i] == '\\' && (++i >= inside.Length || inside[i] is not ((byte)'"' or (byte)'\\'))) return false;
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
