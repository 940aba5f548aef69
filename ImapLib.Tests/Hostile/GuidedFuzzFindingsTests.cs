using System.Text;
using ImapLib.Fuzz.Guided;
using ImapLib.Fuzzing;
using ImapLib.Tests.Support;

namespace ImapLib.Tests.Hostile;

/// <summary>
/// What the coverage-guided fuzzer found (issue 24; docs/security.md, "Guided fuzzing"), one test per finding, each
/// named after it; and every input it found, minimised and kept in Hostile/Guided/TARGET/, replayed through its
/// target. The encoder findings are checked against the strict RFC 3501 server of the encoder target: a refused
/// call sends nothing, an accepted one sends what that parser reads back as the value given.
/// </summary>
public class GuidedFuzzFindingsTests
{
    private static (StrictServer server, InMemoryIMAP4 M) Connected(bool utf8 = false, bool literalPlus = true)
    {
        var server = new StrictServer(literalPlus, utf8);
        var M = new InMemoryIMAP4(server);
        M.login("user", "pass");
        if (utf8) M.enable("UTF8=ACCEPT");
        M.select("INBOX");
        return (server, M);
    }

    private static void RefusedBeforeSending(StrictServer server, Action call)
    {
        long before = server.Written.Length;
        Assert.Throws<ArgumentException>(() => call());
        Assert.That(server.Written.Length, Is.EqualTo(before), "nothing may be sent");
        Assert.That(server.Violation, Is.Null);
    }

    private static ParsedCommand Sent(StrictServer server, Action call)
    {
        call();
        Assert.That(server.Violation, Is.Null);
        return server.Last!.Value.Parsed;
    }

    [Test]
    public void An_8_bit_byte_string_went_inside_a_quoted_string()
    {
        var (server, M) = Connected();
        RefusedBeforeSending(server, () => M.select(new byte[] { (byte)'a', 0xe9, (byte)'b' }));
        RefusedBeforeSending(server, () => M.login(new byte[] { 0xe9 }, "x"));
        RefusedBeforeSending(server, () => M.create(new byte[] { (byte)'"', 0xe9, (byte)'"' }));   // already quoted
        Assert.That(Sent(server, () => M.select("caf\u00e9")).Args[0].Value, Is.EqualTo("caf&AOk-"u8.ToArray()), "text goes as modified UTF-7");
    }

    [Test]
    public void A_byte_string_that_is_not_UTF_8_went_quoted_after_UTF8_ACCEPT()
    {
        var (server, M) = Connected(utf8: true);
        RefusedBeforeSending(server, () => M.select(new byte[] { (byte)'a', 0xe9 }));
        Assert.That(Sent(server, () => M.select("caf\u00e9"u8.ToArray())).Args[0].Value, Is.EqualTo("caf\u00e9"u8.ToArray()));
    }

    [Test]
    public void A_message_number_beyond_32_bits_went_into_a_sequence_set()
    {
        var (server, M) = Connected();
        RefusedBeforeSending(server, () => M.fetch(new object[] { 4_294_967_296L }, "(UID)"));
        RefusedBeforeSending(server, () => M.copy(new object[] { (1L, (long?)4_294_967_296L) }, "Archive"));
        var sent = Sent(server, () => M.fetch(new object[] { 4_294_967_295L, (1L, (long?)null) }, "(UID)"));
        Assert.That(Encoding.ASCII.GetString(sent.Args[0].Value!), Is.EqualTo("4294967295,1:*"));
    }

    [Test]
    public void An_unpaired_surrogate_went_as_U_FFFD_after_UTF8_ACCEPT()
    {
        var (server, M) = Connected(utf8: true);
        RefusedBeforeSending(server, () => M.create("a\ud800b"));
        Assert.That(Sent(server, () => M.create("a\ud83d\ude00b")).Args[0].Value, Is.EqualTo("a\U0001F600b"u8.ToArray()), "a pair is fine");
    }

    [Test]
    public void An_unpaired_surrogate_in_a_mailbox_name_went_as_U_FFFD_in_modified_UTF_7()
    {
        var (server, M) = Connected();
        RefusedBeforeSending(server, () => M.create("a\ud800"));
        Assert.That(() => ModifiedUtf7.Encode("\udc00"), Throws.ArgumentException);
        // Text that decodes to an unpaired surrogate is not passed through as "already modified UTF-7".
        Assert.That(ModifiedUtf7.TryDecode("&2AA-", out _), Is.False);
        Assert.That(ModifiedUtf7.Encode("\ud83d\ude00"), Is.EqualTo("&2D3eAA-"));
        Assert.That(ModifiedUtf7.TryDecode("&2D3eAA-", out var pair) && pair == "\ud83d\ude00");
    }

    [Test]
    public void Modified_UTF_7_with_stray_bits_was_passed_through_as_valid()
    {
        // "&AGE-" is 'a' (not allowed encoded, a separate rule); "&AOk-" is é; "&AOl-" has a stray bit after é.
        Assert.That(ModifiedUtf7.TryDecode("&AOk-", out var e) && e == "\u00e9");
        Assert.That(ModifiedUtf7.TryDecode("&AOl-", out _), Is.False);
        Assert.That(ModifiedUtf7.TryDecode("&AOkA-", out _), Is.False, "a base64 character too many");
        var (server, M) = Connected();
        Assert.That(MailboxNames.Decode(Sent(server, () => M.select("&AOl-")).Args[0].Value!), Is.EqualTo("&AOl-"), "sent encoded, as text");
    }

