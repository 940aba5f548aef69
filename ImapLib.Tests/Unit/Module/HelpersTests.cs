using System.Text;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// The module-level helpers (Int2AP, ParseFlags, Time2Internaldate, Internaldate2tuple), ImapItem, the Python
/// bytes helpers and Python's repr. Every expected value was printed by CPython 3.11 for the same input, with the
/// time zone fixed as stated.
/// </summary>
public class HelpersTests
{
    private static byte[] B(string text) => Encoding.Latin1.GetBytes(text);

    private static string S(byte[] bytes) => Encoding.Latin1.GetString(bytes);
    private static string S(PyBytes bytes) => Encoding.Latin1.GetString(bytes);

    // ---- Int2AP ----------------------------------------------------------------------------------------

    [TestCase(0L, "")]
    [TestCase(1L, "B")]
    [TestCase(15L, "P")]
    [TestCase(16L, "BA")]
    [TestCase(4096L, "BAAA")]
    [TestCase(65535L, "PPPP")]
    [TestCase(-255L, "PP")]
    [TestCase(long.MaxValue, "HPPPPPPPPPPPPPPP")]
    public void Int2AP_matches_Python(long number, string expected)
    {
        Assert.That(S(imaplib.Int2AP(number)), Is.EqualTo(expected));
    }

    [Test]
    public void Int2AP_of_the_most_negative_long_is_its_absolute_value()
    {
        // Python: imaplib.Int2AP(-2**63) == b'IAAAAAAAAAAAAAAA'
        Assert.That(S(imaplib.Int2AP(long.MinValue)), Is.EqualTo("IAAAAAAAAAAAAAAA"));
    }

    // ---- ParseFlags ------------------------------------------------------------------------------------

    [TestCase("1 (FLAGS (\\Seen \\Answered) UID 3)", new[] { "\\Seen", "\\Answered" })]
    [TestCase("1 (UID 3)", new string[0])]
    [TestCase("1 (FLAGS ())", new string[0])]
    [TestCase("1 (FLAGS (\\Seen) X FLAGS (\\Draft))", new[] { "\\Draft" })]   // the regex is greedy: the last FLAGS wins
    [TestCase("12 (FLAGS ($Junk  \\Flagged\tkw))", new[] { "$Junk", "\\Flagged", "kw" })]
    public void ParseFlags_matches_Python(string response, string[] expected)
    {
        Assert.That(imaplib.ParseFlags(B(response)).Select(S), Is.EqualTo(expected));
    }

    // ---- Time2Internaldate -----------------------------------------------------------------------------

    private static void InZone(string tz, Action action) => LocalZone.With(tz, action);

    [Test]
    public void The_TZ_switch_used_by_these_tests_works()
    {
        InZone("America/New_York", () =>
            Assert.That(TimeZoneInfo.Local.GetUtcOffset(new DateTime(2033, 5, 18, 3, 33, 20, DateTimeKind.Utc)), Is.EqualTo(TimeSpan.FromHours(-4))));
        InZone("UTC", () => Assert.That(TimeZoneInfo.Local.BaseUtcOffset, Is.EqualTo(TimeSpan.Zero)));
    }

