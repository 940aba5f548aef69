using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using ImapLib.Testing;
using ImapLib.Tests.Support;
using ScriptedIMAP4 = ImapLib.Testing.ScriptedIMAP4;
using Transcript = ImapLib.Testing.Transcript;

namespace ImapLib.Tests;

/// <summary>
/// The command engine in detail, against scripted servers: untagged bookkeeping, response codes, literals,
/// APPEND's continuation, tags, xatom, uid routing, argument quoting and checking, hostile literals, debug
/// output and the transport hooks.
/// </summary>
public class EngineTests
{
    private static string Repr(IEnumerable<ImapItem?> data) => PyRepr.Of(data);

    private static Dictionary<string, string> Untagged(IMAP4 M) =>
        M.untagged_responses.ToDictionary(pair => pair.Key, pair => Repr(pair.Value));

    // ---- Untagged responses, response() and recent() --------------------------------------------------

    [Test]
    public void Untagged_responses_accumulate_and_response_pops_them()
    {
        var M = new ScriptedIMAP4(Scripts.Preauth() + """
            C: {tag} SELECT INBOX
            S: * 3 EXISTS
            S: * OK [UIDVALIDITY 7] ok
            S: {tag} OK [READ-WRITE] done
            C: {tag} NOOP
            S: * 5 EXISTS
            S: * 6 EXISTS
            S: * 1 EXPUNGE
            S: {tag} OK done
            """);
        var (typ, data) = M.select();
        Assert.That(Repr(data), Is.EqualTo("[b'3']"));
        Assert.That(M.untagged_responses.ContainsKey("OK"), Is.True);
        M.noop();
        // OK/NO/BAD untagged responses are dropped when the next command starts; the rest accumulates.
        Assert.That(M.untagged_responses.ContainsKey("OK"), Is.False);
        Assert.That(Repr(M.untagged_responses["EXISTS"]), Is.EqualTo("[b'3', b'5', b'6']"));
        Assert.That(Repr(M.untagged_responses["EXPUNGE"]), Is.EqualTo("[b'1']"));

        (typ, data) = M.response("exists");
        Assert.That(typ, Is.EqualTo("exists"));   // Python returns the code as given
        Assert.That(Repr(data), Is.EqualTo("[b'3', b'5', b'6']"));
        (typ, data) = M.response("EXISTS");
        Assert.That(typ, Is.EqualTo("EXISTS"));
        Assert.That(data, Is.EqualTo(new ImapItem?[] { null }));
        (typ, data) = M.response("FETCH");
        Assert.That((typ, Repr(data)), Is.EqualTo(("FETCH", "[None]")));
        Assert.That(Repr(M.response("UIDVALIDITY").data), Is.EqualTo("[b'7']"));
        Assert.That(M.untagged_responses.ContainsKey("UIDVALIDITY"), Is.False);
        M.AssertComplete();
    }

