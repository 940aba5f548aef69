using System.Text;
using System.Text.Json;
using ImapLib.Tests.Support;
using ScriptedIMAP4 = ImapLib.Testing.ScriptedIMAP4;

namespace ImapLib.Tests;

/// <summary>
/// <see cref="PyBytes"/>, the byte string a ported script gets from <c>data[0].split()</c>: content equality,
/// Python's repr, the conversions and the bytes methods scripts call, each against what CPython gives (the
/// expected values were printed by python3).
/// </summary>
public class PyBytesTests
{
    private static PyBytes B(string latin1) => Encoding.Latin1.GetBytes(latin1);

    [Test]
    public void Equal_contents_are_equal_whatever_the_arrays()
    {
        PyBytes a = "12"u8.ToArray(), b = "12"u8.ToArray();
        Assert.That(a == b, Is.True);   // two byte[] of the same content: == would be false
        Assert.That(a != b, Is.False);
        Assert.That(a == B("13"), Is.False);
        Assert.That(a.Equals(b) && a.Equals((object)b) && a.Equals((object)"12"u8.ToArray()), Is.True);
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(new HashSet<PyBytes> { a, b, B("7") }, Has.Count.EqualTo(2));
        Assert.That(a == "12"u8, Is.True);   // a u8 literal, as b'12' in Python
        Assert.That(default(PyBytes) == B(""), Is.True);
        Assert.That(default(PyBytes).Length, Is.Zero);
    }

    [Test]
    public void What_split_gives_compares_by_value()
    {
        var item = ImapItem.FromBytes("3 5 3"u8.ToArray());
        var nums = item.split();
        Assert.That(nums[0] == nums[2], Is.True);
        Assert.That(nums[0] == nums[1], Is.False);
        Assert.That(nums.Contains(B("5")), Is.True);
        Assert.That(nums.IndexOf("5"u8), Is.EqualTo(1));
        Assert.That("1 2"u8.ToArray().split()[1] == "2"u8, Is.True);   // on a byte[] such as readline() gives
    }

    [TestCase("1 2 3", "b'1 2 3'")]
    [TestCase("it's", "b\"it's\"")]
    [TestCase("it's \"q\"", "b'it\\'s \"q\"'")]
    [TestCase("a\r\n\0\t\\\u00e9\u007f", "b'a\\r\\n\\x00\\t\\\\\\xe9\\x7f'")]
    [TestCase("", "b''")]
    public void Prints_as_Pythons_repr(string latin1, string repr)
    {
        Assert.That(B(latin1).ToString(), Is.EqualTo(repr));
        Assert.That($"{B(latin1)}", Is.EqualTo(repr));
        Assert.That(PyRepr.repr(new List<PyBytes> { B(latin1) }), Is.EqualTo($"[{repr}]"));
        Assert.That(PyRepr.repr(new[] { B(latin1) }), Is.EqualTo($"({repr},)"));   // ParseFlags gives a tuple
    }

    [Test]
    public void Converts_to_and_from_arrays_and_spans_without_copying_arrays()
    {
        byte[] array = "42"u8.ToArray();
        PyBytes wrapped = array;
        byte[] back = wrapped;
        Assert.That(back, Is.SameAs(array));
        ReadOnlySpan<byte> span = wrapped;
        Assert.That(span.SequenceEqual(array), Is.True);
        Assert.That(int.Parse(wrapped), Is.EqualTo(42));     // Python: int(num)
        Assert.That((int)B(" 7 "), Is.EqualTo(7));           // int(b' 7 ') == 7
        Assert.That((long)B("4294967296"), Is.EqualTo(4294967296L));
        Assert.Throws<FormatException>(() => _ = (int)B("x"));   // Python: ValueError
        Assert.Throws<ArgumentNullException>(() => _ = new PyBytes((byte[])null!));
    }