    [Test]
    public void Time2Internaldate_of_epoch_numbers_in_UTC()
    {
        InZone("UTC", () => Assert.Multiple(() =>
        {
            Assert.That(imaplib.Time2Internaldate(2000000000), Is.EqualTo("\"18-May-2033 03:33:20 +0000\""));
            Assert.That(imaplib.Time2Internaldate(2000000000L), Is.EqualTo("\"18-May-2033 03:33:20 +0000\""));
            Assert.That(imaplib.Time2Internaldate(2000000000.0), Is.EqualTo("\"18-May-2033 03:33:20 +0000\""));
            Assert.That(imaplib.Time2Internaldate(2000000000f), Is.EqualTo("\"18-May-2033 03:33:20 +0000\""));
            Assert.That(imaplib.Time2Internaldate(2000000000m), Is.EqualTo("\"18-May-2033 03:33:20 +0000\""));
            Assert.That(imaplib.Time2Internaldate(0), Is.EqualTo("\"01-Jan-1970 00:00:00 +0000\""));
            Assert.That(imaplib.Time2Internaldate(0.5), Is.EqualTo("\"01-Jan-1970 00:00:00 +0000\""));
            Assert.That(imaplib.Time2Internaldate(-0.5), Is.EqualTo("\"31-Dec-1969 23:59:59 +0000\""));
            Assert.That(imaplib.Time2Internaldate(1e9 + 0.999), Is.EqualTo("\"09-Sep-2001 01:46:40 +0000\""));
        }));
    }

    [Test]
    public void Time2Internaldate_rounds_fractional_seconds_to_microseconds_as_Python()
    {
        // datetime.fromtimestamp rounds to the microsecond (half to even) before the seconds are shown.
        InZone("UTC", () => Assert.Multiple(() =>
        {
            Assert.That(imaplib.Time2Internaldate(86399.9999996), Is.EqualTo("\"02-Jan-1970 00:00:00 +0000\""));
            Assert.That(imaplib.Time2Internaldate(1.9999999), Is.EqualTo("\"01-Jan-1970 00:00:02 +0000\""));
        }));
    }

    [Test]
    public void Time2Internaldate_of_epoch_numbers_uses_the_local_zone()
    {
        InZone("America/New_York", () => Assert.Multiple(() =>
        {
            Assert.That(imaplib.Time2Internaldate(2000000000), Is.EqualTo("\"17-May-2033 23:33:20 -0400\""));
            Assert.That(imaplib.Time2Internaldate(1700000000), Is.EqualTo("\"14-Nov-2023 17:13:20 -0500\""));
            Assert.That(imaplib.Time2Internaldate(0), Is.EqualTo("\"31-Dec-1969 19:00:00 -0500\""));
        }));
        InZone("Asia/Kolkata", () =>
            Assert.That(imaplib.Time2Internaldate(2000000000), Is.EqualTo("\"18-May-2033 09:03:20 +0530\"")));
    }

    [TestCase(2, 0, "\"18-May-2033 05:33:20 +0200\"")]
    [TestCase(-5, 0, "\"17-May-2033 22:33:20 -0500\"")]
    [TestCase(5, 30, "\"18-May-2033 09:03:20 +0530\"")]
    [TestCase(-9, -30, "\"17-May-2033 18:03:20 -0930\"")]
    [TestCase(0, 0, "\"18-May-2033 03:33:20 +0000\"")]
    [TestCase(14, 0, "\"18-May-2033 17:33:20 +1400\"")]
    [TestCase(-12, 0, "\"17-May-2033 15:33:20 -1200\"")]
    public void Time2Internaldate_of_a_DateTimeOffset_keeps_its_offset(int hours, int minutes, string expected)
    {
        var offset = new TimeSpan(hours, minutes, 0);
        var moment = DateTimeOffset.FromUnixTimeSeconds(2000000000).ToOffset(offset);
        Assert.That(imaplib.Time2Internaldate(moment), Is.EqualTo(expected));
    }

    [Test]
    public void Time2Internaldate_of_DateTimes()
    {
        Assert.That(imaplib.Time2Internaldate(new DateTime(2024, 1, 5, 7, 8, 9, DateTimeKind.Utc)), Is.EqualTo("\"05-Jan-2024 07:08:09 +0000\""));
        InZone("America/New_York", () =>
        {
            var local = DateTimeOffset.FromUnixTimeSeconds(2000000000).LocalDateTime;
            Assert.That(local.Kind, Is.EqualTo(DateTimeKind.Local));
            Assert.That(imaplib.Time2Internaldate(local), Is.EqualTo("\"17-May-2033 23:33:20 -0400\""));
        });
        var ex = Assert.Throws<ArgumentException>(() => imaplib.Time2Internaldate(new DateTime(2024, 1, 5, 7, 8, 9, DateTimeKind.Unspecified)));
        Assert.That(ex!.Message, Does.StartWith("date_time must be aware"));
    }

