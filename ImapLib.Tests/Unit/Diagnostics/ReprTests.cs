using ImapLib.Testing;

namespace ImapLib.Tests.Unit.Diagnostics;

/// <summary>One repr: results, items, logs and the examples' helper print what Python's <c>repr</c> prints.</summary>
public class ReprTests
{
    [Test]
    public void A_result_prints_as_python_prints_the_tuple()
    {
        var transcript = Transcript.Parse("""
            S: * OK [CAPABILITY IMAP4rev1] ready
            C: {tag} LOGIN user "pa ss"
            S: {tag} OK [CAPABILITY IMAP4rev1 IDLE] logged in
            C: {tag} SELECT INBOX
            S: * 3 EXISTS
            S: {tag} OK [READ-WRITE] done
            C: {tag} FETCH 1 (RFC822)
            S: * 1 FETCH (RFC822 {6}
            S: a'b"
            S: )
            S: {tag} OK done
            """);
        using var M = new ScriptedIMAP4(transcript);
        Assert.That(M.login("user", "pa ss").ToString(), Is.EqualTo("('OK', [b'[CAPABILITY IMAP4rev1 IDLE] logged in'])"));
        Assert.That(M.select().ToString(), Is.EqualTo("('OK', [b'3'])"));
        var result = M.fetch("1", "(RFC822)");
        Assert.That(result.ToString(), Is.EqualTo("""('OK', [(b'1 (RFC822 {6}', b'a\'b"\r\n'), b')'])"""));
        Assert.That(PyRepr.repr(result), Is.EqualTo(result.ToString()));
        Assert.That(PyRepr.repr(result.data), Is.EqualTo(PyRepr.Of(result.data)));
        M.AssertComplete();
    }

    [Test]
    public void A_data_list_prints_as_python_prints_the_list()   // issue 16: Console.WriteLine(data), print(typ, data)
    {
        var transcript = Transcript.Parse("""
            S: * PREAUTH ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            C: {tag} SELECT INBOX
            S: * 3 EXISTS
            S: {tag} OK [READ-WRITE] done
            C: {tag} SEARCH ALL
            S: * SEARCH 1 2 3
            S: {tag} OK done
            C: {tag} FETCH 1 (RFC822)
            S: * 1 FETCH (RFC822 {4}
            S: hi
            S: )
            S: {tag} OK done
            """);
        using var M = new ScriptedIMAP4(transcript);
        var (typ, data) = M.select();
        Assert.That($"{typ} {data}", Is.EqualTo("OK [b'3']"));
        (typ, data) = M.search(null, "ALL");
        var output = new StringWriter();
        output.Write(data);
        Assert.That(output.ToString(), Is.EqualTo("[b'1 2 3']"));
        Assert.That(M.response("FLAGS").data.ToString(), Is.EqualTo("[None]"));
        Assert.That(M.fetch("1", "(RFC822)").data.ToString(), Is.EqualTo(@"[(b'1 (RFC822 {4}', b'hi\r\n'), b')']"));
        List<ImapItem?> asList = data;   // still a List, for code that declared one
        Assert.That(asList, Has.Count.EqualTo(1));
        M.AssertComplete();
    }

    [Test]
    public void The_python_values_scripts_print()
    {
        Assert.That(PyRepr.repr(null), Is.EqualTo("None"));
        Assert.That(PyRepr.repr("it's"), Is.EqualTo("\"it's\""));
        Assert.That(PyRepr.repr(new byte[] { 0, (byte)'\'', 0xe9 }), Is.EqualTo("b\"\\x00'\\xe9\""));
        Assert.That(PyRepr.repr(true), Is.EqualTo("True"));
        Assert.That(PyRepr.repr(("OK", 3)), Is.EqualTo("('OK', 3)"));
        Assert.That(PyRepr.repr(new[] { "one" }), Is.EqualTo("('one',)"));
        Assert.That(PyRepr.repr(new List<object?> { 1.5, null }), Is.EqualTo("[1.5, None]"));
        Assert.That(new ImapResult("NO", [null]).ToString(), Is.EqualTo("('NO', [None])"));
        Assert.That(default(ImapResult).ToString(), Is.EqualTo("('', [])"));
    }

    [Test]
    public void A_result_deconstructs_compares_and_converts_like_the_tuple_it_replaces()
    {
        ImapResult result = ("OK", new List<ImapItem?> { ImapItem.FromString("1 2") });
        var (typ, data) = result;
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data[0]!.split(), Has.Count.EqualTo(2));
        Assert.That(result, Is.EqualTo(("OK", new List<ImapItem?> { ImapItem.FromString("1 2") })));
        Assert.That(result == new ImapResult("OK", [ImapItem.FromString("1 2")]), Is.True);
        Assert.That(result != new ImapResult("NO", [ImapItem.FromString("1 2")]), Is.True);
        (string t, List<ImapItem?> d) tuple = result;
        Assert.That(tuple.t, Is.EqualTo("OK"));
        Assert.That(result.GetHashCode(), Is.EqualTo(new ImapResult("OK", [ImapItem.FromString("1 2")]).GetHashCode()));
    }
}