    [Test]
    public void The_bytes_methods_scripts_call_match_Python()
    {
        var line = B("* 3 FETCH (FLAGS (\\Seen))\r\n");
        Assert.That(line.startswith("* "u8) && line.endswith("\r\n"u8), Is.True);
        Assert.That(line.startswith("+"u8), Is.False);
        Assert.That(line.find("FETCH"u8), Is.EqualTo(4));
        Assert.That(line.find("EXISTS"u8), Is.EqualTo(-1));
        Assert.That(line.Contains("\\Seen"u8), Is.True);
        Assert.That(line.strip() == B("* 3 FETCH (FLAGS (\\Seen))"), Is.True);
        Assert.That(B("  x ").lstrip() == B("x "), Is.True);
        Assert.That(B("  x ").rstrip() == B("  x"), Is.True);
        Assert.That(line[2..3] == "3"u8, Is.True);             // line[2:3]
        Assert.That(line[0], Is.EqualTo((byte)'*'));            // line[0] == 42
        Assert.That(line[-1], Is.EqualTo((byte)'\n'));          // line[-1]
        Assert.That(line[^2], Is.EqualTo((byte)'\r'));
        Assert.That(B("Seen").upper() == "SEEN"u8 && B("Seen").lower() == "seen"u8, Is.True);
        Assert.That(B("123").isdigit() && !B("").isdigit() && !B("1a").isdigit(), Is.True);
        Assert.That(B("a") + B("b") == "ab"u8, Is.True);
        Assert.That(PyBytes.join(",", [B("1"), B("2")]) == "1,2"u8, Is.True);
        Assert.That(PyBytes.join(B(" "), B("1 2 3").split()) == "1 2 3"u8, Is.True);
        Assert.That(B("a,,b").split(",").Select(p => p.decode()), Is.EqualTo(new[] { "a", "", "b" }));
        Assert.That(B("a<>b").split(B("<>")).Select(p => p.decode()), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(B("\u00e9").decode("latin-1"), Is.EqualTo("é"));
        Assert.That(B("\u00ff\u0000").hex(), Is.EqualTo("ff00"));
        Assert.That(B("ab").ToList(), Is.EqualTo(new byte[] { 97, 98 }));   // list(b'ab') == [97, 98]
        Assert.Throws<ArgumentException>(() => B("abc").split(""));
    }

    [Test]
    public void Data_items_compare_by_value_too()
    {
        ImapItem a = ImapItem.FromString("1 2"), b = ImapItem.FromString("1 2");
        Assert.That(a == b, Is.True);
        Assert.That(a != ImapItem.FromString("1"), Is.True);
        ImapItem? none = null;
        Assert.That(none == null, Is.True);
        Assert.That(a == none, Is.False);
        Assert.That(a == B("1 2"), Is.True);   // data[0] == b'1 2'
        PyBytes fromItem = a;
        Assert.That(fromItem == "1 2"u8, Is.True);
        Assert.That(ImapItem.Pair("h"u8.ToArray(), "body"u8.ToArray())[1] == "body"u8, Is.True);
    }

    [Test]
    public void Serialises_to_json_as_a_byte_array_does()
    {
        var value = new List<PyBytes> { B("1"), B("\u00ff") };
        string json = JsonSerializer.Serialize(value);
        Assert.That(json, Is.EqualTo(JsonSerializer.Serialize(new List<byte[]> { "1"u8.ToArray(), new byte[] { 0xff } })));
        Assert.That(JsonSerializer.Deserialize<List<PyBytes>>(json), Is.EqualTo(value));
    }

    [Test]
    public void Numbers_from_split_go_back_to_the_server_as_they_came()
    {
        using var M = new ObservedIMAP4(Scripts.Preauth() + """
            C: {tag} SELECT INBOX
            S: {tag} OK done
            C: {tag} SEARCH ALL
            S: * SEARCH 2 4
            S: {tag} OK done
            C: {tag} FETCH 2 (FLAGS)
            S: {tag} OK done
            C: {tag} FETCH 4 (FLAGS)
            S: {tag} OK done
            C: {tag} STORE 2,4 +FLAGS (\Seen)
            S: {tag} OK done
            C: {tag} FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)])
            S: {tag} OK done
            """);
        M.select();
        var (_, data) = M.search(null, "ALL");
        foreach (var num in data[0].split()) M.fetch(num, "(FLAGS)");
        M.store(data[0].split(), "+FLAGS", "\\Seen");
        M.fetch("1", "(BODY[HEADER.FIELDS (?)])", [B("SUBJECT")]);
        Assert.That(M.SentText, Does.Contain(" FETCH 2 (FLAGS)\r\n").And.Contain(" FETCH 4 (FLAGS)\r\n")
            .And.Contain(" STORE 2,4 +FLAGS (\\Seen)\r\n").And.Contain(" FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)])\r\n"));
        M.AssertComplete();
    }

    [Test]
    public void The_read_hooks_and_the_greeting_give_PyBytes_as_Python_gives_bytes()
    {
        using var M = new ScriptedIMAP4(Scripts.Preauth() + """
            C: {tag} NOOP
            S: {tag} OK done
            """);
        Assert.That(M.welcome.ToString(), Is.EqualTo("b'* PREAUTH hi'"));   // print(M.welcome)
        Assert.That(M.welcome == "* PREAUTH hi"u8, Is.True);
        Assert.That(M.tagpre.Length, Is.EqualTo(4));
        Assert.That($"{M.tagpre}", Does.Match("^b'[A-P]{4}'$"));
        var tag = M._new_tag();
        M.send(tag + " NOOP\r\n"u8);
        var line = M.readline();
        Assert.That(line == tag + " OK done\r\n"u8, Is.True);   // contents, not references
        Assert.That(line.startswith(M.tagpre) && line.endswith("\r\n"u8), Is.True);
        Assert.That(line.ToString(), Is.EqualTo($"b'{tag.decode()} OK done\\r\\n'"));
        M.AssertComplete();
    }

    [Test]
    public void Every_comparison_form_and_the_byte_array_methods_agree()
    {
        PyBytes ok = "OK"u8.ToArray();
        Assert.That(ok != "NO"u8 && "OK"u8 == ok && !("OK"u8 != ok) && "NO"u8 != ok, Is.True);
        Assert.That(ok.Equals((object)ImapItem.FromString("OK")) && !ok.Equals((object)"OK") && !ok.Equals((object?)null), Is.True);
        Assert.That(((IReadOnlyCollection<byte>)ok).Count, Is.EqualTo(2));
        Assert.That(B("\u00e9\0\0\0").decode("utf-32"), Is.EqualTo("é"));   // any other name .NET knows
        Assert.Throws<ArgumentException>(() => B("x").decode("no-such-codec"));   // Python: LookupError
        // Python drops a byte-order mark for utf-16/utf-32/utf-8-sig and reads little-endian without one.
        Assert.That(new[] { B("\u00ff\u00fe\u00e9\0").decode("utf-16"), B("\u00fe\u00ff\0\u00e9").decode("utf-16"), B("\u00e9\0").decode("utf-16"),
            B("\u00ff\u00fe\0\0\u00e9\0\0\0").decode("utf-32"), B("\u00ef\u00bb\u00bfa").decode("utf-8-sig") }, Is.EqualTo(new[] { "é", "é", "é", "é", "a" }));
        Assert.That(B("\u00ef\u00bb\u00bfa").decode("utf-8"), Is.EqualTo("\ufeffa"));
        ImapItem item = ImapItem.FromString("OK");
        ImapItem? none = null;
        Assert.That(item != B("NO") && !(item != ok) && ok == item && !(ok != item) && item != "NO"u8 && ok != none, Is.True);
        Assert.That(item.Equals((object)ok) && item.Equals((object)"OK"u8.ToArray()) && !item.Equals((object)42), Is.True);
        Assert.That(ImapItem.Pair("h"u8.ToArray(), "b"u8.ToArray()).Equals((object)B("b")), Is.False);   // a pair is not bytes
        byte[] line = "* OK ready \r\n"u8.ToArray();
        Assert.That(line.startswith("* "u8) && line.endswith("\r\n"u8) && line.find("OK"u8) == 2, Is.True);
        Assert.That(line.strip() == "* OK ready"u8, Is.True);
        var list = new PyList<PyBytes>([B("1"), B("2")]);
        Assert.That(list.ToString(), Is.EqualTo("[b'1', b'2']"));
        Assert.That(new PyList<int>().ToString(), Is.EqualTo("[]"));
        var tuple = new PyTuple<PyBytes>([B("\\Seen")]);
        Assert.That((tuple.Length, tuple.ToString()), Is.EqualTo((1, "(b'\\\\Seen',)")));
        Assert.That(System.Text.Json.JsonSerializer.Serialize(tuple), Is.EqualTo("[\"XFNlZW4=\"]"));
    }
}
