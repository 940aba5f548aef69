using System.Reflection;
using ImapLib.Testing;

namespace ImapLib.Tests.Unit.Protocol;

/// <summary>
/// The command table is the one list of commands: legality, upper-case twins and uid() routing are derived from
/// it. These tests fail when a command drifts from its row: a method without its twin, a UID-capable row whose
/// method lacks <c>uid:</c>, or a <c>uid()</c> call that writes arguments differently from the plain command.
/// </summary>
public class CommandTableTests
{
    private static readonly MethodInfo[] Public = typeof(IMAP4).GetMethods(BindingFlags.Public | BindingFlags.Instance)
        .Where(m => m.DeclaringType == typeof(IMAP4) && !m.IsSpecialName).ToArray();

    private static bool IsCommand(string name) => CommandTable.Rows.Any(row => row.Name == name);

    [Test]
    public void Legality_is_the_table_s()
    {
        foreach (var row in CommandTable.Rows)
            Assert.That(imaplib.Commands[row.Name], Is.EqualTo(row.States), row.Name);
        Assert.That(imaplib.Commands.Keys.Where(IsCommand), Has.Exactly(CommandTable.Rows.Count).Items);
        Assert.That(CommandTable.Rows.Select(r => r.Name), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), "rows stay alphabetical");
    }

    [Test]
    public void Every_command_method_has_an_upper_case_twin_with_the_same_parameters()
    {
        var lower = Public.Where(m => m.Name == m.Name.ToLowerInvariant() && IsCommand(m.Name.ToUpperInvariant())).ToList();
        Assert.That(lower, Is.Not.Empty);
        foreach (var method in lower)
        {
            var twin = typeof(IMAP4).GetMethod(method.Name.ToUpperInvariant(), method.GetParameters().Select(p => p.ParameterType).ToArray());
            Assert.That(twin, Is.Not.Null, $"{method} has no upper-case twin");
            Assert.That(twin!.ReturnType, Is.EqualTo(method.ReturnType), method.ToString());
            Assert.That(twin.GetParameters().Select(Shape), Is.EqualTo(method.GetParameters().Select(Shape)), method.ToString());
        }
        // ...and no twin exists without a command behind it.
        var upper = Public.Where(m => m.Name == m.Name.ToUpperInvariant() && m.Name.Any(char.IsLetter)).Select(m => m.Name).Distinct();
        Assert.That(upper.Where(name => !IsCommand(name)), Is.Empty);
        Assert.That(typeof(IMAP4).GetMethod("ID"), Is.Not.Null, "id() had no twin before the twins were generated");
    }

    private static string Shape(ParameterInfo p) =>
        $"{p.Name}:{p.ParameterType}:{(p.HasDefaultValue ? p.DefaultValue ?? "null" : "-")}:{p.IsDefined(typeof(ParamArrayAttribute))}";

    [Test]
    public void Uid_capable_rows_and_the_uid_keyword_agree()
    {
        var withUidKeyword = Public.Where(m => m.GetParameters().Any(p => p.Name == "uid" && p.ParameterType == typeof(bool)))
            .Select(m => m.Name.ToUpperInvariant()).Where(IsCommand).ToHashSet();
        var uidRows = CommandTable.Rows.Where(r => r.Uid).Select(r => r.Name).ToHashSet();
        Assert.That(withUidKeyword, Is.EquivalentTo(uidRows));
        Assert.That(UidCases().Select(c => c.Arguments[0]), Is.EquivalentTo(uidRows), "every UID row has a routing case below");
    }

    /// <summary>For each UID-capable command: the keyword form, and the same arguments through uid().</summary>
    private static IEnumerable<TestCaseData> UidCases()
    {
        object?[] set = [1, (3, 5)];
        yield return Case("COPY", M => M.copy(set, "Old mail", uid: true), "1,3:5", "Old mail");
        yield return Case("EXPUNGE", M => M.expunge(set, uid: true), "1,3:5");
        yield return Case("FETCH", M => M.fetch(set, "RFC822", uid: true), "1,3:5", "RFC822");
        yield return Case("MOVE", M => M.move(set, "Ärchive", uid: true), "1,3:5", "Ärchive");
        yield return Case("SEARCH", M => M.search(null, uid: true, "ALL"), "ALL");
        yield return Case("SORT", M => M.sort("DATE", "UTF-8", uid: true, "SUBJECT", "café"), "DATE", "UTF-8", "SUBJECT", "café");
        yield return Case("STORE", M => M.store(set, "+FLAGS", "\\Seen", uid: true), "1,3:5", "+FLAGS", "\\Seen");
        yield return Case("THREAD", M => M.thread("REFERENCES", "UTF-8", uid: true, "ALL"), "REFERENCES", "UTF-8", "ALL");
    }

    private static TestCaseData Case(string name, Func<IMAP4, ImapResult> keyword, params object[] args) =>
        new TestCaseData(name, keyword, args.Select(a => a is string s ? (ImapArg?)s : null).ToArray()).SetName($"Uid_routing_of_{name}_writes_what_the_keyword_form_writes");

    [TestCaseSource(nameof(UidCases))]
    public void Uid_routing(string name, Func<IMAP4, ImapResult> keyword, ImapArg?[] args)
    {
        string viaKeyword = SentLine(M => keyword(M));
        string viaUid = SentLine(M => M.uid(name, args));
        Assert.That(viaUid, Is.EqualTo(viaKeyword));
        Assert.That(viaUid, Does.StartWith($"UID {name} "));
    }

    /// <summary>The command line (without its tag) that <paramref name="run"/> sends in SELECTED state: the
    /// transcript ends after SELECT, so the kit reports the line as the mismatch's actual line.</summary>
    private static string SentLine(Action<IMAP4> run)
    {
        using var M = new ScriptedIMAP4("""
            S: * PREAUTH hi
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 UIDPLUS MOVE SORT THREAD=REFERENCES
            S: {tag} OK done
            C: {tag} SELECT INBOX
            S: * 9 EXISTS
            S: {tag} OK [READ-WRITE] done
            """);
        M.select();
        var sent = Assert.Throws<TranscriptMismatchException>(() => run(M))!;
        Assert.That(sent.Message, Does.Contain("the client sent a line after the end of the transcript"));
        return sent.Actual!["C: ".Length..].Split(' ', 2)[1];
    }

    [Test]
    public void Xatom_makes_an_unknown_command_legal_now_and_sends_arguments_raw_even_for_a_known_one()
    {
        var transcript = Transcript.Parse("""
            S: * PREAUTH hi
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            C: {tag} XTABLETEST a (b c)
            S: {tag} OK done
            C: {tag} STATUS my box (MESSAGES)
            S: * STATUS "my box" (MESSAGES 1)
            S: {tag} OK status done
            """);
        using var M = new ScriptedIMAP4(transcript);
        try
        {
            Assert.That(M.xatom("xtabletest", "a", "(b c)").ToString(), Is.EqualTo("('OK', [b'done'])"));
            Assert.That(imaplib.Commands["XTABLETEST"], Is.EqualTo(new[] { "AUTH" }));
            // CPython's xatom: arguments as given (no mailbox quoting), the tagged reply as the result.
            Assert.That(M.xatom("STATUS", "my box", "(MESSAGES)").ToString(), Is.EqualTo("('OK', [b'status done'])"));
            Assert.That(M.response("STATUS").ToString(), Is.EqualTo("""('STATUS', [b'"my box" (MESSAGES 1)'])"""));
        }
        finally
        {
            imaplib.Commands.TryRemove("XTABLETEST", out _);
        }
        M.AssertComplete();
    }
}
