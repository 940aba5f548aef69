using System.Text;
using System.Text.RegularExpressions;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// The newest-CPython features (modelled on CPython main's test_imaplib): structured message sets and list
/// arguments, <c>params</c> substitution, the <c>uid</c> keyword, expunge(message_set), ID, login_plain,
/// translate_line_endings, modified UTF-7 mailbox names, criteria in the declared charset, UTF8=ACCEPT, LITERAL+,
/// capability refresh and the newer response-reading rules. First against socket-free scripted servers (exact
/// wire bytes), then against the project's real Dovecot, each test with a fresh account.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class NewerCPythonTests
{
    // ---- Helpers: scripted sessions ---------------------------------------------------------------------

    private static string? Standard(ScriptedCommand c, string capabilities = "IMAP4rev1") => c.Name switch
    {
        "CAPABILITY" => ScriptedIMAP4.CapabilityReply(c, capabilities),
        "SELECT" or "EXAMINE" => "* 1 EXISTS\r\n{tag} OK [READ-WRITE] done\r\n",
        "LOGOUT" => "* BYE bye\r\n{tag} OK LOGOUT completed\r\n",
        _ => $"{{tag}} OK {c.Name} completed\r\n",
    };

    /// <summary>A preauthenticated scripted session; <paramref name="extra"/> answers first (null falls through).</summary>
    private static ScriptedIMAP4 Session(string capabilities = "IMAP4rev1", Func<ScriptedCommand, string?>? extra = null,
        string greeting = "* PREAUTH hi\r\n") =>
        new(greeting, ScriptedIMAP4.ByCommand(c => extra?.Invoke(c) ?? Standard(c, capabilities)));

    private static ScriptedIMAP4 Selected(string capabilities = "IMAP4rev1", Func<ScriptedCommand, string?>? extra = null)
    {
        var M = Session(capabilities, extra);
        Assert.That(M.select().typ, Is.EqualTo("OK"));
        return M;
    }

    private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>The command lines sent so far (tag removed, CRLF removed), in order.</summary>
    private static List<string> Lines(ScriptedIMAP4 M)
    {
        string prefix = Encoding.ASCII.GetString(M.tagpre);
        return M.SentText.Split("\r\n")
            .Where(line => Regex.IsMatch(line, "^" + prefix + @"\d+ "))
            .Select(line => line[(line.IndexOf(' ') + 1)..])
            .ToList();
    }

    private static string LastLine(ScriptedIMAP4 M) => Lines(M)[^1];

    /// <summary>The bytes of the last command line sent (tag and CRLF removed); the line must be one send().</summary>
    private static byte[] LastLineBytes(ScriptedIMAP4 M)
    {
        string prefix = Encoding.ASCII.GetString(M.tagpre);
        var line = M.Sent.Last(s => Regex.IsMatch(Latin1(s), "^" + prefix + @"\d+ "));
        Assert.That(line[^2..], Is.EqualTo("\r\n"u8.ToArray()));
        int space = Array.IndexOf(line, (byte)' ');
        return line[(space + 1)..^2];
    }

    private static string Repr(IEnumerable<ImapItem?> data) => PyRepr.Of(data);

    // ---- Structured message sets and list arguments --------------------------------------------------------

    [Test]
    public void Copy_and_move_write_a_structured_message_set_as_a_sequence_set()
    {
        var M = Selected();
        M.copy(new object[] { 2, (3, 5) }, "Archive");
        Assert.That(LastLine(M), Is.EqualTo("COPY 2,3:5 Archive"));
        M.move(new object[] { 2, (3, 5) }, "Archive");
        Assert.That(LastLine(M), Is.EqualTo("MOVE 2,3:5 Archive"));
        M.copy(new[] { 1, 4, 9 }, "Archive");
        Assert.That(LastLine(M), Is.EqualTo("COPY 1,4,9 Archive"));
        M.copy(new object[] { (7, "*") }, "Archive");
        Assert.That(LastLine(M), Is.EqualTo("COPY 7:* Archive"));
        M.copy(new List<byte[]> { "3"u8.ToArray(), "8"u8.ToArray() }, "Archive");
        Assert.That(LastLine(M), Is.EqualTo("COPY 3,8 Archive"));
        M.copy(12, "Archive");
        Assert.That(LastLine(M), Is.EqualTo("COPY 12 Archive"));
        M.copy("1:3,5", "Archive");
        Assert.That(LastLine(M), Is.EqualTo("COPY 1:3,5 Archive"), "a text message set is sent as given");
    }

    [Test]
    public void Store_flags_as_a_sequence_or_bare_text_are_parenthesised()
    {
        var M = Selected();
        M.store("1", "+FLAGS", new[] { @"\Deleted", @"\Seen" });
        Assert.That(LastLine(M), Is.EqualTo(@"STORE 1 +FLAGS (\Deleted \Seen)"));
        M.store(new object[] { (1, 2) }, "-FLAGS.SILENT", @"\Seen");
        Assert.That(LastLine(M), Is.EqualTo(@"STORE 1:2 -FLAGS.SILENT (\Seen)"));
        M.store("3", "FLAGS", @"(\Answered $Label)");
        Assert.That(LastLine(M), Is.EqualTo(@"STORE 3 FLAGS (\Answered $Label)"), "already parenthesised: unchanged");
    }

    [Test]
    public void Fetch_parts_as_a_sequence_or_a_single_item_are_parenthesised_but_macros_are_not()
    {
        var M = Selected();
        M.fetch("1", new[] { "UID", "FLAGS" });
        Assert.That(LastLine(M), Is.EqualTo("FETCH 1 (UID FLAGS)"));
        M.fetch("1", "FLAGS");
        Assert.That(LastLine(M), Is.EqualTo("FETCH 1 (FLAGS)"));
        M.fetch("1", "(RFC822)");
        Assert.That(LastLine(M), Is.EqualTo("FETCH 1 (RFC822)"));
        M.fetch("1", "ALL");
        Assert.That(LastLine(M), Is.EqualTo("FETCH 1 ALL"));
        M.fetch("1", "fast");
        Assert.That(LastLine(M), Is.EqualTo("FETCH 1 fast"));
        M.fetch("1", "FULL");
        Assert.That(LastLine(M), Is.EqualTo("FETCH 1 FULL"));
    }

    [Test]
    public void Status_names_and_setquota_limits_are_parenthesised()
    {
        var M = Session();
        M.status("INBOX", "MESSAGES UNSEEN");
        Assert.That(LastLine(M), Is.EqualTo("STATUS INBOX (MESSAGES UNSEEN)"));
        M.status("INBOX", new[] { "MESSAGES", "UIDNEXT" });
        Assert.That(LastLine(M), Is.EqualTo("STATUS INBOX (MESSAGES UIDNEXT)"));
        M.status("INBOX", "(UIDVALIDITY)");
        Assert.That(LastLine(M), Is.EqualTo("STATUS INBOX (UIDVALIDITY)"));
        M.setquota("", "STORAGE 512");
        Assert.That(LastLine(M), Is.EqualTo("SETQUOTA \"\" (STORAGE 512)"));
        M.setquota("user.x", new[] { "STORAGE", "512", "MESSAGE", "100" });
        Assert.That(LastLine(M), Is.EqualTo("SETQUOTA user.x (STORAGE 512 MESSAGE 100)"));
    }

    // ---- params substitution ---------------------------------------------------------------------------------

    [Test]
    public void Search_params_are_substituted_and_quoted_only_as_needed()
    {
        var M = Selected(extra: c => c.Name is "SEARCH" or "UID" ? "* SEARCH 4 2\r\n{tag} OK done\r\n" : null);
        var (typ, data) = M.search(null, "SUBJECT ? FROM ?", @params: ["trip report", "me@host"]);
        Assert.That(LastLine(M), Is.EqualTo("SEARCH SUBJECT \"trip report\" FROM me@host"));
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'4 2']")));

        M.search(null, "FROM ? LARGER ? HEADER X-Id ?", @params: ["say \"hi\" \\o/", 42, ""]);
        Assert.That(LastLine(M), Is.EqualTo("SEARCH FROM \"say \\\"hi\\\" \\\\o/\" LARGER 42 HEADER X-Id \"\""));

        M.search(null, "KEYWORD ?", @params: [null]);
        Assert.That(LastLine(M), Is.EqualTo("SEARCH KEYWORD NIL"));

        // A ? inside a quoted string of the template is not a placeholder.
        M.search(null, "SUBJECT \"why?\" FROM ?", @params: ["me"]);
        Assert.That(LastLine(M), Is.EqualTo("SEARCH SUBJECT \"why?\" FROM me"));

        (typ, data) = M.search(null, "FROM ?", @params: ["me@host"], uid: true);
        Assert.That(LastLine(M), Is.EqualTo("UID SEARCH FROM me@host"));
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'4 2']")));
    }

    [Test]
    public void A_literal_question_mark_without_params_is_sent_unchanged()
    {
        var M = Selected();
        M.search(null, "SUBJECT ?");
        Assert.That(LastLine(M), Is.EqualTo("SEARCH SUBJECT ?"));
        M.search(null, "SUBJECT", "?");
        Assert.That(LastLine(M), Is.EqualTo("SEARCH SUBJECT ?"));
        M.sort("(DATE)", "UTF-8", "SUBJECT ?");
        Assert.That(LastLine(M), Is.EqualTo("SORT (DATE) UTF-8 SUBJECT ?"));
        M.thread("REFERENCES", "UTF-8", "SUBJECT ?");
        Assert.That(LastLine(M), Is.EqualTo("THREAD REFERENCES UTF-8 SUBJECT ?"));
    }

    [Test]
    public void Sort_thread_and_fetch_take_params_and_a_list_param_becomes_a_parenthesised_list()
    {
        var M = Selected();
        M.sort(new[] { "REVERSE", "DATE" }, "UTF-8", "SUBJECT ? SINCE ?", @params: ["a b", "1-Feb-2024"]);
        Assert.That(LastLine(M), Is.EqualTo("SORT (REVERSE DATE) UTF-8 SUBJECT \"a b\" SINCE 1-Feb-2024"));
        M.sort("DATE", "UTF-8", "FROM ?", @params: ["me@host"], uid: true);
        Assert.That(LastLine(M), Is.EqualTo("UID SORT (DATE) UTF-8 FROM me@host"));
        M.thread("REFERENCES", "UTF-8", "FROM ?", @params: ["x y"]);
        Assert.That(LastLine(M), Is.EqualTo("THREAD REFERENCES UTF-8 FROM \"x y\""));
        M.thread("ORDEREDSUBJECT", "UTF-8", "TO ?", @params: ["you@host"], uid: true);
        Assert.That(LastLine(M), Is.EqualTo("UID THREAD ORDEREDSUBJECT UTF-8 TO you@host"));
        M.fetch("1", "(BODY.PEEK[HEADER.FIELDS ?])", @params: [new[] { "DATE", "FROM" }]);
        Assert.That(LastLine(M), Is.EqualTo("FETCH 1 (BODY.PEEK[HEADER.FIELDS (DATE FROM)])"));
        M.fetch(new object[] { (1, 3) }, "(BODY.PEEK[HEADER.FIELDS ?])", @params: [new[] { "SUBJECT" }], uid: true);
        Assert.That(LastLine(M), Is.EqualTo("UID FETCH 1:3 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])"));
    }

    [Test]
    public void Wrong_number_of_params_raises_ArgumentException_and_sends_nothing()
    {
        var M = Selected();
        int sent = M.Sent.Count;
        Assert.Throws<ArgumentException>(() => M.search(null, "FROM ? TO ?", @params: ["a"]));
        Assert.Throws<ArgumentException>(() => M.search(null, "FROM ?", @params: ["a", "b"]));
        Assert.Throws<ArgumentException>(() => M.search(null, "ALL", @params: ["a"]));
        Assert.Throws<ArgumentException>(() => M.sort("(DATE)", "UTF-8", "FROM ?", @params: []));
        Assert.Throws<ArgumentException>(() => M.thread("REFERENCES", "UTF-8", "ALL", @params: ["x"]));
        Assert.Throws<ArgumentException>(() => M.fetch("1", "(BODY[HEADER.FIELDS ?])", @params: []));
        Assert.That(M.Sent, Has.Count.EqualTo(sent), "nothing reaches the wire");
        // A value that would break the line is refused too.
        Assert.Throws<ArgumentException>(() => M.search(null, "SUBJECT ?", @params: ["a\r\nX1 LOGOUT"]));
        Assert.That(M.Sent, Has.Count.EqualTo(sent));
    }

    // ---- Typed placeholders, uid() params, structured sequence sets (issue 13) ----------------------------

    [Test]
    public void Typed_placeholders_write_flags_sequence_sets_and_a_literal_question_mark()
    {
        var M = Selected();
        M.search(null, "KEYWORD ?f UID ?s SUBJECT ??", @params: ["$Label", new object[] { 1, (3, 5) }]);
        Assert.That(LastLine(M), Is.EqualTo("SEARCH KEYWORD $Label UID 1,3:5 SUBJECT ?"));
        M.search(null, "HEADER X-Id ? LARGER ?", @params: [new object[] { "a b", 2 }, 4]);   // ? with a list: a parenthesised list
        Assert.That(LastLine(M), Is.EqualTo("SEARCH HEADER X-Id (\"a b\" 2) LARGER 4"));
        M.uid("STORE", "?s", "+FLAGS", "?f", @params: [(7, (int?)null), new[] { @"\Seen", @"\Flagged" }]);
        Assert.That(LastLine(M), Is.EqualTo(@"UID STORE 7:* +FLAGS (\Seen \Flagged)"));
        M.search(null, "LARGER ? UID ?s", @params: [1024L, "1:3,7,9:*"]);
        Assert.That(LastLine(M), Is.EqualTo("SEARCH LARGER 1024 UID 1:3,7,9:*"));
    }

    [Test]
    public void Placeholder_type_checks_follow_CPython_and_nothing_is_sent()
    {
        var M = Selected();
        int sent = M.Sent.Count;
        var refused = new (string template, object? value)[]
        {
            ("LARGER ?", true), ("LARGER ?", 1.5), ("LARGER ?", 2.5m),   // bool and floating point are refused
            ("KEYWORD ?f", "a b"), ("KEYWORD ?f", "(x)"), ("KEYWORD ?f", ""), ("KEYWORD ?f", 5), ("KEYWORD ?f", "\\"),
            ("UID ?s", "1:3 OR"), ("UID ?s", 1.0), ("UID ?s", new object[] { "1", 2 }), ("UID ?s", new object[] { 2.0 }),
            ("UID ?s", new object[0]), ("UID ?s", 0), ("UID ?s", (5, "x")), ("UID ?s", null),
            ("SUBJECT ?", "a\rb"), ("SUBJECT ?", "a\nb"), ("SUBJECT ?", "a\0b"),
        };
        foreach (var (template, value) in refused)
            Assert.Throws<ArgumentException>(() => M.search(null, template, @params: [value]), $"{template} with {value}");
        Assert.Throws<ArgumentException>(() => M.search(null, "FROM ? TO ?", @params: ["a"]), "too few");
        Assert.Throws<ArgumentException>(() => M.search(null, "FROM ?", @params: ["a", "b"]), "too many");
        Assert.Throws<ArgumentException>(() => M.search(null, "SUBJECT ??", @params: ["a"]), "?? takes no parameter");
        Assert.That(M.Sent, Has.Count.EqualTo(sent), "nothing reaches the wire");
    }

    [Test]
    public void Uid_takes_params_for_SEARCH_SORT_THREAD_and_FETCH()
    {
        var M = Selected(extra: c => c.Name == "UID" && c.Args.StartsWith("SEARCH") ? "* SEARCH 8 9\r\n{tag} OK done\r\n" : null);
        var (typ, data) = M.uid("SEARCH", "FROM ? SUBJECT ?", @params: ["me@host", "trip report"]);
        Assert.That(LastLine(M), Is.EqualTo("UID SEARCH FROM me@host SUBJECT \"trip report\""));
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'8 9']")));
        M.uid("SORT", "(DATE)", "UTF-8", "FROM ?", @params: ["x y"]);
        Assert.That(LastLine(M), Is.EqualTo("UID SORT (DATE) UTF-8 FROM \"x y\""));
        M.uid("THREAD", "REFERENCES", "UTF-8", "TO ?", @params: ["you@host"]);
        Assert.That(LastLine(M), Is.EqualTo("UID THREAD REFERENCES UTF-8 TO you@host"));
        M.uid("FETCH", "?s", "(BODY.PEEK[HEADER.FIELDS ?])", @params: [2..5, new[] { "DATE", "FROM" }]);
        Assert.That(LastLine(M), Is.EqualTo("UID FETCH 2:4 (BODY.PEEK[HEADER.FIELDS (DATE FROM)])"));
        M.UID("FETCH", "1", "(FLAGS)");   // without params the arguments are sent as given, ? included
        Assert.That(LastLine(M), Is.EqualTo("UID FETCH 1 (FLAGS)"));
        int sent = M.Sent.Count;
        Assert.Throws<ArgumentException>(() => M.uid("SEARCH", "FROM ?", @params: []));
        Assert.Throws<ArgumentException>(() => M.uid("SEARCH", "FROM ?", @params: ["a", "b"]));
        Assert.That(M.Sent, Has.Count.EqualTo(sent));
    }

    [Test]
    public void Sequence_sets_from_structured_values()
    {
        var M = Selected();
        var cases = new (ImapArg set, string wire)[]
        {
            (5, "5"), ("1:3,7", "1:3,7"), (new[] { 1, 4, 9 }, "1,4,9"), ((3, 5), "3:5"),
            ((5, (int?)null), "5:*"), ((8, "*"), "8:*"), (1..4, "1:3"), (5.., "5:*"),
            (new object[] { 2, (4, 6), 9..11 }, "2,4:6,9:10"),
            (new object[] { Enumerable.Range(3, 4) }, "3:6"),                          // a range of consecutive numbers
            (new object[] { Enumerable.Range(0, 4).Select(i => 1 + 2 * i) }, "1,3,5,7"),   // a stepped one: explicit
            (new List<byte[]> { "3"u8.ToArray(), "8"u8.ToArray() }, "3,8"),           // data[0].split()
            (new object[] { new PyBytes("3"u8.ToArray()), ImapItem.FromString("8") }, "3,8"),   // byte strings boxed in a list
        };
        foreach (var (set, wire) in cases)
        {
            M.fetch(set, "(FLAGS)");
            Assert.That(LastLine(M), Is.EqualTo($"FETCH {wire} (FLAGS)"));
        }
        int sent = M.Sent.Count;
        foreach (ImapArg bad in new ImapArg[] { new object[] { "1", 2 }, new object[] { 1.5 }, new object[] { true }, new object[0], ^3.., new[] { "1", "2" },
            new object[] { ImapItem.Pair("1 (RFC822 {1}"u8.ToArray(), "x"u8.ToArray()) } })   // a pair is no message number
            Assert.Throws<ArgumentException>(() => M.fetch(bad, "(FLAGS)"));
        Assert.That(M.Sent, Has.Count.EqualTo(sent), "nothing reaches the wire");
    }

    [Test]
    public void Charset_without_a_codec_refuses_text_criteria_and_passes_bytes()
    {
        var M = Selected(extra: c => c.Name is "SEARCH" or "SORT" or "THREAD" ? $"{{tag}} NO [BADCHARSET] unknown\r\n" : null);
        int sent = M.Sent.Count;
        var e = Assert.Throws<ArgumentException>(() => M.search("X-UNKNOWN", "SUBJECT", "x"));
        Assert.That(e!.Message, Does.StartWith("unknown encoding: X-UNKNOWN"));
        Assert.Throws<ArgumentException>(() => M.sort("(DATE)", "X-UNKNOWN", "ALL"));
        Assert.Throws<ArgumentException>(() => M.thread("REFERENCES", "X-UNKNOWN", "ALL"));
        Assert.That(M.Sent, Has.Count.EqualTo(sent));
        Assert.That(M.search("X-UNKNOWN", "SUBJECT"u8.ToArray(), "x"u8.ToArray()).typ, Is.EqualTo("NO"));
        Assert.That(LastLine(M), Is.EqualTo("SEARCH CHARSET X-UNKNOWN SUBJECT x"));
        // A codec Python has and .NET keeps among its code pages; a character it lacks is refused, not sent as '?'.
        M.search("ISO-8859-2", "SUBJECT", "Łódź");
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("SEARCH CHARSET ISO-8859-2 SUBJECT "), [0xa3, 0xf3, 0x64, 0xbc])));
        Assert.Catch<ArgumentException>(() => M.search("ISO-8859-1", "SUBJECT", "台北"));
    }

    [Test]
    public void Login_cram_md5_takes_the_password_as_bytes_too()   // test_login_cram_md5_bytes
    {
        const string challenge = "<1896.697170952@postoffice.reston.mci.net>";
        using var server = new FakeServer(s =>
        {
            s.Greet(capabilities: "IMAP4rev1 AUTH=CRAM-MD5");
            var auth = s.Expect("AUTHENTICATE");
            s.Line("+ " + Convert.ToBase64String(Encoding.ASCII.GetBytes(challenge)));
            string? answer = s.ReadLine();
            bool right = answer is not null && Encoding.ASCII.GetString(Convert.FromBase64String(answer)) == "tim b913a602c7eda7a495b4e6e7334d3890";
            s.Line(auth.Tag + (right ? " OK CRAM-MD5 successful" : " NO No access"));
            s.Logout();   // answers the CAPABILITY asked after login, then LOGOUT
        });
        using var M = new IMAP4("127.0.0.1", server.Port);
        Assert.That(M.login_cram_md5("tim", "tanstaaftanstaaf"u8.ToArray()).typ, Is.EqualTo("OK"));
        M.logout();
        server.Join();
    }

    [Test]
    [NonParallelizable]   // _MAXLINE is process-wide, as the module global is
    public void MAXLINE_is_settable_like_the_module_global()
    {
        int saved = imaplib._MAXLINE;
        try
        {
            string longLine = "* OK " + new string('x', 2000);
            imaplib._MAXLINE = 1000;
            var M = Session(extra: c => c.Name == "NOOP" ? longLine + "\r\n{tag} OK done\r\n" : null);
            var e = Assert.Throws<IMAP4.error>(() => M.noop());
            Assert.That(e!.Message, Is.EqualTo("command: NOOP => got more than 1000 bytes"));
            imaplib._MAXLINE = 10_000_000;
            M = Session(extra: c => c.Name == "NOOP" ? longLine + "\r\n{tag} OK done\r\n" : null);
            Assert.That(M.noop().typ, Is.EqualTo("OK"));
        }
        finally
        {
            imaplib._MAXLINE = saved;
        }
    }

    // ---- The uid keyword ----------------------------------------------------------------------------------

    private static string? UidShapeReply(ScriptedCommand c)
    {
        string name = c.Name == "UID" ? c.Args.Split(' ')[0].ToUpperInvariant() : c.Name;
        return name switch
        {
            "COPY" or "MOVE" => "* OK [COPYUID 9 7:9 1:3] moved or copied\r\n{tag} OK [COPYUID 9 7:9 1:3] done\r\n",
            "FETCH" or "STORE" => "* 1 FETCH (UID 7 FLAGS (\\Seen))\r\n{tag} OK done\r\n",
            "SEARCH" => "* SEARCH 7 9\r\n{tag} OK done\r\n",
            "SORT" => "* SORT 9 7\r\n{tag} OK done\r\n",
            "THREAD" => "* THREAD (7)(9)\r\n{tag} OK done\r\n",
            "EXPUNGE" => "* 3 EXPUNGE\r\n* 3 EXPUNGE\r\n{tag} OK done\r\n",
            _ => null,
        };
    }

    [TestCase("COPY", "COPY 7:9 Archive", "[b'[COPYUID 9 7:9 1:3] done']")]
    [TestCase("MOVE", "MOVE 7:9 Archive", "[b'[COPYUID 9 7:9 1:3] done']")]
    [TestCase("FETCH", "FETCH 7:9 (UID FLAGS)", "[b'1 (UID 7 FLAGS (\\\\Seen))']")]
    [TestCase("STORE", "STORE 7:9 +FLAGS (\\Seen)", "[b'1 (UID 7 FLAGS (\\\\Seen))']")]
    [TestCase("SEARCH", "SEARCH FROM me@host", "[b'7 9']")]
    [TestCase("SORT", "SORT (DATE) UTF-8 ALL", "[b'9 7']")]
    [TestCase("THREAD", "THREAD REFERENCES UTF-8 ALL", "[b'(7)(9)']")]
    [TestCase("EXPUNGE", "EXPUNGE 7:9", "[b'3', b'3']")]
    public void Uid_keyword_sends_UID_command_and_returns_the_same_shape_as_the_plain_command(string command, string uidLine, string expected)
    {
        var M = Selected(extra: UidShapeReply);
        (string typ, List<ImapItem?> data) Call(bool uid) => command switch
        {
            "COPY" => M.copy((7, 9), "Archive", uid: uid),
            "MOVE" => M.move(new object[] { (7, 9) }, "Archive", uid: uid),
            "FETCH" => M.fetch((7, 9), new[] { "UID", "FLAGS" }, uid: uid),
            "STORE" => M.store((7, 9), "+FLAGS", new[] { @"\Seen" }, uid: uid),
            "SEARCH" => M.search(null, uid, "FROM", "me@host"),
            "SORT" => M.sort(new[] { "DATE" }, "UTF-8", uid, "ALL"),
            "THREAD" => M.thread("REFERENCES", "UTF-8", uid, "ALL"),
            "EXPUNGE" => uid ? M.expunge((7, 9), uid: true) : M.expunge(),
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };

        var (plainTyp, plainData) = Call(false);
        string plainLine = LastLine(M);
        M.untagged_responses.Clear();
        var (uidTyp, uidData) = Call(true);
        Assert.That(LastLine(M), Is.EqualTo("UID " + uidLine));
        Assert.That(plainLine, Is.EqualTo(command == "EXPUNGE" ? "EXPUNGE" : uidLine));
        Assert.That((uidTyp, Repr(uidData)), Is.EqualTo(("OK", expected)));
        Assert.That((plainTyp, Repr(plainData)), Is.EqualTo(("OK", expected)), "the UID form returns what the plain form returns");
    }

    [Test]
    public void Uid_copy_returns_the_tagged_text_where_the_generic_uid_method_returns_FETCH_data()
    {
        var M = Selected(extra: UidShapeReply);
        var (typ, data) = M.uid("COPY", "7:9", "Archive");
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[None]")), "uid() returns the untagged FETCH responses, as CPython");
        (typ, data) = M.copy("7:9", "Archive", uid: true);
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'[COPYUID 9 7:9 1:3] done']")));
        Assert.That(Lines(M)[^2..], Is.EqualTo(new[] { "UID COPY 7:9 Archive", "UID COPY 7:9 Archive" }));
    }

    [Test]
    public void Expunge_with_a_set_needs_uid_and_uid_expunge_needs_a_set()
    {
        var M = Selected();
        int sent = M.Sent.Count;
        var ex = Assert.Throws<IMAP4.error>(() => M.expunge("3:8"));
        Assert.That(ex!.Message, Does.Contain("uid"));
        ex = Assert.Throws<IMAP4.error>(() => M.expunge(uid: true));
        Assert.That(ex!.Message, Does.Contain("message set"));
        Assert.That(M.Sent, Has.Count.EqualTo(sent), "refused before anything is sent");
        M.expunge(new object[] { 3, (5, 8) }, uid: true);
        Assert.That(LastLine(M), Is.EqualTo("UID EXPUNGE 3,5:8"));
    }

    // ---- ID -----------------------------------------------------------------------------------------------

    [Test]
    public void Id_sends_NIL_or_the_fields_and_returns_the_ID_data()
    {
        var M = Session(extra: c => c.Name == "ID" ? "* ID (\"name\" \"Dovecot\")\r\n{tag} OK ID completed\r\n" : null);
        var (typ, data) = M.id();
        Assert.That(LastLine(M), Is.EqualTo("ID NIL"));
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'(\"name\" \"Dovecot\")']")));

        (typ, data) = M.id(new Dictionary<string, string?> { ["name"] = "imaplib", ["os"] = null });
        Assert.That(LastLine(M), Is.EqualTo("ID (\"name\" \"imaplib\" \"os\" NIL)"));
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'(\"name\" \"Dovecot\")']")));

        M.id(new Dictionary<string, string?> { ["version"] = "1 \"beta\" \\ x" });
        Assert.That(LastLine(M), Is.EqualTo("ID (\"version\" \"1 \\\"beta\\\" \\\\ x\")"));
        int sent = M.Sent.Count;
        Assert.Throws<ArgumentException>(() => M.id(new Dictionary<string, string?> { ["x"] = "a\r\nb" }));
        Assert.That(M.Sent, Has.Count.EqualTo(sent));
    }

    // ---- login_plain ----------------------------------------------------------------------------------------

    private static ScriptedIMAP4 PlainSession(List<string> answers, string okReply = "{tag} OK [CAPABILITY IMAP4rev1 MOVE ID] Logged in\r\n") =>
        new("* OK hi\r\n", ScriptedIMAP4.ByCommand(c =>
        {
            if (c.IsContinuationAnswer)
            {
                answers.Add(c.Line);
                return okReply;
            }
            return c.Name == "AUTHENTICATE" ? "+ \r\n" : Standard(c, "IMAP4rev1 AUTH=PLAIN");
        }));

    [TestCase("prem", "pass", "AHByZW0AcGFzcw==")]
    [TestCase("pręm", "żółć", "AHByxJltAMW8w7PFgsSH")]
    public void Login_plain_sends_AUTHENTICATE_PLAIN_with_the_UTF8_credentials(string user, string password, string expected)
    {
        var answers = new List<string>();
        var M = PlainSession(answers);
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        var (typ, data) = M.login_plain(user, password);
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'[CAPABILITY IMAP4rev1 MOVE ID] Logged in']")));
        Assert.That(LastLine(M), Is.EqualTo("AUTHENTICATE PLAIN"));
        Assert.That(answers, Is.EqualTo(new[] { expected }));
        Assert.That(M.SentText, Does.EndWith("AUTHENTICATE PLAIN\r\n" + expected + "\r\n"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        // The capabilities come from the [CAPABILITY] code: no CAPABILITY command after AUTHENTICATE.
        Assert.That(M.capabilities, Is.EqualTo(new[] { "IMAP4REV1", "MOVE", "ID" }));
        Assert.That(Lines(M), Is.EqualTo(new[] { "CAPABILITY", "AUTHENTICATE PLAIN" }));
    }

    [TestCase("pr\0em", "pass")]
    [TestCase("prem", "pa\0ss")]
    public void Login_plain_refuses_NUL_in_user_or_password_before_sending(string user, string password)
    {
        var answers = new List<string>();
        var M = PlainSession(answers);
        int sent = M.Sent.Count;
        Assert.Throws<ArgumentException>(() => M.login_plain(user, password));
        Assert.That(M.Sent, Has.Count.EqualTo(sent));
        Assert.That(answers, Is.Empty);
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
    }

    // ---- Capability refresh ---------------------------------------------------------------------------------

    [Test]
    public void Capabilities_come_from_the_greeting_code_without_a_CAPABILITY_command()
    {
        var M = new ScriptedIMAP4("* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] hi\r\n",
            ScriptedIMAP4.ByCommand(c => Standard(c, "IMAP4rev1 WRONG")));
        Assert.That(M.capabilities, Is.EqualTo(new[] { "IMAP4REV1", "LITERAL+", "AUTH=PLAIN" }));
        Assert.That(M.Sent, Is.Empty);
        Assert.That(M.untagged_responses.ContainsKey("CAPABILITY"), Is.False, "the announced capabilities are consumed");
    }

    [TestCase("{tag} OK [CAPABILITY IMAP4rev1 MOVE UIDPLUS] Logged in\r\n", false)]
    [TestCase("* CAPABILITY IMAP4rev1 MOVE UIDPLUS\r\n{tag} OK Logged in\r\n", false)]
    [TestCase("{tag} OK Logged in\r\n", true)]
    public void Login_refreshes_capabilities_from_its_response_or_asks_again(string loginReply, bool asksAgain)
    {
        int capabilityCommands = 0;
        var M = new ScriptedIMAP4("* OK hi\r\n", ScriptedIMAP4.ByCommand(c =>
        {
            if (c.Name == "CAPABILITY")
            {
                capabilityCommands++;
                return ScriptedIMAP4.CapabilityReply(c, capabilityCommands == 1 ? "IMAP4rev1 AUTH=PLAIN" : "IMAP4rev1 MOVE UIDPLUS");
            }
            return c.Name == "LOGIN" ? loginReply : Standard(c);
        }));
        Assert.That(M.capabilities, Is.EqualTo(new[] { "IMAP4REV1", "AUTH=PLAIN" }));
        M.login("user", "pass");
        Assert.That(M.capabilities, Is.EqualTo(new[] { "IMAP4REV1", "MOVE", "UIDPLUS" }));
        Assert.That(capabilityCommands, Is.EqualTo(asksAgain ? 2 : 1));
        Assert.That(Lines(M), Is.EqualTo(asksAgain
            ? new[] { "CAPABILITY", "LOGIN user \"pass\"", "CAPABILITY" }
            : new[] { "CAPABILITY", "LOGIN user \"pass\"" }));
    }

    [Test]
    public void Authenticate_without_a_capability_code_asks_again()
    {
        var answers = new List<string>();
        var M = PlainSession(answers, okReply: "{tag} OK Logged in\r\n");
        M.login_plain("prem", "pass");
        Assert.That(Lines(M), Is.EqualTo(new[] { "CAPABILITY", "AUTHENTICATE PLAIN", "CAPABILITY" }));
        Assert.That(M.capabilities, Is.EqualTo(new[] { "IMAP4REV1", "AUTH=PLAIN" }));
    }

    // ---- Response reading ------------------------------------------------------------------------------------

    [Test]
    public void An_extra_blank_line_after_a_literal_inside_parentheses_is_skipped()
    {
        var M = Selected(extra: c => c.Name == "FETCH"
            ? "* 1 FETCH (RFC822 {6}\r\nabcd\r\n\r\n)\r\n\r\n* 2 FETCH (FLAGS ())\r\n{tag} OK done\r\n"
            : null);
        var (typ, data) = M.fetch("1:2", "(RFC822)");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new ImapItem?[]
        {
            ImapItem.Pair(Ascii("1 (RFC822 {6}"), Ascii("abcd\r\n")),
            ImapItem.FromString(")"),
            ImapItem.FromString("2 (FLAGS ())"),
        }));
    }

    [Test]
    public void A_literal_that_ends_the_response_keeps_its_empty_trailer()
    {
        var M = Session(extra: c => c.Name == "LIST"
            ? "* LIST () \"/\" {3}\r\nfoo\r\n* LIST () \"/\" bar\r\n{tag} OK done\r\n"
            : null);
        var (typ, data) = M.list();
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Repr(data), Is.EqualTo("[(b'() \"/\" {3}', b'foo'), b'', b'() \"/\" bar']"));
    }

    // ---- APPEND: translate_line_endings, UTF8 form, LITERAL+ ------------------------------------------------

    /// <summary>
    /// A session whose APPEND is scripted by send() call: the command line, then the literal, then the trailer
    /// (the engine sends them separately). A synchronising literal gets <paramref name="continuation"/> (a "+" or a
    /// tagged refusal); a non-synchronising one gets nothing, so a client that waited would read end of stream.
    /// </summary>
    private static ScriptedIMAP4 AppendSession(string capabilities, string continuation = "+ go\r\n")
    {
        var byCommand = ScriptedIMAP4.ByCommand(c => Standard(c, capabilities));
        string tag = "";
        int stage = 0;
        return new ScriptedIMAP4("* PREAUTH hi\r\n", (imap, data) =>
        {
            string text = Latin1(data);
            switch (stage)
            {
                case 0 when text.Contains(" APPEND "):
                    tag = text[..text.IndexOf(' ')];
                    if (text.Contains("+}\r\n")) stage = 1;
                    else if (continuation.StartsWith('+'))
                    {
                        stage = 1;
                        imap.Feed(continuation);
                    }
                    else imap.Feed(continuation.Replace("{tag}", tag));
                    return;
                case 1:
                    stage = 2;   // the literal
                    return;
                case 2:
                    stage = 0;   // the trailer
                    imap.Feed($"{tag} OK [APPENDUID 1 1] Append completed\r\n");
                    return;
                default:
                    byCommand(imap, data);
                    return;
            }
        });
    }

    private static readonly byte[] MixedLineEnds = "a\rb\nc\r\nd"u8.ToArray();

    [Test]
    public void Append_without_translation_sends_the_literal_byte_exact()
    {
        var M = AppendSession("IMAP4rev1");
        int before = M.Sent.Count;
        var (typ, data) = M.append("INBOX", null, null, MixedLineEnds, translate_line_endings: false);
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'[APPENDUID 1 1] Append completed']")));
        Assert.That(M.Sent, Has.Count.EqualTo(before + 3), "line, literal, trailer");
        Assert.That(Latin1(M.Sent[before]), Does.Match("^[A-P]+\\d+ APPEND INBOX \\{8\\}\r\n$"));
        Assert.That(M.Sent[before + 1], Is.EqualTo(MixedLineEnds));
        Assert.That(M.Sent[before + 2], Is.EqualTo("\r\n"u8.ToArray()));
    }

    [Test]
    public void Append_by_default_normalises_every_line_ending_to_CRLF()
    {
        var M = AppendSession("IMAP4rev1");
        M.append("INBOX", @"\Seen", null, MixedLineEnds);
        Assert.That(LastLine(M), Is.EqualTo(@"APPEND INBOX (\Seen) {10}"));
        Assert.That(M.Sent[^2], Is.EqualTo("a\r\nb\r\nc\r\nd"u8.ToArray()));
        Assert.That(M.Sent[^1], Is.EqualTo("\r\n"u8.ToArray()));
    }

    [Test]
    public void Append_with_LITERAL_plus_sends_the_message_without_waiting()
    {
        var M = AppendSession("IMAP4rev1 LITERAL+");
        Assert.That(M.UseLiteralPlus, Is.True, "on by default");
        var message = "Subject: x\r\n\r\nhi\r\n"u8.ToArray();
        var (typ, _) = M.append("Drafts", null, null, message);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Latin1(M.Sent[^3]), Does.Match("^[A-P]+\\d+ APPEND Drafts \\{18\\+\\}\r\n$"));
        Assert.That(M.Sent[^2], Is.EqualTo(message));
        Assert.That(M.Sent[^1], Is.EqualTo("\r\n"u8.ToArray()));
        Assert.That(M.continuation_response.Length, Is.Zero, "no continuation was read");
    }

    [Test]
    public void Append_waits_for_the_continuation_without_LITERAL_plus_or_when_it_is_turned_off()
    {
        // A server that refuses at the continuation point: a client that waits never sends the literal.
        foreach (var (capabilities, useLiteralPlus) in new[] { ("IMAP4rev1", true), ("IMAP4rev1 LITERAL+", false) })
        {
            var M = AppendSession(capabilities, continuation: "{tag} NO [TRYCREATE] no such mailbox\r\n");
            M.UseLiteralPlus = useLiteralPlus;
            int before = M.Sent.Count;
            var (typ, data) = M.append("Nowhere", null, null, "Subject: x\r\n\r\nhi\r\n"u8.ToArray());
            Assert.That((typ, Repr(data)), Is.EqualTo(("NO", "[b'[TRYCREATE] no such mailbox']")), capabilities);
            Assert.That(M.Sent.Skip(before).Select(Latin1).ToList(), Has.Count.EqualTo(1), capabilities);
            Assert.That(LastLine(M), Is.EqualTo("APPEND Nowhere {18}"), capabilities);
        }
        // And with the continuation, the literal follows it.
        var S = AppendSession("IMAP4rev1 LITERAL+");
        S.UseLiteralPlus = false;
        Assert.That(S.append("INBOX", null, null, "x\r\n"u8.ToArray()).typ, Is.EqualTo("OK"));
        Assert.That(LastLine(S), Is.EqualTo("APPEND INBOX {3}"));
        Assert.That(S.continuation_response, Is.EqualTo("go"u8.ToArray()));
        Assert.That(S.Sent[^2], Is.EqualTo("x\r\n"u8.ToArray()));
    }

    [Test]
    public void Append_after_ENABLE_UTF8_ACCEPT_uses_the_UTF8_literal_form()
    {
        var M = AppendSession("IMAP4rev1 ENABLE UTF8=ACCEPT");
        Assert.That(M.enable("UTF8=ACCEPT").typ, Is.EqualTo("OK"));
        Assert.That(M.utf8_enabled, Is.True);
        byte[] message = "Subject: caf\u00e9\r\n\r\n\u00fcber\r\n"u8.ToArray();
        var (typ, _) = M.append("Entwürfe", null, null, message);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("APPEND \""), Encoding.UTF8.GetBytes("Entwürfe"),
            Ascii($"\" UTF8 (~{{{message.Length}}}"))));
        Assert.That(M.Sent[^3][^2..], Is.EqualTo("\r\n"u8.ToArray()));
        Assert.That(M.continuation_response, Is.EqualTo("go"u8.ToArray()), "without LITERAL+ it waited for the continuation");
        Assert.That(M.Sent[^2], Is.EqualTo(message));
        Assert.That(M.Sent[^1], Is.EqualTo(")\r\n"u8.ToArray()));
    }

    [Test]
    public void Append_in_UTF8_mode_with_LITERAL_plus_uses_the_non_synchronising_UTF8_form()
    {
        var M = AppendSession("IMAP4rev1 ENABLE UTF8=ACCEPT LITERAL+");
        M.enable("UTF8=ACCEPT");
        byte[] message = "Subject: \u65e5\u672c\r\n\r\nx\r\n"u8.ToArray();
        Assert.That(M.append(null, null, null, message).typ, Is.EqualTo("OK"));
        Assert.That(LastLine(M), Is.EqualTo($"APPEND INBOX UTF8 (~{{{message.Length}+}}"));
        Assert.That(M.Sent[^2], Is.EqualTo(message));
        Assert.That(M.Sent[^1], Is.EqualTo(")\r\n"u8.ToArray()));
    }

    // Newest CPython switches to UTF-8 on the tagged OK alone, whatever ENABLED says (issue 13); a NO leaves ASCII.
    [TestCase("IMAP4rev1 ENABLE UTF8=ACCEPT", "* ENABLED UTF8=ACCEPT\r\n", "OK", true)]
    [TestCase("IMAP4rev1 ENABLE", "* ENABLED UTF8=ACCEPT\r\n", "OK", true)]
    [TestCase("IMAP4rev1 ENABLE UTF8=ACCEPT", "", "OK", true)]
    [TestCase("IMAP4rev1 ENABLE", "", "OK", true)]
    [TestCase("IMAP4rev1 ENABLE UTF8=ACCEPT", "* ENABLED CONDSTORE\r\n", "OK", true)]
    [TestCase("IMAP4rev1 ENABLE UTF8=ACCEPT", "", "NO", false)]
    public void Enable_switches_to_UTF8_on_the_tagged_OK_alone(string capabilities, string enabledLine, string status, bool utf8)
    {
        var M = Session(capabilities, c => c.Name == "ENABLE" ? enabledLine + "{tag} " + status + " enabled\r\n" : null);
        Assert.That(M.enable("UTF8=ACCEPT").typ, Is.EqualTo(status));
        Assert.That(LastLine(M), Is.EqualTo("ENABLE UTF8=ACCEPT"));
        Assert.That(M.utf8_enabled, Is.EqualTo(utf8));
        M.create("Entwürfe");
        Assert.That(LastLineBytes(M), Is.EqualTo(utf8
            ? Concat(Ascii("CREATE \""), Encoding.UTF8.GetBytes("Entwürfe"), Ascii("\""))
            : Ascii("CREATE Entw&APw-rfe")));
    }

    // ---- Mailbox names --------------------------------------------------------------------------------------

    [Test]
    public void Text_mailbox_names_are_sent_in_modified_UTF7()
    {
        var M = Selected();
        M.create("Entwürfe");
        Assert.That(LastLine(M), Is.EqualTo("CREATE Entw&APw-rfe"));
        M.create("Entw&APw-rfe");
        Assert.That(LastLine(M), Is.EqualTo("CREATE Entw&APw-rfe"), "already modified UTF-7: unchanged");
        M.create("Tom & Jerry");
        Assert.That(LastLine(M), Is.EqualTo("CREATE \"Tom &- Jerry\""));
        M.create("Tom &- Jerry");
        Assert.That(LastLine(M), Is.EqualTo("CREATE \"Tom &- Jerry\""));
        M.create("~peter/mail/台北/日本語");
        Assert.That(LastLine(M), Is.EqualTo("CREATE ~peter/mail/&U,BTFw-/&ZeVnLIqe-"));
        M.rename("Entwürfe", "Tom & Jerry");
        Assert.That(LastLine(M), Is.EqualTo("RENAME Entw&APw-rfe \"Tom &- Jerry\""));
        M.select("Entwürfe");
        Assert.That(LastLine(M), Is.EqualTo("SELECT Entw&APw-rfe"));
        M.status("Entwürfe", "(MESSAGES)");
        Assert.That(LastLine(M), Is.EqualTo("STATUS Entw&APw-rfe (MESSAGES)"));
        M.copy("1", "Entwürfe");
        Assert.That(LastLine(M), Is.EqualTo("COPY 1 Entw&APw-rfe"));
        M.move("1", "Entwürfe", uid: true);
        Assert.That(LastLine(M), Is.EqualTo("UID MOVE 1 Entw&APw-rfe"));
        M.list("", "Entwürfe*");
        Assert.That(LastLine(M), Is.EqualTo("LIST \"\" Entw&APw-rfe*"));
        M.subscribe("Entwürfe");
        Assert.That(LastLine(M), Is.EqualTo("SUBSCRIBE Entw&APw-rfe"));
        M.delete("Entwürfe");
        Assert.That(LastLine(M), Is.EqualTo("DELETE Entw&APw-rfe"));
    }

    [TestCase("a\tb", "CREATE a&AAk-b")]
    [TestCase("x\r\ny", "CREATE x&AA0ACg-y")]
    [TestCase("nul\0", "CREATE nul&AAA-")]
    [TestCase("del\u007f", "CREATE del&AH8-")]
    [TestCase("Entw&APw", "CREATE Entw&-APw")]
    public void Control_characters_and_stray_ampersands_in_a_text_mailbox_name_are_encoded(string name, string expected)
    {
        var M = Session();
        M.create(name);
        Assert.That(LastLine(M), Is.EqualTo(expected));
        Assert.That(M.SentText.Count(ch => ch < ' ' && ch is not '\r' and not '\n'), Is.Zero, "no raw control character on the wire");
    }

    [Test]
    public void After_ENABLE_UTF8_ACCEPT_a_non_ASCII_name_is_a_UTF8_quoted_string()
    {
        var M = Session("IMAP4rev1 ENABLE UTF8=ACCEPT");
        M.create("Entwürfe");
        Assert.That(LastLineBytes(M), Is.EqualTo(Ascii("CREATE Entw&APw-rfe")));
        M.enable("UTF8=ACCEPT");
        M.create("Entwürfe");
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("CREATE \""), Encoding.UTF8.GetBytes("Entwürfe"), Ascii("\""))));
        M.select("台北");
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("SELECT \""), Encoding.UTF8.GetBytes("台北"), Ascii("\""))));
        int sent = M.Sent.Count;
        Assert.Throws<ArgumentException>(() => M.create("x\r\ny"));
        Assert.That(M.Sent, Has.Count.EqualTo(sent), "CR/LF in UTF-8 mode is refused, never sent raw");
        // In UTF-8 mode a non-ASCII params value goes as a UTF-8 quoted string.
        M.search(null, "SUBJECT ?", @params: ["café au lait"]);
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("SEARCH SUBJECT \""), Encoding.UTF8.GetBytes("café au lait"), Ascii("\""))));
    }

    // ---- Criteria in the declared charset -------------------------------------------------------------------

    [Test]
    public void Search_sort_and_thread_criteria_are_encoded_in_the_declared_charset()
    {
        var M = Selected();
        M.search("KOI8-U", "TEXT", "\"привіт\"");
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("SEARCH CHARSET KOI8-U TEXT \""),
            [0xd0, 0xd2, 0xc9, 0xd7, 0xa6, 0xd4], Ascii("\""))));
        M.search("ISO-8859-1", true, "SUBJECT \"café\"");
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("UID SEARCH CHARSET ISO-8859-1 SUBJECT \"caf"), [0xe9], Ascii("\""))));
        M.sort("(DATE)", "ISO-8859-1", "SUBJECT", "\"café\"");
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("SORT (DATE) ISO-8859-1 SUBJECT \"caf"), [0xe9], Ascii("\""))));
        M.thread("REFERENCES", "KOI8-U", true, "TEXT \"привіт\"");
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("UID THREAD REFERENCES KOI8-U TEXT \""),
            [0xd0, 0xd2, 0xc9, 0xd7, 0xa6, 0xd4], Ascii("\""))));
        // ASCII criteria are unchanged; byte criteria pass through as given.
        M.search("ISO-8859-1", "ALL", new byte[] { (byte)'X', 0xff });
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("SEARCH CHARSET ISO-8859-1 ALL X"), [0xff])));
    }

    [Test]
    public void Search_params_with_non_ASCII_values_are_encoded_in_the_declared_charset()
    {
        // Library bug candidate: Substitute() writes each param with the connection encoding (ASCII) before the
        // charset step, so a non-ASCII param raises instead of being sent in the declared charset.
        var M = Selected();
        M.search("ISO-8859-1", "SUBJECT ?", @params: ["café"]);
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("SEARCH CHARSET ISO-8859-1 SUBJECT \"caf"), [0xe9], Ascii("\""))));
    }

    [Test]
    public void Uid_SORT_and_THREAD_encode_criteria_in_their_charset_too()
    {
        // CPython gh-153494 encodes the criteria of uid('SORT'/'THREAD', ...) to the declared charset as well.
        var M = Selected();
        M.uid("SORT", "(DATE)", "ISO-8859-1", "SUBJECT", "\"café\"");
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("UID SORT (DATE) ISO-8859-1 SUBJECT \"caf"), [0xe9], Ascii("\""))));
        M.uid("THREAD", "REFERENCES", "KOI8-U", "TEXT", "\"привіт\"");
        Assert.That(LastLineBytes(M), Is.EqualTo(Concat(Ascii("UID THREAD REFERENCES KOI8-U TEXT \""),
            [0xd0, 0xd2, 0xc9, 0xd7, 0xa6, 0xd4], Ascii("\""))));
    }

    // ---- ModifiedUtf7 ---------------------------------------------------------------------------------------

    [TestCase("Entwürfe", "Entw&APw-rfe")]
    [TestCase("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-")]
    [TestCase("Tom & Jerry", "Tom &- Jerry")]
    [TestCase("&", "&-")]
    [TestCase("", "")]
    [TestCase("plain ASCII ~!", "plain ASCII ~!")]
    [TestCase("\U0001F600", "&2D3eAA-")]
    [TestCase("a\tb", "a&AAk-b")]
    [TestCase("Ærø", "&AMY-r&APg-")]
    [TestCase("\u00ff\u00fe", "&AP8A,g-")]
    public void ModifiedUtf7_encodes_and_decodes(string text, string encoded)
    {
        Assert.That(ModifiedUtf7.Encode(text), Is.EqualTo(encoded));
        Assert.That(ModifiedUtf7.Decode(encoded), Is.EqualTo(text));
        Assert.That(ModifiedUtf7.TryDecode(encoded, out var decoded), Is.True);
        Assert.That(decoded, Is.EqualTo(text));
    }

    [TestCase("&U,BTFw")]
    [TestCase("&Jjo!-")]
    [TestCase("&AGE-")]
    [TestCase("café")]
    [TestCase("a\tb")]
    [TestCase("&A-")]
    [TestCase("&AAAA-")]
    [TestCase("&U/BTFw-")]
    public void ModifiedUtf7_rejects_invalid_input(string encoded)
    {
        Assert.That(ModifiedUtf7.TryDecode(encoded, out var name), Is.False);
        Assert.That(name, Is.EqualTo(""));
        var ex = Assert.Throws<ArgumentException>(() => ModifiedUtf7.Decode(encoded));
        Assert.That(ex!.Message, Does.Contain("modified UTF-7"));
    }

    [Test]
    public void ModifiedUtf7_round_trips_every_BMP_block_and_refuses_null()
    {
        var text = new string(Enumerable.Range(0x20, 0xd7ff - 0x20).Where(i => i % 97 == 0 || i < 0x200).Select(i => (char)i).ToArray());
        Assert.That(ModifiedUtf7.Decode(ModifiedUtf7.Encode(text)), Is.EqualTo(text));
        Assert.That(ModifiedUtf7.Encode(text), Does.Match("^[\\x20-\\x7e]*$"));
        Assert.Throws<ArgumentNullException>(() => ModifiedUtf7.Encode(null!));
        Assert.Throws<ArgumentNullException>(() => ModifiedUtf7.TryDecode(null!, out _));
    }

    // =========================================================================================================
    // Against the real Dovecot: each test has its own fresh account.
    // =========================================================================================================

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Msg(string subject, string from = "tester@example.com", string body = "body text") =>
        Utf8($"From: {from}\r\nSubject: {subject}\r\n\r\n{body}\r\n");

    private static string Text(ImapItem? item) => item is null ? "<None>" : item.IsPair ? item.Header.decode() : item.decode();

    /// <summary>A fresh account with <paramref name="messages"/> in INBOX, logged in, INBOX selected.</summary>
    private static IMAP4 Inbox(params byte[][] messages)
    {
        var M = Dovecot.NewAccount().Connect();
        foreach (var message in messages)
            Assert.That(M.append("INBOX", null, null, message).typ, Is.EqualTo("OK"));
        Assert.That(M.select("INBOX").data, Is.EqualTo(new[] { ImapItem.FromString(messages.Length.ToString()) }));
        return M;
    }

    private static int Messages(IMAP4 M, ImapArg mailbox)
    {
        var (typ, data) = M.status(mailbox, new[] { "MESSAGES" });
        Assert.That(typ, Is.EqualTo("OK"));
        var match = Regex.Match(Text(data[0]), @"\(MESSAGES (\d+)\)$");
        Assert.That(match.Success, Is.True, Text(data[0]));
        return int.Parse(match.Groups[1].Value);
    }

    /// <summary>The Subject header of each message of <paramref name="set"/>, in order.</summary>
    private static List<string> Subjects(IMAP4 M, ImapArg set, bool uid = false)
    {
        var (typ, data) = M.fetch(set, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])", uid: uid);
        Assert.That(typ, Is.EqualTo("OK"));
        return data.Where(item => item is { IsPair: true }).Select(item => item!.Body.decode().Trim()).ToList();
    }

    [Category("Server")]
    [Test]
    public void Dovecot_move_and_uid_move_really_move_and_report_COPYUID()
    {
        using var M = Inbox(Msg("one"), Msg("two"), Msg("three"));
        Assert.That(M.create("Archive").typ, Is.EqualTo("OK"));

        var (typ, data) = M.move("1", "Archive");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Move completed"));
        Assert.That(Text(M.response("COPYUID").data[0]), Does.Match(@"^\d+ 1 1$"));
        Assert.That(M.response("EXPUNGE").data, Is.EqualTo(new[] { ImapItem.FromString("1") }));

        // UID 3 ("three") is now message 2.
        (typ, data) = M.move(new object[] { 3 }, "Archive", uid: true);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Move completed"));
        Assert.That(Text(M.response("COPYUID").data[0]), Does.Match(@"^\d+ 3 2$"), "UID MOVE reports COPYUID untagged");
        Assert.That(M.response("EXPUNGE").data, Is.EqualTo(new[] { ImapItem.FromString("2") }));

        Assert.That(Subjects(M, "1:*"), Is.EqualTo(new[] { "Subject: two" }));
        Assert.That(Messages(M, "Archive"), Is.EqualTo(2));
        M.select("Archive");
        Assert.That(Subjects(M, (1, 2)), Is.EqualTo(new[] { "Subject: one", "Subject: three" }));
    }

    [Category("Server")]
    [Test]
    public void Dovecot_uid_expunge_removes_only_those_UIDs()
    {
        using var M = Inbox(Msg("m1"), Msg("m2"), Msg("m3"), Msg("m4"));
        Assert.That(M.store("1:*", "+FLAGS", new[] { @"\Deleted" }).data, Has.Count.EqualTo(4));
        var (typ, data) = M.expunge(new object[] { 2, 4 }, uid: true);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Repr(data), Is.EqualTo("[b'4', b'2']"), "Dovecot's EXPUNGE responses for UIDs 4 and 2");
        Assert.That(Repr(M.search(null, uid: true, "ALL").data), Is.EqualTo("[b'1 3']"));
        Assert.That(Subjects(M, "1:*"), Is.EqualTo(new[] { "Subject: m1", "Subject: m3" }));
        // The survivors are still \Deleted: a plain EXPUNGE removes them.
        (typ, data) = M.expunge();
        Assert.That(data, Has.Count.EqualTo(2));
        Assert.That(Repr(M.search(null, "ALL").data), Is.EqualTo("[b'']"));
    }

    [Category("Server")]
    [Test]
    public void Dovecot_id_returns_its_ID_data()
    {
        using var M = Dovecot.NewAccount().Connect();
        var (typ, data) = M.id();
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'(\"name\" \"Dovecot\")']")));
        (typ, data) = M.id(new Dictionary<string, string?> { ["name"] = "imaplib", ["os"] = null, ["x"] = "a \"q\" \\" });
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'(\"name\" \"Dovecot\")']")));
    }

    [Category("Server")]
    [Test]
    public void Dovecot_login_plain_with_a_non_ASCII_password_holding_space_quote_and_backslash()
    {
        const string password = "pä ss\"w\\rd€";
        var account = Dovecot.NewAccount(password);
        using (var M = new IMAP4(Dovecot.Server.Host, Dovecot.Server.Port, 30))
        {
            Assert.That(M.capabilities, Does.Contain("AUTH=PLAIN"));
            Assert.That(M.capabilities, Does.Not.Contain("MOVE"), "pre-login capabilities");
            var (typ, data) = M.login_plain(account.User, password);
            Assert.That(typ, Is.EqualTo("OK"));
            Assert.That(Text(data[0]), Does.StartWith("[CAPABILITY IMAP4rev1 ").And.Contain("Logged in"));
            Assert.That(M.state, Is.EqualTo("AUTH"));
            Assert.That(M.capabilities, Does.Contain("MOVE").And.Contain("UIDPLUS"), "refreshed after AUTHENTICATE");
            Assert.That(M.select().typ, Is.EqualTo("OK"));
        }
        using (var M = new IMAP4(Dovecot.Server.Host, Dovecot.Server.Port, 30))
        {
            var ex = Assert.Throws<IMAP4.error>(() => M.login_plain(account.User, password + "x"));
            Assert.That(ex!.Message, Does.Contain("Authentication failed"));
            Assert.That(M.state, Is.EqualTo("NONAUTH"));
        }
        // LOGIN, as in CPython, sends the password in the connection's encoding (ASCII): this one cannot go that way.
        using (var M = new IMAP4(Dovecot.Server.Host, Dovecot.Server.Port, 30))
        {
            Assert.Throws<ArgumentException>(() => M.login(account.User, password));
            Assert.That(M.state, Is.EqualTo("NONAUTH"));
            Assert.That(M.noop().typ, Is.EqualTo("OK"), "nothing half-sent: the connection is still in step");
        }
    }

    [Category("Server")]
    [Test]
    public void Dovecot_store_fetch_copy_with_structured_sets_and_uid()
    {
        using var M = Inbox(Msg("s1"), Msg("s2"), Msg("s3"), Msg("s4"), Msg("s5"), Msg("s6"));
        // Remove UID 1 so that message number n is UID n+1.
        M.store(1, "+FLAGS", @"\Deleted");
        M.expunge();
        Assert.That(M.create("Dest").typ, Is.EqualTo("OK"));

        var (typ, data) = M.store(new object[] { 2, (4, 5) }, "+FLAGS", new[] { @"\Flagged", "$Label" }, uid: true);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Texts(data), Is.EqualTo(new[]
        {
            @"1 (UID 2 FLAGS (\Flagged \Recent $Label))",
            @"3 (UID 4 FLAGS (\Flagged \Recent $Label))",
            @"4 (UID 5 FLAGS (\Flagged \Recent $Label))",
        }));

        (typ, data) = M.fetch(new object[] { (2, 6) }, new[] { "UID", "FLAGS" }, uid: true);
        Assert.That(typ, Is.EqualTo("OK"));
        var flagged = data.Select(Text).Where(t => t.Contains(@"\Flagged")).Select(t => Regex.Match(t, @"UID (\d+)").Groups[1].Value);
        Assert.That(flagged, Is.EqualTo(new[] { "2", "4", "5" }));
        Assert.That(data, Has.Count.EqualTo(5));

        // Message numbers 1 and 3 are UIDs 2 and 4.
        Assert.That(Texts(M.fetch(new[] { 1, 3 }, "UID").data), Is.EqualTo(new[] { "1 (UID 2)", "3 (UID 4)" }));

        (typ, data) = M.copy(new object[] { 2, (5, 6) }, "Dest", uid: true);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.Match(@"^\[COPYUID \d+ 2,5:6 1:3\] Copy completed"));
        Assert.That(Messages(M, "Dest"), Is.EqualTo(3));
        Assert.That(Subjects(M, new object[] { 2, (5, 6) }, uid: true), Is.EqualTo(new[] { "Subject: s2", "Subject: s5", "Subject: s6" }));
    }

    private static List<string> Texts(IEnumerable<ImapItem?> data) => data.Select(Text).ToList();

    [Category("Server")]
    [Test]
    public void Dovecot_search_sort_thread_fetch_with_params()
    {
        string Encoded(string text) => "=?utf-8?b?" + Convert.ToBase64String(Utf8(text)) + "?=";
        using var M = Inbox(Msg("dummy"), Msg("trip report", "me@host"), Msg("trip", "other@host"),
            Msg("report trip", "me@host"), Msg(Encoded("café crème")), Msg(Encoded("привіт світ")));
        M.store(1, "+FLAGS", @"\Deleted");
        M.expunge();   // message n is now UID n+1

        Assert.That(Repr(M.search(null, "SUBJECT ? FROM ?", @params: ["trip report", "me@host"]).data), Is.EqualTo("[b'1']"));
        Assert.That(Repr(M.search(null, "SUBJECT ? FROM ?", @params: ["trip report", "me@host"], uid: true).data), Is.EqualTo("[b'2']"));
        Assert.That(Repr(M.search(null, "FROM ?", @params: ["me@host"]).data), Is.EqualTo("[b'1 3']"));
        Assert.That(Repr(M.sort(new[] { "SUBJECT" }, "UTF-8", "FROM ?", @params: ["me@host"]).data), Is.EqualTo("[b'3 1']"));
        Assert.That(Repr(M.sort("REVERSE SUBJECT", "UTF-8", "FROM ? SUBJECT ?", @params: ["me@host", "trip"], uid: true).data), Is.EqualTo("[b'2 4']"));
        Assert.That(Repr(M.thread("ORDEREDSUBJECT", "UTF-8", "SUBJECT ?", @params: ["report trip"], uid: true).data), Is.EqualTo("[b'(4)']"));

        var (typ, data) = M.fetch("1", "(BODY.PEEK[HEADER.FIELDS ?])", @params: [new[] { "SUBJECT", "FROM" }]);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data[0]!.Body, Is.EqualTo(Utf8("From: me@host\r\nSubject: trip report\r\n\r\n")));

        // Criteria in a declared charset reach Dovecot in that charset.
        Assert.That(Repr(M.search("ISO-8859-1", "SUBJECT", "\"café\"").data), Is.EqualTo("[b'4']"));
        Assert.That(Repr(M.search("KOI8-U", "SUBJECT", "\"привіт\"").data), Is.EqualTo("[b'5']"));
        Assert.That(Repr(M.search("UTF-8", "SUBJECT", "\"crème\"").data), Is.EqualTo("[b'4']"));
    }

    [Category("Server")]
    [Test]
    public void Dovecot_uid_with_params_typed_placeholders_and_structured_sets()   // issue 13
    {
        using var M = Inbox(Msg("dummy"), Msg("trip report", "me@host"), Msg("trip", "other@host"),
            Msg("report trip", "me@host"), Msg("fifth", "me@host"), Msg("sixth", "other@host"));
        M.store(1, "+FLAGS", @"\Deleted");
        M.expunge();   // message n is now UID n+1

        // uid(command, *args, params=[...]) for SEARCH, SORT, THREAD and FETCH.
        Assert.That(Repr(M.uid("SEARCH", "FROM ? SUBJECT ?", @params: ["me@host", "trip report"]).data), Is.EqualTo("[b'2']"));
        Assert.That(Repr(M.uid("SORT", "(SUBJECT)", "UTF-8", "FROM ?", @params: ["me@host"]).data), Is.EqualTo("[b'5 4 2']"));
        Assert.That(Repr(M.uid("THREAD", "ORDEREDSUBJECT", "UTF-8", "SUBJECT ?", @params: ["report trip"]).data), Is.EqualTo("[b'(4)']"));
        var (typ, data) = M.uid("FETCH", "?s", "(BODY.PEEK[HEADER.FIELDS ?])", @params: [(2, 3), new[] { "SUBJECT" }]);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data.Where(d => d!.IsPair).Select(d => Encoding.ASCII.GetString(d!.Body!)),
            Is.EqualTo(new[] { "Subject: trip report\r\n\r\n", "Subject: trip\r\n\r\n" }));

        // ?f and ?s in a search, and a flag list through STORE.
        M.uid("STORE", "?s", "+FLAGS", "?f", @params: [(4, (int?)null), new[] { @"\Flagged", "$Later" }]);
        Assert.That(Repr(M.uid("SEARCH", "KEYWORD ?f UID ?s", @params: ["$Later", 2..6]).data), Is.EqualTo("[b'4 5']"));
        Assert.That(Repr(M.search(null, "FLAGGED UID ?s", @params: [new object[] { 2, (5, "*") }]).data), Is.EqualTo("[b'4 5']"));

        // Structured sets as message numbers: a range, an open end, a consecutive enumeration.
        Assert.That(Texts(M.fetch(2..4, "UID").data), Is.EqualTo(new[] { "2 (UID 3)", "3 (UID 4)" }));
        Assert.That(Texts(M.fetch((4, (int?)null), "UID").data), Is.EqualTo(new[] { "4 (UID 5)", "5 (UID 6)" }));
        Assert.That(Texts(M.fetch(new object[] { Enumerable.Range(1, 2) }, "UID").data), Is.EqualTo(new[] { "1 (UID 2)", "2 (UID 3)" }));
    }

    [Category("Server")]
    [Test]
    public void Dovecot_append_without_translation_round_trips_byte_exact()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        byte[] crlf = Concat(Utf8("From: a@example.com\r\nSubject: raw\r\n\r\nline one\r\n  indented \t tab\r\n"),
            [0xe9, 0x80, 0xff], Utf8("\r\n\r\nlast\r\n"));
        var (typ, data) = M.append("INBOX", null, null, crlf, translate_line_endings: false);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.Match(@"^\[APPENDUID \d+ 1\]"));
        // The default translation turns bare LF and CR into CRLF.
        Assert.That(M.append("INBOX", null, null, Utf8("From: a@example.com\nSubject: lf\r\rx\ny\n")).typ, Is.EqualTo("OK"));

        M.select();
        (typ, data) = M.fetch("1:2", "(RFC822.SIZE BODY.PEEK[])");
        Assert.That(typ, Is.EqualTo("OK"));
        var bodies = data.Where(item => item is { IsPair: true }).ToList();
        Assert.That(bodies, Has.Count.EqualTo(2));
        Assert.That(bodies[0]!.Body, Is.EqualTo(crlf));
        Assert.That(Text(bodies[0]), Does.Contain($"RFC822.SIZE {crlf.Length} "));
        Assert.That(bodies[1]!.Body, Is.EqualTo(Utf8("From: a@example.com\r\nSubject: lf\r\n\r\nx\r\ny\r\n")));
    }

    [Category("Server")]
    [Test]
    public void Dovecot_non_ASCII_mailbox_name_in_ASCII_mode_is_modified_UTF7()
    {
        using var M = Dovecot.NewAccount().Connect();
        Assert.That(M.create("Entwürfe").typ, Is.EqualTo("OK"));
        Assert.That(M.create("Tom & Jerry").typ, Is.EqualTo("OK"));
        Assert.That(M.create("台北").typ, Is.EqualTo("OK"));
        var listed = Texts(M.list().data);
        Assert.That(listed, Does.Contain(@"(\HasNoChildren) ""/"" Entw&APw-rfe"));
        Assert.That(listed, Does.Contain(@"(\HasNoChildren) ""/"" ""Tom &- Jerry"""));
        Assert.That(listed, Does.Contain(@"(\HasNoChildren) ""/"" &U,BTFw-"));
        Assert.That(ModifiedUtf7.Decode("&U,BTFw-"), Is.EqualTo("台北"));

        Assert.That(M.append("Entwürfe", null, null, Msg("in drafts")).typ, Is.EqualTo("OK"));
        Assert.That(Messages(M, "Entwürfe"), Is.EqualTo(1));
        Assert.That(M.select("Entwürfe").data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        Assert.That(M.select("Entw&APw-rfe").data, Is.EqualTo(new[] { ImapItem.FromString("1") }), "the encoded name is the same mailbox");
        Assert.That(M.copy(1, "Tom & Jerry").typ, Is.EqualTo("OK"));
        Assert.That(M.rename("Tom & Jerry", "Tom & Jerry ö").typ, Is.EqualTo("OK"));
        Assert.That(Texts(M.list("", "Tom*").data), Is.EqualTo(new[] { @"(\HasNoChildren) ""/"" ""Tom &- Jerry &APY-""" }));
        Assert.That(Messages(M, "Tom & Jerry ö"), Is.EqualTo(1));
        Assert.That(M.select("Tom & Jerry").typ, Is.EqualTo("NO"));
    }

    [Category("Server")]
    [Test]
    public void Dovecot_ENABLE_UTF8_ACCEPT_then_a_non_ASCII_name_and_an_8bit_message_round_trip()
    {
        using var M = Dovecot.NewAccount().Connect();
        byte[] message = Concat(Utf8("From: a@example.com\r\nSubject: Grüße\r\n\r\n日本語 über\r\n"), [0xff, 0x80], Utf8("\r\n"));
        const string name = "Entwürfe 台北";
        Assert.That(M.enable("UTF8=ACCEPT").typ, Is.EqualTo("OK"));
        var enabled = M.response("ENABLED").data;
        if (M.capabilities.Contains("UTF8=ACCEPT"))
        {
            // RFC 6855 server (Dovecot 2.4+): UTF-8 mode, the name goes as UTF-8, the message in UTF8 (~{n}).
            Assert.That(enabled, Is.EqualTo(new[] { ImapItem.FromString("UTF8=ACCEPT") }));
            Assert.That(M.utf8_enabled, Is.True);
            Assert.That(M.create(name).typ, Is.EqualTo("OK"));
            Assert.That(Texts(M.list().data), Does.Contain($@"(\HasNoChildren) ""/"" ""{name}"""));
        }
        else
        {
            // Dovecot 2.3 does not implement RFC 6855: ENABLE is OK but enables nothing (no ENABLED response). As
            // newest CPython does, the library switches to UTF-8 on the OK alone, and the server then refuses the
            // UTF-8 name; the round trip needs an RFC 6855 server (Dovecot 2.4+), and this is what a script sees here.
            Assert.That(enabled, Is.EqualTo(new ImapItem?[] { null }));
            Assert.That(M.utf8_enabled, Is.True);
            var (status, reply) = M.create(name);
            Assert.That(status, Is.EqualTo("NO"));
            Assert.That(Text(reply[0]), Does.StartWith("Mailbox name is not valid mUTF-7"));
            return;
        }
        var (typ, data) = M.append(name, null, null, message);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.Match(@"^\[APPENDUID \d+ 1\]"));
        Assert.That(M.select(name).data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        (typ, data) = M.fetch("1", "(BODY.PEEK[])");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data[0]!.Body, Is.EqualTo(message));
    }

    [Category("Server")]
    [Test]
    public void Dovecot_append_with_LITERAL_plus_and_with_UseLiteralPlus_off()
    {
        var account = Dovecot.NewAccount();
        using var M = new ImapLib.Testing.RecordingIMAP4(Dovecot.Server.Host, Dovecot.Server.Port, 30);
        M.login(account.User, account.Password);
        Assert.That(M.capabilities, Does.Contain("LITERAL+"));
        byte[] first = Msg("non-synchronising"), second = Msg("synchronising");

        var (typ, data) = M.append("INBOX", null, null, first);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.Match(@"^\[APPENDUID \d+ 1\]"));
        AssertLastAppend(M.transcript, $"C: {{tag}} APPEND INBOX {{{first.Length}+}}", first, synchronising: false);
        Assert.That(M.continuation_response.Length, Is.Zero, "no continuation was needed");

        M.UseLiteralPlus = false;
        (typ, data) = M.append("INBOX", null, null, second);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.Match(@"^\[APPENDUID \d+ 2\]"));
        AssertLastAppend(M.transcript, $"C: {{tag}} APPEND INBOX {{{second.Length}}}", second, synchronising: true);
        Assert.That(M.continuation_response.Length, Is.GreaterThan(0), "the client waited for Dovecot's continuation");

        M.select();
        var bodies = M.fetch("1:2", "(BODY.PEEK[])").data.Where(item => item is { IsPair: true }).Select(item => item!.Body).ToList();
        Assert.That(bodies, Is.EqualTo(new[] { first, second }));
    }

    /// <summary>The recording ends with the APPEND line <paramref name="line"/>, the server's continuation only when
    /// <paramref name="synchronising"/>, then exactly <paramref name="message"/>'s bytes and the command's CRLF, then
    /// the tagged reply.</summary>
    private static void AssertLastAppend(ImapLib.Testing.Transcript transcript, string line, byte[] message, bool synchronising)
    {
        var steps = transcript.Steps;
        int at = steps.Select((step, i) => (step, i)).Last(s => s.step.Kind == ImapLib.Testing.TranscriptStepKind.Client && s.step.Text.StartsWith("C: {tag} APPEND ", StringComparison.Ordinal)).i;
        Assert.That(steps[at].Text, Is.EqualTo(line));
        at++;
        if (synchronising)
        {
            Assert.That(steps[at].Kind, Is.EqualTo(ImapLib.Testing.TranscriptStepKind.Server));
            Assert.That(steps[at].Text, Does.StartWith("S: + "));
            at++;
        }
        var literal = new StringBuilder();
        for (; at < steps.Count && steps[at].Kind == ImapLib.Testing.TranscriptStepKind.Client; at++)
            literal.Append(steps[at].Text == "C:" ? "" : steps[at].Text["C: ".Length..]).Append("\r\n");
        Assert.That(literal.ToString(), Is.EqualTo(Encoding.UTF8.GetString(message) + "\r\n"), "the literal's bytes, then the command's CRLF");
        Assert.That(steps[at].Text, Does.StartWith("S: {tag} OK "));
    }
}
