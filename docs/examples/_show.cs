// C# twin of _show.py: canonical printing shared by the C# ports of the porting examples.
// Each example includes it with `#:include _show.cs` and imports it with `using static _show;`,
// the C# spelling of `from _show import env, show`.
//
// show() prints exactly what _show.show() prints (label, type, then one line per data item:
// "b <hex>", "t <hex of header> <hex of literal>", "None", or "l" and the nested items), so that the
// outputs of a Python example and of its port can be compared line by line. print() and repr() are
// Python's print() and repr() for the values the examples print (str, bytes, tuples, lists, None).
using ImapLib;

public static class _show
{
    /// <summary>Python's <c>env(name, default)</c>: the environment variable, or the default; exits with
    /// "set NAME" (status 1, like <c>SystemExit("set NAME")</c>) when neither is there.</summary>
    public static string env(string name, string? @default = null)
    {
        string? value = Environment.GetEnvironmentVariable(name) ?? @default;
        if (value is null)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"set {name}");
            Environment.Exit(1);
        }
        return value;
    }

    /// <summary>Prints a command's <c>(typ, data)</c> result in the canonical form.</summary>
    public static void show(string label, (string typ, List<ImapItem?> data) result)
    {
        var (typ, data) = result;
        print($"{label}: {typ}");
        _items(data, "  ");
    }

    private static void _items(IEnumerable<ImapItem?> data, string indent)
    {
        foreach (var item in data)
        {
            if (item is null)
                print($"{indent}None");
            else if (item is (byte[] header, byte[] literal))
                print($"{indent}t {header.hex()} {literal.hex()}");
            else if (item.IsList)
                { print($"{indent}l"); _items(item.Items, indent + "  "); }
            else
                print($"{indent}b {item.Bytes.hex()}");
        }
    }

    /// <summary>Python's <c>print(*args)</c>: <c>str()</c> of each argument, separated by spaces, then a newline.</summary>
    public static void print(params object?[] args) =>
        Console.Out.Write(string.Join(" ", args.Select(str)) + "\n");

    /// <summary>Python's <c>str()</c>: text as it is, anything else as its <see cref="repr"/>.</summary>
    public static string str(object? value) => value as string ?? repr(value);

    /// <summary>Python's <c>repr()</c>: the library's own <see cref="PyRepr.repr"/>, the one repr that data items,
    /// results and the debug log use too.</summary>
    public static string repr(object? value) => PyRepr.repr(value);
}
