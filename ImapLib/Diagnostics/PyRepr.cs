using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace ImapLib;

/// <summary>
/// Python's <c>repr()</c>, the one way ImapLib shows a value: data items, results, debug and error messages,
/// and the porting examples' <c>print</c> all go through it, so they print what Python prints.
/// </summary>
public static class PyRepr
{
    /// <summary>
    /// Python's <c>repr(value)</c> for the values imaplib scripts print: <c>None</c>, a <c>str</c> (<c>'text'</c>),
    /// bytes (<c>b'...'</c>), a data item, a result (<c>('OK', [b'3'])</c>), a bool, a number, a tuple or an array
    /// (as a Python tuple), any other sequence (as a Python list).
    /// </summary>
    public static string repr(object? value) => value switch
    {
        null => "None",
        string text => Of(text),
        byte[] bytes => Of(bytes),
        PyBytes bytes => Of(bytes.AsSpan()),
        ImapItem item => Of(item),
        ImapResult result => result.ToString(),
        bool flag => flag ? "True" : "False",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        ITuple tuple => Tuple(Enumerable.Range(0, tuple.Length).Select(i => repr(tuple[i]))),
        Array array => Tuple(array.Cast<object?>().Select(repr)),
        IPyTuple tuple => Tuple(tuple.Cast<object?>().Select(repr)),
        IEnumerable sequence => "[" + string.Join(", ", sequence.Cast<object?>().Select(repr)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>Python's <c>repr(bytes)</c>: <c>b'...'</c> with Python's choice of quote and escapes.</summary>
    internal static string Of(ReadOnlySpan<byte> bytes)
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
                    else if (b < 0x20 || b >= 0x7f) text.Append(@"\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
                    else text.Append((char)b);
                    break;
            }
        }
        return text.Append(quote).ToString();
    }

    /// <summary>Python's <c>repr()</c> of one data element (None, bytes, tuple or list).</summary>
    internal static string Of(ImapItem? item)
    {
        if (item is null) return "None";
        if (item.IsBytes) return Of(item.Bytes);
        if (item.IsPair) return $"({Of(item.Header)}, {Of(item.Body)})";
        return Of(item.Items);
    }

    /// <summary>Python's <c>repr()</c> of a list of data elements: <c>[b'1', None]</c>.</summary>
    internal static string Of(IEnumerable<ImapItem?> items) => "[" + string.Join(", ", items.Select(Of)) + "]";

    /// <summary>Python's <c>repr()</c> of a tuple of strings, e.g. the capabilities: <c>('IMAP4REV1', 'IDLE')</c>.</summary>
    internal static string Of(IEnumerable<string> items) => Tuple(items.Select(Of));

    /// <summary>Python's <c>repr()</c> of a str: <c>'text'</c>.</summary>
    internal static string Of(string text)
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
            else if (c < 0x20 || c == 0x7f) result.Append(@"\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else result.Append(c);
        }
        return result.Append(quote).ToString();
    }

    /// <summary>A Python tuple of already-shown elements; a one-element tuple keeps its trailing comma.</summary>
    private static string Tuple(IEnumerable<string> shown)
    {
        var items = shown.ToList();
        return items.Count == 1 ? $"({items[0]},)" : "(" + string.Join(", ", items) + ")";
    }
}
