namespace ImapLib;

/// <summary>
/// A command argument as Python scripts pass them: a <c>string</c>, the <c>byte[]</c> a previous
/// response gave back (message numbers, UIDs), an <see cref="ImapItem"/> byte string, or a number.
/// It converts implicitly from each, so <c>M.fetch(num, "(RFC822)")</c> ports unchanged.
/// Where Python accepts <c>None</c>, the parameter is <c>ImapArg?</c> and <see langword="null"/> leaves it out.
/// </summary>
public readonly struct ImapArg
{
    private readonly string? _text;
    private readonly byte[]? _bytes;

    private ImapArg(string? text, byte[]? bytes)
    {
        _text = text;
        _bytes = bytes;
    }

    /// <summary>The argument as text (strings and numbers).</summary>
    public static implicit operator ImapArg(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), null);

    /// <summary>The argument as the bytes a response gave back.</summary>
    public static implicit operator ImapArg(byte[] bytes) => new(null, bytes ?? throw new ArgumentNullException(nameof(bytes)));

    /// <summary>The argument as a byte-string data item.</summary>
    public static implicit operator ImapArg(ImapItem item) => new(null, (item ?? throw new ArgumentNullException(nameof(item))).Bytes);

    /// <summary>A message number or UID.</summary>
    public static implicit operator ImapArg(int number) => new(number.ToString(System.Globalization.CultureInfo.InvariantCulture), null);

    /// <summary>A message number, UID or size.</summary>
    public static implicit operator ImapArg(long number) => new(number.ToString(System.Globalization.CultureInfo.InvariantCulture), null);

    /// <summary>The argument's bytes: text encoded as the connection does (ASCII, or UTF-8 once enabled).</summary>
    internal byte[] Encode(bool utf8) => _bytes ?? Wire.Encode(_text ?? "", utf8);

    /// <summary>The argument as text, as Python's <c>str()</c> would show it in a message.</summary>
    public override string ToString() => _text ?? (_bytes is null ? "" : System.Text.Encoding.UTF8.GetString(_bytes));
}
