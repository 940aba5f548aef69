using System.Text;

namespace ImapLib;

// How each kind of command argument is written, in one place. Every path ends in Wire.Checked, so no
// argument can carry NUL, CR or LF onto the wire; mailbox names given as text are first encoded as the
// connection requires (modified UTF-7, or UTF-8 once UTF8=ACCEPT is enabled), as newest CPython does.
public partial class IMAP4
{
    static IMAP4() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>An argument sent as given (criteria, command names, rights), after the CR/LF check.</summary>
    private byte[]? Raw(ImapArg? arg) => arg is { } a ? Wire.Checked(a.Encode(utf8_enabled)) : null;

    private byte[]?[] RawAll(ImapArg?[] args) => Array.ConvertAll(args, Raw);

    /// <summary>An astring (user names, ACL identifiers and rights, quota roots, charsets): an atom when it can
    /// be, an already well-formed quoted string as it is, otherwise quoted.</summary>
    private byte[] Astring(ImapArg arg) => Wire.Astring(arg.Encode(utf8_enabled));

    /// <summary>A mailbox name: text is encoded to modified UTF-7 (unless it already is valid modified UTF-7)
    /// before ASCII, or sent as UTF-8 after ENABLE UTF8=ACCEPT; then written as an astring.</summary>
    private byte[] Mailbox(ImapArg arg, bool listWildcards = false)
    {
        if (arg.IsText && !utf8_enabled)
        {
            string name = arg.ToString();
            if (!ModifiedUtf7.TryDecode(name, out _)) name = ModifiedUtf7.Encode(name);
            return Wire.Astring(Wire.Encode(name, utf8: false), listWildcards);
        }
        return Wire.Astring(arg.Encode(utf8_enabled), listWildcards);
    }

    /// <summary>A message set: text and bytes as given; numbers, ranges and sequences are written as a sequence
    /// set by <see cref="ImapArg"/> itself, so this is <see cref="Raw"/> under the name that says what it is.</summary>
    private byte[] SequenceSet(ImapArg arg) => Raw(arg)!;

    /// <summary>A list argument (flags, status items, sort criteria, limits): a sequence joined in parentheses,
    /// text parenthesised unless it already is.</summary>
    private byte[] ListArg(ImapArg arg) => Raw(arg.AsList())!;

    /// <summary>FETCH items: a sequence in parentheses; text parenthesised unless it is a macro (ALL, FAST, FULL).</summary>
    private byte[] FetchParts(ImapArg parts) => Raw(parts.IsSequence ? parts.AsList() : Wire.FetchParts(parts.ToString()))!;

    /// <summary>A charset name: an astring, or left out when null.</summary>
    private byte[]? Charset(string? charset) => charset is null ? null : Astring(charset);

    /// <summary>Search criteria: text holding non-ASCII characters is encoded in the declared
    /// <paramref name="charset"/> (it must be one .NET knows); everything else as <see cref="Raw"/>.</summary>
    private byte[]?[] Criteria(string? charset, ImapArg?[] criteria)
    {
        if (charset is null || utf8_enabled) return RawAll(criteria);
        Encoding encoding;
        try { encoding = Encoding.GetEncoding(charset); }
        catch (ArgumentException) { return RawAll(criteria); }   // the server knows charsets we do not; ASCII still works
        return Array.ConvertAll(criteria, c => c is { IsText: true } text && text.ToString().Any(ch => ch > 0x7f)
            ? Wire.Checked(encoding.GetBytes(text.ToString()))
            : Raw(c));
    }

    /// <summary>
    /// Newest CPython's <c>params</c>: each <c>?</c> outside a quoted string in <paramref name="template"/> is
    /// replaced by the next parameter, written as an astring (a sequence becomes a parenthesised list), so values
    /// never need quoting by hand.
    /// </summary>
    private string Substitute(string template, IReadOnlyList<object?> parameters)
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

    private string Parameter(object? value) => value switch
    {
        null => "NIL",
        // Quoted as text, not yet encoded: the whole criteria string is encoded afterwards, in the declared charset.
        string text => Wire.AstringText(text),
        byte[] bytes => Wire.AstringText(Encoding.UTF8.GetString(bytes)),
        System.Collections.IEnumerable items => "(" + string.Join(" ", items.Cast<object?>().Select(Parameter)) + ")",
        IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"cannot send a {value.GetType().Name} as a parameter"),
    };

    /// <summary>Runs <paramref name="name"/>, or <c>UID name</c> when <paramref name="uid"/> is set (newest
    /// CPython's <c>uid=True</c> keyword).</summary>
    private ImapResult Run(string name, bool uid, params byte[]?[] args) =>
        uid ? _simple_command("UID", [Raw(name), .. args]) : _simple_command(name, args);
}
