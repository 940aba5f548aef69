using System.Globalization;
using System.Text;

namespace ImapLib;

/// <summary>
/// A command argument as Python scripts pass them: a <c>string</c>, the <c>byte[]</c> a previous response
/// gave back (message numbers, UIDs), an <see cref="ImapItem"/> byte string, a number, a range
/// <c>(first, last)</c>, or a sequence of these (Python's lists and tuples). It converts implicitly from
/// each, so <c>M.fetch(num, "(RFC822)")</c> and <c>M.copy(new object[] { 2, (3, 5) }, "Archive")</c> port
/// unchanged. Where Python accepts <c>None</c>, the parameter is <c>ImapArg?</c> and <see langword="null"/>
/// leaves it out. Each command decides how its arguments are written (a message set joins a sequence with
/// commas, a list joins it with spaces in parentheses).
/// </summary>
public readonly struct ImapArg
{
    private readonly string? _text;
    private readonly byte[]? _bytes;
    private readonly object?[]? _items;

    private ImapArg(string? text, byte[]? bytes, object?[]? items)
    {
        _text = text;
        _bytes = bytes;
        _items = items;
    }

    /// <summary>The argument as text.</summary>
    public static implicit operator ImapArg(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), null, null);

    /// <summary>An optional argument as text; a null string is Python's <c>None</c> (left out), so
    /// <c>cond ? "(\\Seen)" : null</c> ports as it reads.</summary>
    public static implicit operator ImapArg?(string? text) => text is null ? (ImapArg?)null : new ImapArg(text, null, null);

    /// <summary>The argument as the bytes a response gave back, sent as they are.</summary>
    public static implicit operator ImapArg(byte[] bytes) => new(null, bytes ?? throw new ArgumentNullException(nameof(bytes)), null);

    /// <summary>The argument as a byte-string data item.</summary>
    public static implicit operator ImapArg(ImapItem item) => new(null, (item ?? throw new ArgumentNullException(nameof(item))).Bytes, null);

    /// <summary>A message number or UID.</summary>
    public static implicit operator ImapArg(int number) => new(number.ToString(CultureInfo.InvariantCulture), null, null);

    /// <summary>A message number, UID or size.</summary>
    public static implicit operator ImapArg(long number) => new(number.ToString(CultureInfo.InvariantCulture), null, null);

    /// <summary>A range of message numbers or UIDs, <c>first:last</c>.</summary>
    public static implicit operator ImapArg((long first, long last) range) => new(null, null, [range]);

    /// <summary>A range of message numbers or UIDs, <c>first:last</c>.</summary>
    public static implicit operator ImapArg((int first, int last) range) => new(null, null, [((long)range.first, (long)range.last)]);

    /// <summary>A range whose last is open: <c>(5, null)</c> is <c>5:*</c>.</summary>
    public static implicit operator ImapArg((long first, long? last) range) => new(null, null, [range]);

    /// <summary>A range whose last is open: <c>(5, null)</c> is <c>5:*</c>.</summary>
    public static implicit operator ImapArg((int first, int? last) range) => new(null, null, [((long)range.first, (long?)range.last)]);

    /// <summary>A range to the last message: <c>(8, "*")</c> is <c>8:*</c>.</summary>
    public static implicit operator ImapArg((int first, string last) range) => new(null, null, [range]);

    /// <summary>A range to the last message: <c>(8, "*")</c> is <c>8:*</c>.</summary>
    public static implicit operator ImapArg((long first, string last) range) => new(null, null, [range]);

    /// <summary>Python's <c>range(first, stop)</c> as C#'s <c>first..stop</c> (the end excluded): <c>2..5</c> is
    /// <c>2:4</c>; an open end, <c>5..</c>, is <c>5:*</c>.</summary>
    public static implicit operator ImapArg(Range range) => new(null, null, [range]);

    /// <summary>A sequence: numbers, ranges, strings, byte strings (Python's list or tuple argument).</summary>
    public static implicit operator ImapArg(object?[] items) => new(null, null, items ?? throw new ArgumentNullException(nameof(items)));

    /// <summary>A sequence of strings, e.g. flags or FETCH items.</summary>
    public static implicit operator ImapArg(string[] items) => new(null, null, items ?? throw new ArgumentNullException(nameof(items)));

    /// <summary>A sequence of strings, e.g. flags or FETCH items.</summary>
    public static implicit operator ImapArg(List<string> items) => new(null, null, (items ?? throw new ArgumentNullException(nameof(items))).ToArray());

    /// <summary>A sequence of message numbers or UIDs.</summary>
    public static implicit operator ImapArg(int[] numbers) => new(null, null, Array.ConvertAll(numbers ?? throw new ArgumentNullException(nameof(numbers)), n => (object?)n));

    /// <summary>A sequence of message numbers or UIDs.</summary>
    public static implicit operator ImapArg(long[] numbers) => new(null, null, Array.ConvertAll(numbers ?? throw new ArgumentNullException(nameof(numbers)), n => (object?)n));

    /// <summary>A byte string, as the bytes of a <c>byte[]</c> argument (e.g. one number of <c>data[0].split()</c>).</summary>
    public static implicit operator ImapArg(PyBytes bytes) => new(null, bytes.ToArray(), null);

    /// <summary>Numbers a response gave back, e.g. <c>data[0].split()</c>, as one sequence set.</summary>
    public static implicit operator ImapArg(List<PyBytes> numbers) =>
        new(null, null, (numbers ?? throw new ArgumentNullException(nameof(numbers))).Select(n => (object?)n.ToArray()).ToArray());

    /// <summary>Numbers held as arrays, as one sequence set.</summary>
    public static implicit operator ImapArg(List<byte[]> numbers) => new(null, null, (numbers ?? throw new ArgumentNullException(nameof(numbers))).ToArray());

    /// <summary>True for a sequence argument.</summary>
    internal bool IsSequence => _items is not null;

    /// <summary>True for an argument given as text (not bytes, not a sequence): only text is re-encoded.</summary>
    internal bool IsText => _text is not null;

    /// <summary>The argument's bytes: text encoded as the connection does (ASCII, or UTF-8 once enabled);
    /// a sequence is written as a message set.</summary>
    internal byte[] Encode(bool utf8) => _bytes ?? (_items is null ? Arguments.Encode(_text ?? "", utf8) : Arguments.Encode(AsSequenceSet(), utf8));

    /// <summary>A message set: numbers as they are, ranges as <c>a:b</c>, a sequence joined with commas. Where a
    /// message set is expected (<paramref name="strict"/>), the sequence must be one (a string, bool or float inside
    /// is refused, as in CPython); elsewhere its text elements are joined as given.</summary>
    internal string AsSequenceSet(bool strict = false) =>
        _items is null ? ToString()
        : strict ? Arguments.SequenceSetElement(_items, topLevel: true)
        : string.Join(",", _items.Select(part => part is string or byte[] or PyBytes or ImapItem ? TextOf(part) : Arguments.SequenceSetElement(part)));

    /// <summary>A parenthesised list: a sequence joined with spaces; text parenthesised unless it already is.</summary>
    internal string AsList() => _items is null ? Arguments.List(ToString()) : "(" + string.Join(" ", _items.Select(TextOf)) + ")";

    /// <summary>The argument as text, as Python's <c>str()</c> would show it in a message.</summary>
    public override string ToString() => _text ?? (_bytes is not null ? Encoding.UTF8.GetString(_bytes) : AsSequenceSet());

    private static string TextOf(object? part) => part switch
    {
        null => throw new ArgumentException("None is not a valid element of a sequence argument"),
        string text => text,
        ImapItem item => Encoding.UTF8.GetString(item.Bytes),   // a pair or list: Bytes says what it is instead
        _ when Arguments.ByteString(part) is { } bytes => Encoding.UTF8.GetString(bytes),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"cannot send a {part.GetType().Name} as part of an IMAP argument"),
    };
}