    [Test]
    public void Time2Internaldate_passes_a_quoted_string_through_and_refuses_other_types()
    {
        Assert.That(imaplib.Time2Internaldate("\"18-May-2033 05:33:20 +0200\""), Is.EqualTo("\"18-May-2033 05:33:20 +0200\""));
        Assert.That(imaplib.Time2Internaldate("\"anything quoted\""), Is.EqualTo("\"anything quoted\""));
        foreach (object value in new object[] { "18-May-2033 05:33:20 +0200", "\"half", "", TimeSpan.FromHours(1), new object(), new[] { 2033, 5, 18 } })
        {
            var ex = Assert.Throws<ArgumentException>(() => imaplib.Time2Internaldate(value), value.ToString() ?? "");
            Assert.That(ex!.Message, Does.StartWith("date_time not of a known type"));
        }
    }

    // ---- Internaldate2tuple ----------------------------------------------------------------------------

    [TestCase("25 (INTERNALDATE \"01-Jan-2000 00:00:00 +0000\")", 946684800L)]
    [TestCase("25 (INTERNALDATE \"01-Jan-2000 11:30:00 +1130\")", 946684800L)]
    [TestCase("25 (INTERNALDATE \"31-Dec-1999 12:30:00 -1130\")", 946684800L)]
    [TestCase("25 (INTERNALDATE \" 1-Feb-2021 10:00:00 -0800\")", 1612202400L)]
    [TestCase("1 (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286)", 837596665L)]
    [TestCase("INTERNALDATE \"29-Feb-2024 23:59:59 +1400\"", 1709200799L)]
    [TestCase("25 (INTERNALDATE \"32-Jan-2000 00:00:00 +0000\")", 949363200L)]   // rolls over as calendar.timegm does
    [TestCase("25 (INTERNALDATE \"00-Jan-2000 00:00:00 +0000\")", 946598400L)]
    public void Internaldate2tuple_gives_the_moment_Python_gives(string response, long epoch)
    {
        var moment = imaplib.Internaldate2tuple(B(response));
        Assert.That(moment, Is.Not.Null);
        Assert.That(moment!.Value.ToUnixTimeSeconds(), Is.EqualTo(epoch));
    }

    [TestCase("25 (INTERNALDATE \"1-Jan-2000 00:00:00 +0000\")")]
    [TestCase("no date")]
    [TestCase("25 (INTERNALDATE \"01-Jan-2000 00:00:00 0000\")")]
    [TestCase("25 (INTERNALDATE \"01-JAN-2000 00:00:00 +0000\")")]
    [TestCase("25 (INTERNALDATE \"01-Foo-2000 00:00:00 +0000\")")]
    [TestCase("25 (INTERNALDATE 01-Jan-2000 00:00:00 +0000)")]
    public void Internaldate2tuple_of_a_wrong_format_is_null(string response)
    {
        Assert.That(imaplib.Internaldate2tuple(B(response)), Is.Null);
    }

    [Test]
    public void Internaldate2tuple_is_in_local_time()
    {
        InZone("America/New_York", () =>
        {
            var moment = imaplib.Internaldate2tuple(B("25 (INTERNALDATE \"01-Jan-2000 11:30:00 +1130\")"))!.Value;
            Assert.That(moment.Offset, Is.EqualTo(TimeSpan.FromHours(-5)));
            Assert.That((moment.Year, moment.Month, moment.Day, moment.Hour), Is.EqualTo((1999, 12, 31, 19)));
        });
    }