    [Test]
    public void Recent_returns_pending_RECENT_without_NOOP_and_prompts_NOOP_only_when_none_is_pending()
    {
        var M = new ObservedIMAP4(Scripts.Preauth() + """
            C: {tag} SELECT INBOX
            S: * 3 EXISTS
            S: * 2 RECENT
            S: {tag} OK [READ-WRITE] done
            C: {tag} NOOP
            S: * 4 RECENT
            S: {tag} OK done
            C: {tag} NOOP
            S: {tag} OK done
            """);
        int Noops() => Regex.Matches(M.SentText, " NOOP\r\n").Count;
        M.select();
        var (typ, data) = M.recent();
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'2']")));
        Assert.That(Noops(), Is.EqualTo(0), "a pending RECENT is returned without asking the server");
        (typ, data) = M.recent();
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'4']")));
        Assert.That(Noops(), Is.EqualTo(1));
        (typ, data) = M.recent();
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[None]")));
        Assert.That(Noops(), Is.EqualTo(2));
        M.AssertComplete();
    }

    [Test]
    public void Response_codes_are_recorded_in_untagged_responses_like_CPython()
    {
        // The expected dictionary is what CPython 3.11 builds for the same server output.
        var M = new ScriptedIMAP4("""
            S: * OK hi
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 ENABLE
            S: {tag} OK CAPABILITY completed
            C: {tag} LOGIN u "p"
            S: {tag} OK LOGIN completed
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 ENABLE
            S: {tag} OK CAPABILITY completed
            C: {tag} SELECT INBOX
            S: * FLAGS (\Answered \Seen)
            S: * OK [PERMANENTFLAGS (\Answered [test] \*)] Flags permitted.
            S: * OK [UIDVALIDITY 3857529045] UIDs valid
            S: * OK [ALERT] System shutdown
            S: * 1 EXISTS
            S: * 2 RECENT
            S: {tag} OK [READ-WRITE] SELECT completed
            """);
        M.login("u", "p");
        var (typ, data) = M.select();
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'1']")));
        Assert.That(Untagged(M), Is.EquivalentTo(new Dictionary<string, string>
        {
            ["FLAGS"] = @"[b'(\\Answered \\Seen)']",
            ["OK"] = @"[b'[PERMANENTFLAGS (\\Answered [test] \\*)] Flags permitted.', b'[UIDVALIDITY 3857529045] UIDs valid', b'[ALERT] System shutdown']",
            ["PERMANENTFLAGS"] = @"[b'(\\Answered [test] \\*)']",
            ["UIDVALIDITY"] = "[b'3857529045']",
            ["ALERT"] = "[b'']",
            ["EXISTS"] = "[b'1']",
            ["RECENT"] = "[b'2']",
            ["READ-WRITE"] = "[b'']",
        }));
        M.AssertComplete();
    }

    [Test]
    public void Response_code_in_a_tagged_NO_is_recorded()
    {
        var M = new ScriptedIMAP4(Scripts.Preauth() + """
            C: {tag} SELECT Nope
            S: {tag} NO [NONEXISTENT] Unknown Mailbox: Nope
            """);
        var (typ, data) = M.select("Nope");
        Assert.That((typ, Repr(data)), Is.EqualTo(("NO", "[b'[NONEXISTENT] Unknown Mailbox: Nope']")));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(Repr(M.response("NONEXISTENT").data), Is.EqualTo("[b'']"));
        M.AssertComplete();
    }

    // ---- Literals in responses -------------------------------------------------------------------------

    [Test]
    public void Fetch_with_several_literals_gives_pairs_then_the_trailing_line()
    {
        var M = new ObservedIMAP4(Scripts.Preauth() + """
            C: {tag} SELECT INBOX
            S: * 2 EXISTS
            S: {tag} OK done
            C: {tag} FETCH 1:3 (BODY[])
            S: * 1 FETCH (BODY[HEADER] {5}
            S: head1 BODY[TEXT] {4}
            S: body)
            S: * 2 FETCH (BODY[] {0}
            S: )
            S: * 3 FETCH (RFC822 {19}
            S: A1 OK not a tag
            S:
            S: )
            S: {tag} OK done
            """);
        M.select();
        var (typ, data) = M.fetch("1:3", "(BODY[])");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Repr(data), Is.EqualTo(
            "[(b'1 (BODY[HEADER] {5}', b'head1'), (b' BODY[TEXT] {4}', b'body'), b')', (b'2 (BODY[] {0}', b''), b')', "
            + "(b'3 (RFC822 {19}', b'A1 OK not a tag\\r\\n\\r\\n'), b')']"));
        Assert.That(data, Has.Count.EqualTo(7));
        Assert.That(data[0] is (byte[] h, byte[] b) && h.decode() == "1 (BODY[HEADER] {5}" && b.decode() == "head1");
        Assert.That(data[1] is (byte[] h2, byte[] b2) && h2.decode() == " BODY[TEXT] {4}" && b2.decode() == "body");
        Assert.That(data[2] is (byte[], byte[]), Is.False);
        Assert.That(data[3]![1]!.Length, Is.EqualTo(0));
        Assert.That(M.ReadSizes, Is.EqualTo(new[] { 5, 4, 0, 19 }));
        M.AssertComplete();
    }

    [Test]
    public void Literal_of_size_zero_is_an_empty_pair_over_a_socket()
    {
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Preauth() + """
            C: {tag} NOOP
            S: * 1 FETCH (BODY[] {0}
            S: )
            S: {tag} OK done
            """ + "\n" + Scripts.Logout));
        using var M = new IMAP4(server.Host, server.Port, 5);
        M.noop();
        Assert.That(Repr(M.response("FETCH").data), Is.EqualTo("[(b'1 (BODY[] {0}', b''), b')']"));
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Lines_and_literals_split_across_packets_are_reassembled()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet(greeting: "* PREAUTH hi");
            var noop = s.Next("NOOP");
            foreach (var piece in new[] { "* 1 EXI", "STS\r", "\n* 1 FETCH (BODY[] {10}\r\n01234", "56789", ")\r", "\n" + noop.Tag + " OK done\r\n" })
            {
                s.Send(piece);
                Thread.Sleep(30);   // pacing: each piece arrives as a packet of its own
            }
            s.Logout();
        });
        using var M = Fake.Connect(server);
        M.noop();
        Assert.That(Repr(M.response("EXISTS").data), Is.EqualTo("[b'1']"));
        Assert.That(Repr(M.response("FETCH").data), Is.EqualTo("[(b'1 (BODY[] {10}', b'0123456789'), b')']"));
        M.logout();
        server.Join();
    }

    [TestCase(3 * 1024 * 1024 + 7)]
    [TestCase(20 * 1024 * 1024 + 3)]   // beyond the size read into one array at once
    public void Large_literals_arrive_intact(int size)
    {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) body[i] = (byte)(i * 31 + (i >> 8));
        using var server = new FakeServer(s =>
        {
            s.Greet(greeting: "* PREAUTH hi");
            var noop = s.Next("NOOP");
            s.Send($"* 1 FETCH (BODY[] {{{size}}}\r\n");
            s.SendBytes(body);
            s.Send(")\r\n" + noop.Tag + " OK done\r\n");
            s.Logout();
        });
        using var M = Fake.Connect(server);
        M.noop();
        var data = M.response("FETCH").data;
        Assert.That(data, Has.Count.EqualTo(2));
        Assert.That(data[0]!.Body.Length, Is.EqualTo(size));
        Assert.That(data[0]!.Body.AsSpan().SequenceEqual(body), Is.True);
        Assert.That(data[1], Is.EqualTo(ImapItem.FromString(")")));
        M.logout();
        server.Join();
    }

    [Test]
    public void A_line_of_exactly_MAXLINE_bytes_is_accepted_and_one_more_is_an_error()
    {
        string filler = new('x', imaplib._MAXLINE - "* 1 FETCH (X )\r\n".Length);
        using var server = new FakeServer(s =>
        {
            s.Greet(greeting: "* PREAUTH hi");
            var noop = s.Next("NOOP");
            s.Send("* 1 FETCH (X " + filler + ")\r\n" + noop.Tag + " OK done\r\n");
            noop = s.Next("NOOP");
            try { s.Send("* 1 FETCH (X " + filler + "y)\r\n" + noop.Tag + " OK done\r\n"); }
            catch (IOException) { }
            s.ClientClosed();
        });
        var M = Fake.Connect(server);
        M.noop();
        var data = M.response("FETCH").data;
        Assert.That(data[0]!.Length, Is.EqualTo(imaplib._MAXLINE - "* FETCH \r\n".Length));
        var ex = Assert.Throws<IMAP4.error>(() => M.noop());
        Assert.That(ex!.Message, Is.EqualTo("command: NOOP => got more than 1000000 bytes"));
        M.shutdown();
        server.Join();
    }

    // ---- APPEND ----------------------------------------------------------------------------------------

    [Test]
    public void Append_sends_the_literal_only_after_the_continuation_with_CRLF_normalised()
    {
        byte[] message = Fake.Bytes("Subject: hi\nbare LF\rbare CR\r\nCRLF\n\nend");
        string normalised = "Subject: hi\r\nbare LF\r\nbare CR\r\nCRLF\r\n\r\nend";
        bool earlyData = true;
        string? literal = null;
        using var server = new FakeServer(s =>
        {
            s.Greet(greeting: "* PREAUTH hi");
            var append = s.Next("APPEND");
            var m = Regex.Match(append.Args, @"^Drafts \(\\Seen\) ""18-May-2033 05:33:20 \+0200"" \{(\d+)\}$");
            Assert.That(m.Success, Is.True, append.Line);
            int size = int.Parse(m.Groups[1].Value);
            Thread.Sleep(200);   // proving an absence: no literal byte may arrive before the "+"
            earlyData = s.Stream.DataAvailable;
            s.Line("+ Ready for literal data");
            literal = Encoding.Latin1.GetString(s.ReadBytes(size));
            Assert.That(s.ReadLine(), Is.EqualTo(""), "the literal ends the command line");
            s.Line(append.Tag + " OK [APPENDUID 38505 3955] APPEND completed");
            s.Logout();
        });
        using var M = Fake.Connect(server);
        var (typ, data) = M.append("Drafts", "\\Seen", new DateTimeOffset(2033, 5, 18, 5, 33, 20, TimeSpan.FromHours(2)), message);
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'[APPENDUID 38505 3955] APPEND completed']")));
        Assert.That(Repr(M.response("APPENDUID").data), Is.EqualTo("[b'38505 3955']"));
        M.logout();
        server.Join();
        Assert.That(earlyData, Is.False, "nothing may follow the APPEND line before the server's continuation");
        Assert.That(literal, Is.EqualTo(normalised));
    }

    [Test]
    public void Append_defaults_and_flags_already_parenthesised()
    {
        // The transcript holds each APPEND line and its literal exactly (x\r\n, y, z, 0), then the command's CRLF.
        var M = new ScriptedIMAP4(Scripts.Preauth() + """
            C: {tag} APPEND INBOX {3}
            S: + go
            C: x
            C:
            S: {tag} OK done
            C: {tag} APPEND INBOX {1}
            S: + go
            C: y
            S: {tag} OK done
            C: {tag} APPEND "My Box" (\Seen \Draft) "01-Jan-2020 00:00:00 +0000" {1}
            S: + go
            C: z
            S: {tag} OK done
            # 0 is falsy in Python: no date
            C: {tag} APPEND INBOX (\Flagged) {1}
            S: + go
            C: 0
            S: {tag} OK done
            """);
        Assert.That(M.append(null, null, null, Fake.Bytes("x\r\n")).typ, Is.EqualTo("OK"));
        Assert.That(M.append("", "", "", Fake.Bytes("y")).typ, Is.EqualTo("OK"));
        Assert.That(M.append("My Box", "(\\Seen \\Draft)", "\"01-Jan-2020 00:00:00 +0000\"", Fake.Bytes("z")).typ, Is.EqualTo("OK"));
        Assert.That(M.append("INBOX", "\\Flagged", 0, Fake.Bytes("0")).typ, Is.EqualTo("OK"));
        M.AssertComplete();
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Append_with_LITERAL_plus_sends_at_once_only_when_the_server_announced_it(bool useLiteralPlus)
    {
        // "+" only after a synchronizing literal's line; OK once line, literal and CRLF have all been sent. A client
        // that waited for "+" after a {5+} line would meet the kit's mismatch (the transcript has the client speak).
        var M = new ObservedIMAP4(Scripts.Preauth("IMAP4rev1 LITERAL+") + (useLiteralPlus
            ? """
              C: {tag} APPEND INBOX {5+}
              C: hello
              S: {tag} OK APPEND completed
              """
            : """
              C: {tag} APPEND INBOX {5}
              S: + go
              C: hello
              S: {tag} OK APPEND completed
              """));
        M.UseLiteralPlus = useLiteralPlus;
        int before = M.Sent.Count;
        Assert.That(M.append("INBOX", null, null, Fake.Bytes("hello")).typ, Is.EqualTo("OK"));
        string prefix = Encoding.ASCII.GetString(M.tagpre);
        Assert.That(M.Sent.Skip(before).Select(b => Encoding.Latin1.GetString(b)),
            Is.EqualTo(new[] { $"{prefix}1 APPEND INBOX {{5{(useLiteralPlus ? "+" : "")}}}\r\n", "hello", "\r\n" }));
        Assert.That(M.continuation_response, Is.EqualTo(useLiteralPlus ? default : new PyBytes(Fake.Bytes("go"))));
        M.AssertComplete();
    }

    [Test]
    public void Append_never_uses_LITERAL_plus_when_the_server_did_not_announce_it()
    {
        // The transcript has the continuation before the literal: a {5+} line, or a literal sent at once, is a mismatch.
        var M = new ScriptedIMAP4(Scripts.Preauth() + """
            C: {tag} APPEND INBOX {5}
            S: + go
            C: hello
            S: {tag} OK done
            """);
        Assert.That(M.UseLiteralPlus, Is.True);
        Assert.That(M.append("INBOX", null, null, Fake.Bytes("hello")).typ, Is.EqualTo("OK"));
        M.AssertComplete();
    }

    [Test]
    public void Append_answered_NO_before_the_continuation_does_not_send_the_literal()
    {
        // Over a real socket. The next thing the client sends is a command, not the literal: SECRET-BODY (or the
        // LOGOUT inside it) where the transcript has NOOP would be a mismatch.
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Preauth() + """
            C: {tag} APPEND Nope {24}
            S: {tag} NO [TRYCREATE] No such mailbox
            C: {tag} NOOP
            S: {tag} OK done
            C: {tag} LOGOUT
            S: * BYE bye
            S: {tag} OK LOGOUT completed
            """));
        using var M = new IMAP4(server.Host, server.Port, 5);
        var (typ, data) = M.append("Nope", null, null, Fake.Bytes("SECRET-BODY\r\nA9 LOGOUT\r\n"));
        Assert.That((typ, Repr(data)), Is.EqualTo(("NO", "[b'[TRYCREATE] No such mailbox']")));
        Assert.That(Repr(M.untagged_responses["TRYCREATE"]), Is.EqualTo("[b'']"));
        M.noop();
        M.logout();
        server.AssertComplete();
    }

    [Test]
    public void Append_answered_BAD_before_the_continuation_raises_and_does_not_send_the_literal()
    {
        // Over a real socket; SECRET-BODY where the transcript has LOGOUT would be a mismatch.
        using var server = TranscriptServer.Start(Transcript.Parse(Scripts.Preauth() + """
            C: {tag} APPEND INBOX {11}
            S: {tag} BAD literal too big
            C: {tag} LOGOUT
            S: * BYE bye
            S: {tag} OK LOGOUT completed
            """));
        using var M = new IMAP4(server.Host, server.Port, 5);
        var ex = Assert.Throws<IMAP4.error>(() => M.append("INBOX", null, null, Fake.Bytes("SECRET-BODY")));
        Assert.That(ex!.Message, Is.EqualTo("APPEND command error: BAD [b'literal too big']"));
        M.logout();
        server.AssertComplete();
    }

    // ---- Tags ------------------------------------------------------------------------------------------

    [Test]
    public void Tags_are_four_letters_A_to_P_and_an_increasing_number()
    {
        var log = new List<Command>();
        using var server = new FakeServer(Fake.OkToEverything(log));
        var M = Fake.Connect(server);
        M.noop();
        M.noop();
        M.noop();
        Assert.That(M.tagged_commands, Is.Empty);
        M.logout();
        server.Join();
        string prefix = Encoding.ASCII.GetString(M.tagpre);
        Assert.That(prefix, Does.Match("^[A-P]{4}$"));
        Assert.That(log.Select(c => c.Tag), Is.EqualTo(new[] { prefix + "0", prefix + "1", prefix + "2", prefix + "3", prefix + "4" }));
        Assert.That(log.Select(c => c.Name), Is.EqualTo(new[] { "CAPABILITY", "NOOP", "NOOP", "NOOP", "LOGOUT" }));
    }

    [Test]
    public void Tag_prefixes_vary_between_connections()
    {
        var prefixes = new HashSet<string>();
        for (int i = 0; i < 8; i++)
        {
            var M = new ObservedIMAP4(Scripts.Preauth());
            prefixes.Add(Encoding.ASCII.GetString(M.tagpre));
            Assert.That(Encoding.ASCII.GetString(M.Sent[0]), Does.Match("^[A-P]{4}0 CAPABILITY\r\n$"));
            M.AssertComplete();
        }
        Assert.That(prefixes, Has.Count.GreaterThan(1));
    }

    // ---- xatom -----------------------------------------------------------------------------------------

    [Test]
    public void Xatom_adds_an_unknown_command_to_the_table_for_the_current_state()
    {
        string name = "XTEST" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsAsciiLetter).Take(6)).ToUpperInvariant();
        var log = new List<Command>();
        using var server = new FakeServer(Fake.OkToEverything(log));
        try
        {
            using var M = Fake.Connect(server);
            var (typ, data) = M.xatom(name.ToLowerInvariant(), "arg1", "(x y)", null);
            Assert.That((typ, Repr(data)), Is.EqualTo(("OK", $"[b'{name} completed']")));
            Assert.That(imaplib.Commands.TryGetValue(name, out var states), Is.True);
            Assert.That(states, Is.EqualTo(new[] { "AUTH" }));
            M.select();
            var ex = Assert.Throws<IMAP4.error>(() => M.xatom(name));
            Assert.That(ex!.Message, Is.EqualTo($"command {name} illegal in state SELECTED, only allowed in states AUTH"));
            M.logout();
            server.Join();
            Assert.That(log.Select(c => c.Line[(c.Tag.Length + 1)..]), Is.EqualTo(new[]
            {
                "CAPABILITY", $"{name} arg1 (x y)", "SELECT INBOX", "LOGOUT",
            }));
        }
        finally
        {
            imaplib.Commands.TryRemove(name, out _);
        }
    }

    // ---- uid() -----------------------------------------------------------------------------------------

    [Test]
    public void Uid_routes_results_by_command_and_quotes_the_COPY_target()
    {
        var M = new ObservedIMAP4(Scripts.Preauth() + """
            C: {tag} SELECT INBOX
            S: * 9 EXISTS
            S: {tag} OK done
            C: {tag} UID SEARCH ALL
            S: * SEARCH 2 84 882
            S: {tag} OK done
            C: {tag} UID FETCH 84 (FLAGS)
            S: * 1 FETCH (UID 84 FLAGS (\Seen))
            S: {tag} OK done
            C: {tag} UID STORE 84 +FLAGS (\Deleted)
            S: * 1 FETCH (UID 84 FLAGS (\Deleted))
            S: {tag} OK done
            C: {tag} UID SORT (DATE) UTF-8 ALL
            S: * SORT 5 3 4
            S: {tag} OK done
            C: {tag} UID THREAD REFERENCES UTF-8 ALL
            S: * THREAD (2)(3 6 (4 23)(44 7 96))
            S: {tag} OK done
            C: {tag} UID COPY 1:3 "My Folder"
            S: {tag} OK done
            C: {tag} UID MOVE 4 Archive/2024
            S: {tag} OK done
            """);
        M.select();
        Assert.That(Repr(M.uid("search", null, "ALL").data), Is.EqualTo("[b'2 84 882']"));
        Assert.That(Repr(M.uid("FETCH", "84", "(FLAGS)").data), Is.EqualTo(@"[b'1 (UID 84 FLAGS (\\Seen))']"));
        Assert.That(Repr(M.uid("STORE", "84", "+FLAGS", "(\\Deleted)").data), Is.EqualTo(@"[b'1 (UID 84 FLAGS (\\Deleted))']"));
        Assert.That(Repr(M.uid("SORT", "(DATE)", "UTF-8", "ALL").data), Is.EqualTo("[b'5 3 4']"));
        Assert.That(Repr(M.uid("THREAD", "REFERENCES", "UTF-8", "ALL").data), Is.EqualTo("[b'(2)(3 6 (4 23)(44 7 96))']"));
        var (typ, data) = M.uid("COPY", "1:3", "My Folder");
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[None]")));   // FETCH data, none came
        M.uid("MOVE", "4", "Archive/2024");
        int sentBefore = M.Sent.Count;
        var ex = Assert.Throws<IMAP4.error>(() => M.uid("bogus", "1"));
        Assert.That(M.Sent, Has.Count.EqualTo(sentBefore));

        var lines = M.Sent.Select(b => Encoding.Latin1.GetString(b)).Where(l => l.Contains(" UID ")).Select(l => l[(l.IndexOf(" UID ") + 1)..^2]);
        Assert.That(lines, Is.EqualTo(new[]
        {
            "UID SEARCH ALL",
            "UID FETCH 84 (FLAGS)",
            "UID STORE 84 +FLAGS (\\Deleted)",
            "UID SORT (DATE) UTF-8 ALL",
            "UID THREAD REFERENCES UTF-8 ALL",
            "UID COPY 1:3 \"My Folder\"",
            "UID MOVE 4 Archive/2024",
        }));
        Assert.That(ex!.Message, Does.StartWith("Unknown IMAP4 UID command: ").And.Contain("BOGUS"));   // 3.11: %s, newer: %r
        M.AssertComplete();
    }

    [Test]
    public void Getquotaroot_returns_two_list_items()
    {
        var M = new ScriptedIMAP4(Scripts.Preauth() + """
            C: {tag} GETQUOTAROOT INBOX
            S: * QUOTAROOT INBOX ""
            S: * QUOTA "" (STORAGE 10 512)
            S: {tag} OK done
            """);
        var (typ, data) = M.getquotaroot("INBOX");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Repr(data), Is.EqualTo("[[b'INBOX \"\"'], [b'\"\" (STORAGE 10 512)']]"));
        Assert.That(data, Has.Count.EqualTo(2));
        Assert.That(data[0]!.IsList && data[1]!.IsList, Is.True);
        Assert.That(data[0]!.Items[0]!.decode(), Is.EqualTo("INBOX \"\""));
        Assert.That(data[1]![0]!.decode(), Is.EqualTo("\"\" (STORAGE 10 512)"));
        Assert.That(M.untagged_responses.ContainsKey("QUOTA") || M.untagged_responses.ContainsKey("QUOTAROOT"), Is.False);
        M.AssertComplete();
    }

    // ---- Quoting of mailbox names ----------------------------------------------------------------------

    [Test]
    public void Mailbox_names_are_quoted_only_when_needed()
    {
        var log = new List<Command>();
        using var server = new FakeServer(Fake.OkToEverything(log));
        using (var M = Fake.Connect(server))
        {
            string[] names =
            [
                "INBOX", "Projects/Gamma", "]odd]", "My Mail", "a\"b", "back\\slash", "\"already quoted\"", "\"esc \\\" ok\"",
                "\"abc", "\"a\"b\"", "\"abc\\\"", "", "\"\"", "a(b)", "{5}", "star*", "50%", "tab\there",
            ];
            foreach (var name in names) M.create(name);
            M.create(Fake.Bytes("Sent Items"));
            M.rename("Old Name", "New");
            M.list();
            M.list("", "%");
            M.list("Projects", "Gamma/*");
            M.list("", "My *");
            M.lsub("\"\"", "%");
            M.select("");
            M.logout();
        }
        server.Join();
        var args = log.Where(c => c.Name is "CREATE" or "RENAME" or "LIST" or "LSUB" or "SELECT").Select(c => c.Args).ToList();
        Assert.That(args, Is.EqualTo(new[]
        {
            "INBOX", "Projects/Gamma", "]odd]", "\"My Mail\"", "\"a\\\"b\"", "\"back\\\\slash\"", "\"already quoted\"", "\"esc \\\" ok\"",
            "\"\\\"abc\"", "\"\\\"a\\\"b\\\"\"", "\"\\\"abc\\\\\\\"\"", "\"\"", "\"\"", "\"a(b)\"", "\"{5}\"", "\"star*\"", "\"50%\"", "tab&AAk-here",
            "\"Sent Items\"",
            "\"Old Name\" New",
            "\"\" *",
            "\"\" %",
            "Projects Gamma/*",
            "\"\" \"My *\"",
            "\"\" %",
            "\"\"",
        }));
    }

    // ---- Unsafe arguments ------------------------------------------------------------------------------

    [Test]
    public void NUL_CR_LF_in_any_argument_raise_ArgumentException_and_send_nothing()
    {
        var log = new List<Command>();
        using var server = new FakeServer(Fake.OkToEverything(log, greeting: "* OK hi"));
        string xname = "XSMUG" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsAsciiLetter).Take(5)).ToUpperInvariant();
        try
        {
            using (var M = Fake.Connect(server))
            {
                Assert.Throws<ArgumentException>(() => M.login("us\r\nA1 SMUGGLED", "pw"));
                Assert.Throws<ArgumentException>(() => M.login("user", "pw\r\nA1 SMUGGLED"));
                Assert.Throws<ArgumentException>(() => M.login("user", "pw\0SMUGGLED"));
                Assert.That(M.login("user", "pw").typ, Is.EqualTo("OK"));
                // Mailbox names given as bytes are sent as they are, so control bytes are refused; names given as
                // text are encoded to modified UTF-7 first, which leaves no control character (newest CPython).
                Assert.Throws<ArgumentException>(() => M.select(Fake.Bytes("IN\0BOX SMUGGLED")));
                Assert.Throws<ArgumentException>(() => M.create(Fake.Bytes("new\nSMUGGLED")));
                Assert.That(M.select().typ, Is.EqualTo("OK"));
                Assert.Throws<ArgumentException>(() => M.fetch("1\r\nA1 SMUGGLED", "(FLAGS)"));
                Assert.Throws<ArgumentException>(() => M.fetch(Fake.Bytes("1\rSMUGGLED"), "(FLAGS)"));
                Assert.Throws<ArgumentException>(() => M.fetch("1", "(FLAGS)\nSMUGGLED"));
                Assert.Throws<ArgumentException>(() => M.search(null, "ALL", "SUBJECT\r\nA1 SMUGGLED"));
                Assert.Throws<ArgumentException>(() => M.search("UTF-8\nSMUGGLED", "ALL"));
                Assert.Throws<ArgumentException>(() => M.store("1", "+FLAGS", "(\\Seen)\r\nA1 SMUGGLED"));
                Assert.Throws<ArgumentException>(() => M.store("1", "+FLAGS\0SMUGGLED", "\\Seen"));
                Assert.Throws<ArgumentException>(() => M.uid("FETCH", "1\n", "(FLAGS SMUGGLED)"));
                Assert.Throws<ArgumentException>(() => M.uid("COPY", "1", Fake.Bytes("Target\r\nSMUGGLED")));
                Assert.Throws<ArgumentException>(() => M.copy("1", Fake.Bytes("Target\r\nSMUGGLED")));
                Assert.Throws<ArgumentException>(() => M.xatom(xname, "a\rSMUGGLED"));
                Assert.Throws<ArgumentException>(() => M.append("INBOX", "\\Seen\r\nSMUGGLED", null, Fake.Bytes("body")));
                Assert.Throws<ArgumentException>(() => M.status("INBOX", "(MESSAGES)\r\nSMUGGLED"));
                Assert.Throws<ArgumentException>(() => M.setacl("INBOX", "bob\nSMUGGLED", "lr"));
                Assert.That(M.tagged_commands, Is.Empty);
                Assert.That(M.noop().typ, Is.EqualTo("OK"));
                M.logout();
            }
            server.Join();
        }
        finally
        {
            imaplib.Commands.TryRemove(xname, out _);
        }
        Assert.That(server.ReceivedText, Does.Not.Contain("SMUGGLED"));
        Assert.That(server.ReceivedText.IndexOf('\0'), Is.EqualTo(-1), "no NUL byte reached the server");
        Assert.That(log[0].Name, Is.EqualTo("CAPABILITY"));
        Assert.That(log.Skip(1).Select(c => c.Name).Where(n => n != "CAPABILITY"), Is.EqualTo(new[] { "LOGIN", "SELECT", "NOOP", "LOGOUT" }));
    }

    [Test]
    public void Non_ASCII_string_arguments_in_ASCII_mode_raise_ArgumentException_except_mailbox_names_which_become_modified_UTF7()
    {
        var log = new List<Command>();
        using var server = new FakeServer(Fake.OkToEverything(log, greeting: "* OK hi"));
        using (var M = Fake.Connect(server))
        {
            var ex = Assert.Throws<ArgumentException>(() => M.login("usér", "pw"));
            Assert.That(ex!.Message, Does.Contain("ascii"));
            Assert.Throws<ArgumentException>(() => M.login("user", "pässword"));
            M.login("user", "pw");
            M.select("Entwürfe");
            M.create("日本 \r\n");
            M.select("Entw&APw-rfe");   // already modified UTF-7: sent unchanged
            M.select();
            Assert.Throws<ArgumentException>(() => M.search(null, "SUBJECT", "Grüße"));
            Assert.Throws<ArgumentException>(() => M.fetch("1", "(BODY[HEADER.FIELDS (Grüße)])"));
            M.noop();
            M.logout();
        }
        server.Join();
        Assert.That(log[0].Name, Is.EqualTo("CAPABILITY"));
        Assert.That(log.Skip(1).Select(c => c.Name).Where(n => n != "CAPABILITY"), Is.EqualTo(new[] { "LOGIN", "SELECT", "CREATE", "SELECT", "SELECT", "NOOP", "LOGOUT" }));
        Assert.That(log.Where(c => c.Name is "SELECT" or "CREATE").Select(c => c.Args), Is.EqualTo(new[] { "Entw&APw-rfe", "\"&ZeVnLA- &AA0ACg-\"", "Entw&APw-rfe", "INBOX" }));
        Assert.That(server.ReceivedText.All(ch => ch < 0x80), Is.True);
    }

    // ---- Hostile literals ------------------------------------------------------------------------------

    [Test]
    public void Literal_announcing_two_gigabytes_then_closing_aborts_quickly_without_allocating_gigabytes()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet();
            s.Next("NOOP");
            s.Send("* 1 FETCH (BODY[] {2000000000}\r\n0123456789");
        });
        var M = Fake.Connect(server);
        var watch = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        watch.Stop();
        M.shutdown();
        server.Join();
        Assert.That(ex!.Message, Does.StartWith("command: NOOP => socket error: EOF"));
        Assert.That(allocated, Is.LessThan(64L * 1024 * 1024), "bytes allocated while reading the literal");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public void Literal_larger_than_any_array_is_refused_at_once()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet();
            s.Next("NOOP");
            s.Send("* 1 FETCH (BODY[] {99999999999999}\r\nabc");
            s.ClientClosed();
        });
        var M = Fake.Connect(server);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        M.shutdown();
        server.Join();
        Assert.That(ex!.Message, Does.StartWith("command: NOOP => literal of 99999999999999 bytes"));
        Assert.That(allocated, Is.LessThan(16L * 1024 * 1024));
    }

    // ---- Debug output ----------------------------------------------------------------------------------

    private const string Password = "S3cr3t-P@ss\"word";

    /// <summary>A greeting without capabilities, the CAPABILITY exchange, LOGIN with <see cref="Password"/> (exactly as it
    /// goes on the wire), then <paramref name="rest"/>.</summary>
    private static ObservedIMAP4 LoginSession(string rest = "") => new("""
        S: * OK hi
        C: {tag} CAPABILITY
        S: * CAPABILITY IMAP4rev1
        S: {tag} OK CAPABILITY completed
        C: {tag} LOGIN user "S3cr3t-P@ss\"word"
        S: {tag} OK LOGIN completed
        # no CAPABILITY code in LOGIN's OK: the client asks again
        C: {tag} CAPABILITY
        S: * CAPABILITY IMAP4rev1
        S: {tag} OK CAPABILITY completed

        """ + rest);

    [Test]
    public void Debug_4_writes_the_lines_to_stderr_in_Pythons_format_with_the_password_redacted()
    {
        using var capture = new StderrCapture();
        var M = LoginSession("""
            C: {tag} NOOP
            S: {tag} OK NOOP completed
            """);
        M.debug = 4;
        M.login("user", Password);
        M.noop();
        string prefix = Encoding.ASCII.GetString(M.tagpre);
        string text = capture.Text;
        Assert.That(text, Does.Match($@"(?m)^  \d\d:\d\d\.\d\d > b'{prefix}1 LOGIN user \*\*\*'$"));
        Assert.That(text, Does.Match($@"(?m)^  \d\d:\d\d\.\d\d < b'{prefix}1 OK LOGIN completed'$"));
        Assert.That(text, Does.Match($@"(?m)^  \d\d:\d\d\.\d\d > b'{prefix}\d+ NOOP'$"));
        Assert.That(text, Does.Not.Contain("S3cr3t"));
        Assert.That(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.All.Match(@"^  \d\d:\d\d\.\d\d "));
        Assert.That(M.SentText, Does.Contain("LOGIN user \"S3cr3t-P@ss\\\"word\"\r\n"));
        M.AssertComplete();
    }

    [Test]
    public void Debug_0_writes_nothing_and_print_log_shows_the_interactions_redacted()
    {
        using var capture = new StderrCapture();
        var M = LoginSession();
        M.debug = 0;
        M.login("user", Password);
        Assert.That(capture.Text, Is.Empty);
        M.print_log();
        string prefix = Encoding.ASCII.GetString(M.tagpre);
        string text = capture.Text;
        Assert.That(text, Does.Match(@"(?m)^  \d\d:\d\d\.\d\d last \d+ IMAP4 interactions:$"));
        Assert.That(text, Does.Match($@"(?m)^  \d\d:\d\d\.\d\d > b'{prefix}1 LOGIN user \*\*\*'$"));
        Assert.That(text, Does.Match($@"(?m)^  \d\d:\d\d\.\d\d < b'{prefix}1 OK LOGIN completed'$"));
        Assert.That(text, Does.Not.Contain("S3cr3t"));
        M.AssertComplete();
    }

    [Test]
    public void Abort_at_debug_1_prints_the_log_without_the_password()
    {
        using var capture = new StderrCapture();
        var M = LoginSession("""
            C: {tag} NOOP
            S: * 1 EXISTS
            @close
            """);
        M.debug = 1;
        M.login("user", Password);
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(ex!.Message, Is.EqualTo("command: NOOP => socket error: EOF"));
        string text = capture.Text;
        Assert.That(text, Does.Contain("IMAP4 interactions:"));
        Assert.That(text, Does.Contain("LOGIN user ***'"));
        Assert.That(text, Does.Contain("< b'* 1 EXISTS'"));
        Assert.That(text, Does.Not.Contain("S3cr3t"));
        M.AssertComplete();
    }

    [Test]
    public void Debug_output_of_a_socket_session_goes_to_stderr()
    {
        using var server = new FakeServer(s =>
        {
            s.Greet();
            var login = s.Next("LOGIN");
            s.Line(login.Tag + " NO nope");
            s.Logout();
        });
        using var capture = new StderrCapture();
        using var M = Fake.Connect(server);
        M.debug = 4;
        Assert.Throws<IMAP4.error>(() => M.login("user", Password));
        M.logout();
        server.Join();
        string prefix = Encoding.ASCII.GetString(M.tagpre);
        Assert.That(capture.Text, Does.Match($@"(?m)^  \d\d:\d\d\.\d\d > b'{prefix}1 LOGIN user \*\*\*'$"));
        Assert.That(capture.Text, Does.Match(@"(?m)^  \d\d:\d\d\.\d\d NO response: b'nope'$"));
        Assert.That(capture.Text, Does.Not.Contain("S3cr3t"));
    }

    [Test]
    public void Authenticate_answers_never_appear_in_debug_output()
    {
        using var capture = new StderrCapture();
        string answer = "\0user\0" + Password;
        var M = new ObservedIMAP4($$"""
            S: * OK hi
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK CAPABILITY completed
            C: {tag} AUTHENTICATE PLAIN
            S: +
            C: {{Fake.B64(answer)}}
            S: {tag} OK authenticated
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK CAPABILITY completed
            """);
        M.debug = 5;
        Assert.That(M.authenticate("PLAIN", (Func<byte[], string?>)(_ => answer)).typ, Is.EqualTo("OK"));
        Assert.That(M.SentText, Does.Contain(Fake.B64(answer) + "\r\n"));
        Assert.That(capture.Text, Does.Contain("AUTHENTICATE PLAIN"));
        Assert.That(capture.Text, Does.Not.Contain(Fake.B64(answer)));
        Assert.That(capture.Text, Does.Not.Contain("S3cr3t"));
        M.AssertComplete();
    }

    [Test]
    public void Untagged_data_before_the_continuation_is_kept_and_the_literal_follows()
    {
        var M = new ObservedIMAP4(Scripts.Preauth() + """
            C: {tag} APPEND INBOX {3}
            S: * 3 EXISTS
            S: * OK [ALERT] busy
            S: + go ahead
            C: msg
            S: {tag} OK done
            """);
        Assert.That(M.append("INBOX", null, null, Fake.Bytes("msg")).typ, Is.EqualTo("OK"));
        Assert.That(Repr(M.response("EXISTS").data), Is.EqualTo("[b'3']"));
        Assert.That(Repr(M.response("ALERT").data), Is.EqualTo("[b'']"));
        Assert.That(M.continuation_response, Is.EqualTo(Fake.Bytes("go ahead")));
        Assert.That(M.SentText, Does.EndWith("APPEND INBOX {3}\r\nmsg\r\n"));
        M.AssertComplete();
    }

    [Test]
    public void Search_with_a_charset_sends_CHARSET_first_in_ASCII_mode()
    {
        var M = new ObservedIMAP4(Scripts.Preauth() + """
            C: {tag} SELECT INBOX
            S: {tag} OK SELECT completed
            C: {tag} SEARCH CHARSET UTF-8 SUBJECT "hi there"
            S: * SEARCH 4
            S: {tag} OK done
            C: {tag} SEARCH ALL
            S: * SEARCH 4
            S: {tag} OK done
            """);
        M.select();
        var (typ, data) = M.search("UTF-8", "SUBJECT", "\"hi there\"");
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'4']")));
        (typ, data) = M.search(null, "ALL");
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'4']")));
        var lines = M.Sent.Select(b => Encoding.Latin1.GetString(b)).Where(l => l.Contains(" SEARCH ")).Select(l => l[(l.IndexOf(' ') + 1)..]);
        Assert.That(lines, Is.EqualTo(new[] { "SEARCH CHARSET UTF-8 SUBJECT \"hi there\"\r\n", "SEARCH ALL\r\n" }));
        M.AssertComplete();
    }

    [Test]
    public void Search_charset_follows_newest_CPython_only_None_means_no_CHARSET()
    {
        // Newest CPython tests "charset is not None": "" is a charset (sent as an empty quoted string), and in
        // UTF-8 mode any non-None charset is refused, as RFC 6855 forbids CHARSET there.
        var M = new ObservedIMAP4(Scripts.Preauth("IMAP4rev1 ENABLE UTF8=ACCEPT") + """
            C: {tag} SELECT INBOX
            S: {tag} OK SELECT completed
            C: {tag} SEARCH ALL
            S: * SEARCH 1
            S: {tag} OK done
            C: {tag} SEARCH CHARSET "" ALL
            S: * SEARCH 1
            S: {tag} OK done
            C: {tag} UNSELECT
            S: {tag} OK UNSELECT completed
            C: {tag} ENABLE UTF8=ACCEPT
            S: {tag} OK ENABLE completed
            C: {tag} SELECT INBOX
            S: {tag} OK SELECT completed
            """);
        M.select();
        Assert.That(Repr(M.search(null, "ALL").data), Is.EqualTo("[b'1']"));
        // Text criteria are encoded in the charset, and "" names no codec (Python: LookupError); bytes go as given.
        var e = Assert.Throws<ArgumentException>(() => M.search("", "ALL"));
        Assert.That(e!.Message, Does.StartWith("unknown encoding: "));
        M.search("", "ALL"u8.ToArray());
        var lines = M.Sent.Select(b => Encoding.Latin1.GetString(b)).Where(l => l.Contains(" SEARCH ")).Select(l => l[(l.IndexOf(' ') + 1)..]);
        Assert.That(lines, Is.EqualTo(new[] { "SEARCH ALL\r\n", "SEARCH CHARSET \"\" ALL\r\n" }));
        M.unselect();
        M.enable("UTF8=ACCEPT");
        M.select();
        Assert.Throws<IMAP4.error>(() => M.search("", "ALL"));
        M.AssertComplete();
    }

    // ---- Transport hooks -------------------------------------------------------------------------------

    [Test]
    public void A_subclass_overriding_the_transport_hooks_runs_a_whole_session_without_a_socket()
    {
        var M = new ObservedIMAP4("""
            S: * OK scripted server ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 IDLE
            S: {tag} OK CAPABILITY completed
            C: {tag} LOGIN user "pass"
            S: {tag} OK [CAPABILITY IMAP4rev1 IDLE MOVE] Logged in
            C: {tag} SELECT INBOX
            S: * FLAGS (\Seen)
            S: * 2 EXISTS
            S: * 0 RECENT
            S: * OK [UIDVALIDITY 1] ok
            S: {tag} OK [READ-WRITE] Select completed
            C: {tag} SEARCH ALL
            S: * SEARCH 1 2
            S: {tag} OK Search completed
            C: {tag} FETCH 1 (RFC822)
            S: * 1 FETCH (RFC822 {12}
            S: Subject: a
            S: )
            S: * 2 FETCH (RFC822 {12}
            S: Subject: b
            S: )
            S: {tag} OK Fetch completed
            C: {tag} FETCH 2 (RFC822)
            S: * 1 FETCH (RFC822 {12}
            S: Subject: a
            S: )
            S: * 2 FETCH (RFC822 {12}
            S: Subject: b
            S: )
            S: {tag} OK Fetch completed
            C: {tag} STORE 1 +FLAGS (\Deleted)
            S: * 1 FETCH (FLAGS (\Seen \Deleted))
            S: {tag} OK Store completed
            C: {tag} EXPUNGE
            S: * 1 EXPUNGE
            S: {tag} OK Expunge completed
            C: {tag} CLOSE
            S: {tag} OK Close completed
            C: {tag} LOGOUT
            S: * BYE bye
            S: {tag} OK LOGOUT completed
            """);
        Assert.That(M.OpenCount, Is.EqualTo(1));
        Assert.That(M.host, Is.EqualTo("transcript.invalid"));
        Assert.Throws<InvalidOperationException>(() => M.socket(), "no socket: the hooks are replaced");
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        Assert.That(M.capabilities, Is.EqualTo(new[] { "IMAP4REV1", "IDLE" }));
        M.login("user", "pass");
        M.select();
        var (typ, data) = M.search(null, "ALL");
        Assert.That((typ, Repr(data)), Is.EqualTo(("OK", "[b'1 2']")));
        var bodies = new List<string>();
        foreach (var num in data[0]!.split())
        {
            (typ, var parts) = M.fetch(num, "(RFC822)");
            foreach (var part in parts)
                if (part is (byte[], byte[] body)) bodies.Add(body.decode());
        }
        Assert.That(bodies, Is.EqualTo(new[] { "Subject: a\r\n", "Subject: b\r\n", "Subject: a\r\n", "Subject: b\r\n" }));
        Assert.That(Repr(M.store("1", "+FLAGS", "\\Deleted").data), Is.EqualTo(@"[b'1 (FLAGS (\\Seen \\Deleted))']"));
        Assert.That(Repr(M.expunge().data), Is.EqualTo("[b'1']"));
        M.close();
        Assert.That(M.state, Is.EqualTo("AUTH"));
        (typ, data) = M.logout();
        Assert.That((typ, Repr(data)), Is.EqualTo(("BYE", "[b'bye']")));
        Assert.That(M.ShutdownCount, Is.EqualTo(1));
        M.Dispose();   // already logged out: nothing more is sent
        Assert.That(M.ShutdownCount, Is.EqualTo(1));

        string prefix = Encoding.ASCII.GetString(M.tagpre);
        var sent = M.Sent.Select(b => Encoding.Latin1.GetString(b)).ToList();
        Assert.That(sent, Is.EqualTo(new[]
        {
            $"{prefix}0 CAPABILITY\r\n",
            $"{prefix}1 LOGIN user \"pass\"\r\n",
            $"{prefix}2 SELECT INBOX\r\n",
            $"{prefix}3 SEARCH ALL\r\n",
            $"{prefix}4 FETCH 1 (RFC822)\r\n",
            $"{prefix}5 FETCH 2 (RFC822)\r\n",
            $"{prefix}6 STORE 1 +FLAGS (\\Deleted)\r\n",
            $"{prefix}7 EXPUNGE\r\n",
            $"{prefix}8 CLOSE\r\n",
            $"{prefix}9 LOGOUT\r\n",
        }));
        // LOGOUT returned on the BYE: the tagged OK is left unread, as in Python.
        Assert.That(M.Received[^1], Is.EqualTo("* BYE bye\r\n"));
        Assert.That(M.Received, Has.None.EqualTo($"{prefix}9 OK LOGOUT completed\r\n"));
        M.AssertComplete();
    }

    [Test]
    public void Each_command_line_is_one_send_call_and_a_literal_is_two_more()
    {
        var M = new ObservedIMAP4(Scripts.Preauth() + """
            C: {tag} APPEND INBOX {5}
            S: + go
            C: hello
            S: {tag} OK done
            """);
        M.append("INBOX", null, null, Fake.Bytes("hello"));
        string prefix = Encoding.ASCII.GetString(M.tagpre);
        Assert.That(M.Sent, Has.Count.EqualTo(4));
        Assert.That(M.Sent.Select(b => Encoding.Latin1.GetString(b)), Is.EqualTo(new[] { $"{prefix}0 CAPABILITY\r\n", $"{prefix}1 APPEND INBOX {{5}}\r\n", "hello", "\r\n" }));
        M.AssertComplete();
    }

    [Test]
    public void Transport_failures_in_the_hooks_become_abort()
    {
        var M = new ObservedIMAP4(Scripts.Preauth());
        M.SendFailure = new IOException("Broken pipe");
        var ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(ex!.Message, Is.EqualTo("socket error: Broken pipe"));
        Assert.That(ex.InnerException, Is.InstanceOf<IOException>());
        M.SendFailure = new TimeoutException("slow");
        ex = Assert.Throws<IMAP4.abort>(() => M.noop());
        Assert.That(ex!.Message, Is.EqualTo("socket error: timed out"));
        M.AssertComplete();
    }

    [Test]
    public void Continuation_while_no_literal_is_pending_is_skipped()
    {
        // Python's _get_response returns None for a continuation and _get_tagged_response keeps reading.
        var M = new ScriptedIMAP4(Scripts.Preauth() + """
            C: {tag} NOOP
            S: + idling
            S: {tag} OK done
            """);
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        Assert.That(M.continuation_response, Is.EqualTo(Fake.Bytes("idling")));
        M.AssertComplete();
    }
}