    [Test]
    public void An_already_quoted_value_with_an_escape_other_than_quote_or_backslash_was_passed_through()
    {
        // Found by the long AFL++ run: "\r" (backslash, r) inside quotes was taken as a quoted string and sent as is.
        var (server, M) = Connected();
        var sent = Sent(server, () => M.select("\"a\\rb\""));
        Assert.That(sent.Args[0].Value, Is.EqualTo("\"a\\rb\""u8.ToArray()), "quoted as text, so the server reads the name given");
        Assert.That(Sent(server, () => M.select("\"a\\\"b\"")).Args[0].Value, Is.EqualTo("a\"b"u8.ToArray()), "a well-formed quoted string still passes");
    }

    [Test]
    public void A_NUL_byte_went_inside_an_APPEND_literal()
    {
        var (server, M) = Connected();
        RefusedBeforeSending(server, () => M.append("INBOX", null, null, "a\0b"u8.ToArray()));
        // After UTF8=ACCEPT the message goes as literal8 (~{n}), which may carry NUL.
        var (server8, M8) = Connected(utf8: true);
        var sent = Sent(server8, () => M8.append("INBOX", null, null, "a\0b"u8.ToArray(), translate_line_endings: false));
        Assert.That(sent.Args[2], Is.InstanceOf<Token.List>());
    }

    [Test]
    public void A_byte_string_param_that_is_not_UTF_8_went_as_U_FFFD()
    {
        var (server, M) = Connected(utf8: true);
        RefusedBeforeSending(server, () => M.search(null, "TEXT ?", [new byte[] { 0xff, (byte)'x' }]));
        var sent = Sent(server, () => M.search(null, "TEXT ?", ["\u00e9x"u8.ToArray()]));
        Assert.That(sent.Args[1].Value, Is.EqualTo("\u00e9x"u8.ToArray()));
    }

    /// <summary>The inputs the guided fuzzer found, minimised (afl-tmin), replayed through their targets: none may
    /// fail again. Each file is named after what it found.</summary>
    [TestCaseSource(nameof(KeptInputs))]
    public void A_kept_input_replays_clean(string target, string file)
    {
        var harness = FuzzTarget.Named(target)!;
        Assert.DoesNotThrow(() => harness.RunBounded(File.ReadAllBytes(Path.Combine(Folder, target, file))));
    }

    private static string Folder => Path.Combine(Repo.Root, "ImapLib.Tests", "Hostile", "Guided");

    private static IEnumerable<TestCaseData> KeptInputs() =>
        Directory.GetDirectories(Folder).Order(StringComparer.Ordinal).SelectMany(dir =>
            Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(f => new TestCaseData(Path.GetFileName(dir), Path.GetFileName(f))
                .SetName($"A_kept_input_replays_clean({Path.GetFileName(dir)}/{Path.GetFileName(f)})")));

    /// <summary>Every target's seed corpus runs clean (what CI's short fuzzing run starts from), so a broken harness
    /// fails here too, without AFL++.</summary>
    [TestCase("response")]
    [TestCase("encoder")]
    [TestCase("transcript")]
    [TestCase("compress")]
    public void The_seed_corpus_of_each_target_runs_clean(string target)
    {
        var harness = FuzzTarget.Named(target)!;
        var seeds = harness.Seeds(Repo.Root).ToList();
        Assert.That(seeds, Is.Not.Empty);
        foreach (var (name, input) in seeds)
            Assert.DoesNotThrow(() => harness.RunBounded(input), name);
    }

    /// <summary>The response target's default conversation really goes through every step (a harness that stopped
    /// early would fuzz little), and the encoder's strict parser refuses what it should.</summary>
    [Test]
    public void The_harnesses_reach_their_last_step_and_the_strict_parser_refuses_bad_syntax()
    {
        var segments = Session.Split(DefaultConversation());
        var stream = new ScriptStream(segments);
        Session.Run(stream, ResponsePathTarget.Steps);
        Assert.That(stream.SegmentsReleased, Is.EqualTo(segments.Count), "LOGOUT, after COMPRESS, was answered");
        var parser = new StrictCommandParser(literalPlus: false, utf8: false);
        foreach (var bad in new[] { "A1 SELECT \"a\\b\"\r\n", "A1 SELECT \"\u00e9\"\r\n", "A1 APPEND x {1+}\r\nx\r\n", "A1 SELECT  x\r\n", "A1 SELECT (x\r\n" })
            Assert.Throws<GrammarException>(() => parser.Parse(Encoding.Latin1.GetBytes(bad), 0, out _, out _), bad);
        Assert.That(parser.Parse("A1 SELECT {1}\r\n"u8.ToArray(), 0, out _, out _), Is.EqualTo(StrictCommandParser.State.NeedsContinuation));
        Assert.That(parser.Parse("A1 SELECT {1}\r\nx\r\n"u8.ToArray(), 1, out var command, out _), Is.EqualTo(StrictCommandParser.State.Complete));
        Assert.That(command!.Args[0].Value, Is.EqualTo("x"u8.ToArray()));
    }

    private static byte[] DefaultConversation() => new ResponsePathTarget().Seeds(Repo.Root).First().input;
}