    [Test]
    public void Internaldate2tuple_distinguishes_times_around_a_DST_change()   // bpo-10941
    {
        InZone("America/Denver", () =>
        {
            var a = imaplib.Internaldate2tuple(B("25 (INTERNALDATE \"02-Apr-2000 02:30:00 +0000\")"));
            var b = imaplib.Internaldate2tuple(B("25 (INTERNALDATE \"02-Apr-2000 03:30:00 +0000\")"));
            Assert.That(a, Is.Not.EqualTo(b));
            Assert.That(b!.Value - a!.Value, Is.EqualTo(TimeSpan.FromHours(1)));
        });
    }

    // ---- ImapItem --------------------------------------------------------------------------------------

    [Test]
    public void ImapItem_byte_string_behaves_like_Python_bytes()
    {
        var item = ImapItem.FromBytes(B("1 2  3\t4"));
        Assert.That(item.IsBytes && !item.IsPair && !item.IsList, Is.True);
        Assert.That(item.Length, Is.EqualTo(8));
        Assert.That(item.split().Select(S), Is.EqualTo(new[] { "1", "2", "3", "4" }));
        Assert.That(ImapItem.FromString("a,,b").split(",").Select(S), Is.EqualTo(new[] { "a", "", "b" }));
        Assert.That(item.decode(), Is.EqualTo("1 2  3\t4"));
        Assert.That(ImapItem.FromBytes([0xe9]).decode("latin-1"), Is.EqualTo("é"));
        Assert.That(ImapItem.FromString("é").decode(), Is.EqualTo("é"));
        Assert.That(ImapItem.FromString("é").Length, Is.EqualTo(2));
        byte[] raw = item;   // implicit conversion
        Assert.That(S(raw), Is.EqualTo("1 2  3\t4"));
        Assert.That(item.Bytes, Is.SameAs(raw));
        Assert.Throws<InvalidOperationException>(() => _ = item[0]);
        Assert.Throws<InvalidOperationException>(() => _ = item.Header);
        Assert.Throws<InvalidOperationException>(() => _ = item.Items);
        // Python's bytes iterate by byte: here as one-byte items (b[i:i+1]), never an exception.
        Assert.That(item.Select(b => b!.decode()), Is.EqualTo(new[] { "1", " ", "2", " ", " ", "3", "\t", "4" }));
        Assert.That(item is (byte[], byte[]), Is.False);
        Assert.Throws<ArgumentNullException>(() => ImapItem.FromBytes(null!));
    }

    [Test]
    public void ImapItem_pair_behaves_like_a_Python_tuple()
    {
        var pair = ImapItem.Pair(B("1 (RFC822 {5}"), B("hello"));
        Assert.That(pair.IsPair && !pair.IsBytes && !pair.IsList, Is.True);
        Assert.That(pair.Length, Is.EqualTo(2));
        Assert.That(pair[0], Is.EqualTo(ImapItem.FromString("1 (RFC822 {5}")));
        Assert.That(pair[1], Is.EqualTo(ImapItem.FromString("hello")));
        Assert.That(pair[-1], Is.EqualTo(ImapItem.FromString("hello")));
        Assert.That(pair[-2], Is.EqualTo(ImapItem.FromString("1 (RFC822 {5}")));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = pair[2]);
        Assert.That(pair is (byte[] header, byte[] body) && S(header) == "1 (RFC822 {5}" && S(body) == "hello", Is.True);
        var (h, b) = pair;
        Assert.That((S(h!), S(b!)), Is.EqualTo(("1 (RFC822 {5}", "hello")));
        Assert.That(pair.Select(part => part!.decode()), Is.EqualTo(new[] { "1 (RFC822 {5}", "hello" }));
        Assert.Throws<InvalidOperationException>(() => _ = pair.Bytes);
        byte[] literal = pair;   // where a byte string is expected, a pair gives its literal (the message data)
        Assert.That(S(literal), Is.EqualTo("hello"));
        Assert.Throws<InvalidOperationException>(() => pair.decode());
        Assert.That(pair.ToString(), Is.EqualTo("(b'1 (RFC822 {5}', b'hello')"));
    }

    [Test]
    public void ImapItem_list_behaves_like_a_Python_list()
    {
        var list = ImapItem.List([ImapItem.FromString("a"), null, ImapItem.List([ImapItem.FromString("x")])]);
        Assert.That(list.IsList, Is.True);
        Assert.That(list.Length, Is.EqualTo(3));
        Assert.That(list[1], Is.Null);
        Assert.That(list[-1]!.IsList, Is.True);
        Assert.That(list[-1]![0], Is.EqualTo(ImapItem.FromString("x")));
        Assert.That(list.ToString(), Is.EqualTo("[b'a', None, [b'x']]"));
        Assert.That(list.Count(), Is.EqualTo(3));
    }

    [Test]
    public void ImapItem_equality_is_by_value_and_kind()
    {
        Assert.That(ImapItem.FromString("a"), Is.EqualTo(ImapItem.FromBytes(B("a"))));
        Assert.That(ImapItem.FromString("a").GetHashCode(), Is.EqualTo(ImapItem.FromBytes(B("a")).GetHashCode()));
        Assert.That(ImapItem.FromString("a"), Is.Not.EqualTo(ImapItem.FromString("b")));
        ImapItem pair1 = ImapItem.Pair(B("h"), B("b")), pair2 = ImapItem.Pair(B("h"), B("b"));
        Assert.That(pair1, Is.EqualTo(pair2));
        Assert.That(pair1.GetHashCode(), Is.EqualTo(pair2.GetHashCode()));
        Assert.That(ImapItem.Pair(B("h"), B("b")), Is.Not.EqualTo(ImapItem.Pair(B("h"), B("c"))));
        Assert.That(ImapItem.Pair(B("h"), B("b")).Equals(ImapItem.FromString("h")), Is.False);
        Assert.That(ImapItem.FromString("h").Equals(ImapItem.Pair(B("h"), B("b"))), Is.False);
        ImapItem list1 = ImapItem.List([ImapItem.FromString("a"), null]), list2 = ImapItem.List([ImapItem.FromString("a"), null]);
        Assert.That(list1, Is.EqualTo(list2));
        Assert.That(list1.GetHashCode(), Is.EqualTo(list2.GetHashCode()));
        Assert.That(ImapItem.List([ImapItem.FromString("a")]), Is.Not.EqualTo(ImapItem.List([ImapItem.FromString("a"), null])));
        Assert.That(ImapItem.List([]).Equals(ImapItem.FromString("")), Is.False);
        Assert.That(ImapItem.FromString("").Equals(ImapItem.List([])), Is.False);
        Assert.That(ImapItem.FromString("a").Equals(null), Is.False);
        Assert.That(ImapItem.FromString("a").Equals((object)"a"), Is.False);
    }

    [TestCase(new byte[] { (byte)'i', (byte)'t', (byte)'\'', (byte)'s' }, "b\"it's\"")]
    [TestCase(new byte[] { (byte)'\'', (byte)'"' }, "b'\\'\"'")]
    [TestCase(new byte[] { 0x00, 0x7f, 0xff, (byte)'\t', (byte)'\r', (byte)'\n', (byte)'\\', 0x1b }, "b'\\x00\\x7f\\xff\\t\\r\\n\\\\\\x1b'")]
    [TestCase(new byte[] { (byte)'s', (byte)'a', (byte)'y', (byte)' ', (byte)'"', (byte)'h', (byte)'i', (byte)'"' }, "b'say \"hi\"'")]
    [TestCase(new byte[0], "b''")]
    public void ImapItem_ToString_is_Python_repr(byte[] bytes, string expected)
    {
        Assert.That(ImapItem.FromBytes(bytes).ToString(), Is.EqualTo(expected));
        Assert.That(PyRepr.Of(bytes), Is.EqualTo(expected));
    }

    [Test]
    public void Python_repr_of_str_and_lists()
    {
        Assert.That(PyRepr.Of("it's"), Is.EqualTo("\"it's\""));
        Assert.That(PyRepr.Of("a\"b'c"), Is.EqualTo("'a\"b\\'c'"));
        Assert.That(PyRepr.Of("\u0000\u007f\t"), Is.EqualTo("'\\x00\\x7f\\t'"));
        Assert.That(PyRepr.Of("back\\slash"), Is.EqualTo("'back\\\\slash'"));
        Assert.That(PyRepr.Of(new ImapItem?[] { ImapItem.FromString("1"), null, ImapItem.Pair(B("h"), B("b")) }),
            Is.EqualTo("[b'1', None, (b'h', b'b')]"));
        Assert.That(PyRepr.Of((ImapItem?)null), Is.EqualTo("None"));
    }

    // ---- PyBytes ---------------------------------------------------------------------------------------

    [Test]
    public void PyBytes_split_join_decode_hex_match_Python()
    {
        Assert.That(B("1 2  3\t4\v5\f6\r\n").split().Select(S), Is.EqualTo(new[] { "1", "2", "3", "4", "5", "6" }));
        Assert.That(Array.Empty<byte>().split(), Is.Empty);
        Assert.That(B("   ").split(), Is.Empty);
        Assert.That(B("a,,b").split(",").Select(S), Is.EqualTo(new[] { "a", "", "b" }));
        Assert.That(Array.Empty<byte>().split(",").Select(S), Is.EqualTo(new[] { "" }));
        Assert.That(B(",a,").split(",").Select(S), Is.EqualTo(new[] { "", "a", "" }));
        Assert.That(B("a<>b<>c").split("<>").Select(S), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.Throws<ArgumentException>(() => B("abc").split(""));
        Assert.That(S(PyBytes.join(",", [B("1"), B("2"), B("3")])), Is.EqualTo("1,2,3"));
        Assert.That(PyBytes.join(",", []), Is.Empty);
        Assert.That(S(PyBytes.join("", [B("a"), B("b")])), Is.EqualTo("ab"));
        Assert.That(new byte[] { 0xff, 0xfe, 0x00 }.hex(), Is.EqualTo("fffe00"));
        Assert.That(B("abc").decode("ascii"), Is.EqualTo("abc"));
        Assert.That(new byte[] { 0xc3, 0xa9 }.decode("utf-8"), Is.EqualTo("é"));
        Assert.That(new byte[] { 0xc3, 0xa9 }.decode("UTF8"), Is.EqualTo("é"));
        Assert.That(new byte[] { 0xe9 }.decode("iso-8859-1"), Is.EqualTo("é"));
        // Strict by default, as Python: UnicodeDecodeError (a ValueError) is a DecoderFallbackException (an
        // ArgumentException) with Python's message; "replace" and "ignore" as in Python.
        Assert.That(() => new byte[] { 0x61, 0xff }.decode(), Throws.InstanceOf<DecoderFallbackException>()
            .With.Message.EqualTo("'utf-8' codec can't decode byte 0xff in position 1"));
        Assert.That(() => new byte[] { 0x61, 0xff }.decode("ascii"), Throws.InstanceOf<ArgumentException>()
            .With.Message.EqualTo("'ascii' codec can't decode byte 0xff in position 1"));
        Assert.That(new byte[] { 0x61, 0xff, 0x62 }.decode("utf-8", "replace"), Is.EqualTo("a\uFFFDb"));
        Assert.That(new byte[] { 0x61, 0xff, 0x62 }.decode("ascii", "ignore"), Is.EqualTo("ab"));
        Assert.That(ImapItem.FromBytes([0x61, 0xff]).decode("utf-8", "replace"), Is.EqualTo("a\uFFFD"));
        Assert.Throws<ArgumentException>(() => B("a").decode("utf-8", "bogus"));
    }
}
