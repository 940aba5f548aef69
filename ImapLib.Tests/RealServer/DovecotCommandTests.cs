using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// Every public command of <see cref="IMAP4"/> against the project's real Dovecot (2.3), asserting the values the
/// server gives back. Each test has its own fresh account, so the tests are independent and run in any order.
/// Where Dovecot does not implement a command (PARTIAL, PROXYAUTH, GETANNOTATION/SETANNOTATION, and UTF8=ACCEPT
/// in 2.3) the test asserts what really happens: the BAD/NO answer and the exception the library raises for it.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Server")]
public class DovecotCommandTests
{
    private const string AllRights = "lrwstipekxacd";
    private const string QuotaRoot = "User quota";

    // ---- Helpers ----------------------------------------------------------------------------------------

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A small RFC 5322 message with CRLF line ends.</summary>
    private static byte[] Message(string subject, string body = "body text", string extraHeaders = "") =>
        Utf8($"From: tester@example.com\r\nSubject: {subject}\r\n{extraHeaders}\r\n{body}\r\n");

    /// <summary>The text of every byte-string item (pairs give their header).</summary>
    private static List<string> Texts(IEnumerable<ImapItem?> data) =>
        data.Select(item => item is null ? "<None>" : item.IsPair ? item.Header.decode() : item.decode()).ToList();

    private static string Text(ImapItem? item) => item is null ? "<None>" : item.decode();

    private static IMAP4 Anonymous(double timeout = 30) => new(Dovecot.Server.Host, Dovecot.Server.Port, timeout);

    /// <summary>A logged-in connection of a fresh account that already holds <paramref name="messages"/> in INBOX.</summary>
    private static (Account account, IMAP4 M) WithInbox(params byte[][] messages)
    {
        var account = Dovecot.NewAccount();
        var M = account.Connect();
        foreach (var message in messages)
            Assert.That(M.append("INBOX", null, null, message).typ, Is.EqualTo("OK"));
        return (account, M);
    }

    /// <summary>The STATUS of <paramref name="mailbox"/> as one string such as <c>INBOX (MESSAGES 2)</c>.</summary>
    private static string Status(IMAP4 M, ImapArg mailbox, string items = "(MESSAGES)")
    {
        var (typ, data) = M.status(mailbox, items);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(1));
        return Text(data[0]);
    }

    /// <summary>The LIST lines of the account (all mailboxes).</summary>
    private static List<string> ListAll(IMAP4 M)
    {
        var (typ, data) = M.list();
        Assert.That(typ, Is.EqualTo("OK"));
        return Texts(data);
    }

    /// <summary>The flags of message <paramref name="num"/>, from a FETCH (FLAGS).</summary>
    private static string[] FlagsOf(IMAP4 M, string num)
    {
        var (typ, data) = M.fetch(num, "(FLAGS)");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(1));
        return imaplib.ParseFlags(data[0]!.Bytes).Select(f => f.decode()).ToArray();
    }

    /// <summary>Waits (bounded) for Dovecot's log to hold a line about <paramref name="user"/> containing <paramref name="text"/>.</summary>
    private static bool LogShows(string user, string text, int milliseconds = 5000) => LogHas($"imap({user})", text, milliseconds);

    /// <summary>Waits (bounded) for Dovecot's log to hold a line containing both <paramref name="first"/> and <paramref name="second"/>.</summary>
    private static bool LogHas(string first, string second, int milliseconds = 5000)
    {
        string path = Path.Combine(Dovecot.Server.Dir, "dovecot.log");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream))
            {
                string? line;
                while ((line = reader.ReadLine()) is not null)
                {
                    if (line.Contains(first) && line.Contains(second)) return true;
                }
            }
            if (clock.ElapsedMilliseconds > milliseconds) return false;
            Thread.Sleep(50);
        }
    }

    // ---- append -----------------------------------------------------------------------------------------

    [Test]
    public void Append_with_flags_and_an_internal_date_stores_both()
    {
        var (_, M) = WithInbox();
        using var __ = M;
        var when = new DateTimeOffset(2001, 9, 9, 3, 46, 40, TimeSpan.FromHours(2));
        string date = imaplib.Time2Internaldate(when);
        Assert.That(date, Is.EqualTo("\"09-Sep-2001 03:46:40 +0200\""));

        var (typ, data) = M.append("INBOX", @"(\Flagged $Custom)", date, Message("dated"));
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(1));
        Assert.That(Text(data[0]), Does.Match(@"^\[APPENDUID \d+ 1\] Append completed"));
        // The tagged response code is filed too (typ is the code itself).
        var (code, appendUid) = M.response("APPENDUID");
        Assert.That(code, Is.EqualTo("APPENDUID"));
        Assert.That(Text(appendUid[0]), Does.Match(@"^\d+ 1$"));

        // Seconds since the epoch (what Python scripts pass as time.time()), flags without parentheses.
        (typ, data) = M.append("INBOX", @"\Seen", 1_000_000_000, Message("epoch"));
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.Match(@"^\[APPENDUID \d+ 2\] "));

        Assert.That(M.select().data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
        (typ, data) = M.fetch("1:2", "(FLAGS INTERNALDATE)");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(2));
        Assert.That(imaplib.ParseFlags(data[0]!.Bytes).Select(f => f.decode()), Is.SupersetOf(new[] { @"\Flagged", "$Custom" }));
        Assert.That(imaplib.ParseFlags(data[0]!.Bytes).Select(f => f.decode()), Does.Not.Contain(@"\Seen"));
        Assert.That(imaplib.Internaldate2tuple(data[0]!.Bytes), Is.EqualTo(when));
        Assert.That(imaplib.ParseFlags(data[1]!.Bytes).Select(f => f.decode()), Does.Contain(@"\Seen"));
        Assert.That(imaplib.Internaldate2tuple(data[1]!.Bytes), Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1_000_000_000)));
    }

    [Test]
    public void Append_of_every_8bit_byte_round_trips_byte_exact_after_CRLF_normalisation()
    {
        var (_, M) = WithInbox();
        using var __ = M;
        var original = new List<byte>(Encoding.ASCII.GetBytes(
            "From: tester@example.com\nSubject: all bytes\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: 8bit\n\n"));
        for (int b = 1; b <= 255; b++) original.Add((byte)b);   // includes a lone LF (10) and a lone CR (13)
        original.AddRange("\r\nend\r"u8.ToArray());              // a CRLF that must stay, and a final lone CR
        byte[] message = original.ToArray();
        byte[] expected = Encoding.Latin1.GetBytes(Regex.Replace(Encoding.Latin1.GetString(message), "\r\n|\r|\n", "\r\n"));
        Assert.That(expected.Length, Is.EqualTo(message.Length + 5 + 2 + 1), "5 header LFs, the body's lone LF and CR, and the final CR gain a byte each");

        Assert.That(M.append(null, null, null, message).typ, Is.EqualTo("OK"));
        Assert.That(M.select("INBOX").data[0]!.decode(), Is.EqualTo("1"));
        var (typ, data) = M.fetch("1", "(RFC822.SIZE RFC822)");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(2));
        Assert.That(data[0] is (byte[] header, byte[] body), Is.True, "RFC822 comes as a (header, literal) pair");
        Assert.That(data[0]!.Header.decode(), Is.EqualTo($@"1 (RFC822.SIZE {expected.Length} FLAGS (\Seen \Recent) RFC822 {{{expected.Length}}}"));
        Assert.That(data[0]!.Body, Is.EqualTo(expected));
        Assert.That(Text(data[1]), Is.EqualTo(")"));
    }

    // ---- authenticate, login, login_cram_md5, capability ------------------------------------------------

    [Test]
    public void Authenticate_PLAIN_through_a_callback()
    {
        var account = Dovecot.NewAccount("plain pw");
        using var M = Anonymous();
        Assert.That(M.capabilities, Does.Contain("AUTH=PLAIN"));
        var challenges = new List<byte[]>();
        var (typ, data) = M.authenticate("PLAIN", challenge =>
        {
            challenges.Add(challenge);
            return $"\0{account.User}\0{account.Password}";
        });
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[^1]), Does.EndWith("Logged in"));
        Assert.That(challenges, Has.Count.EqualTo(1));
        Assert.That(challenges[0], Is.Empty, "PLAIN's challenge is the empty '+ '");
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(M.capabilities, Does.Contain("QUOTA").And.Contain("ACL"), "post-login capabilities are taken");
        Assert.That(M.@namespace().typ, Is.EqualTo("OK"));

        using var wrong = Anonymous();
        var ex = Assert.Throws<IMAP4.error>(() => wrong.authenticate("PLAIN", _ => $"\0{account.User}\0nope"));
        Assert.That(ex!.Message, Does.Contain("Authentication failed"));
        Assert.That(wrong.state, Is.EqualTo("NONAUTH"));

        // A callback returning null cancels with "*": Dovecot answers BAD, which is an error.
        using var cancelled = Anonymous();
        var cancel = Assert.Throws<IMAP4.error>(() => cancelled.authenticate("PLAIN", (Func<byte[], string?>)(_ => null)));
        Assert.That(cancel!.Message, Does.StartWith("AUTHENTICATE command error: BAD").And.Contain("aborted"));
        Assert.That(cancelled.state, Is.EqualTo("NONAUTH"));
    }

    [Test]
    public void Login_with_a_password_holding_a_space_a_double_quote_and_a_backslash()
    {
        const string password = @"pa ss""wo\rd";
        var account = Dovecot.NewAccount(password);
        using var M = Anonymous();
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        Assert.That(M.capabilities, Does.Not.Contain("QUOTA"));
        var (typ, data) = M.login(account.User, password);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(1));
        Assert.That(Text(data[0]), Does.StartWith("[CAPABILITY IMAP4rev1 ").And.EndWith("] Logged in"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(M.capabilities, Does.Contain("QUOTA").And.Contain("MOVE").And.Contain("UIDPLUS"));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));

        using var wrong = Anonymous();
        var ex = Assert.Throws<IMAP4.error>(() => wrong.login(account.User, @"pa ss""wo\rD"));
        Assert.That(ex!.Message, Does.Contain("Authentication failed"));
        Assert.That(wrong.state, Is.EqualTo("NONAUTH"));
    }

    [Test]
    public void Login_cram_md5_answers_the_challenge()
    {
        const string password = @"cr am""md\5";
        var account = Dovecot.NewAccount(password);
        using var M = Anonymous();
        Assert.That(M.capabilities, Does.Contain("AUTH=CRAM-MD5"));
        var (typ, data) = M.login_cram_md5(account.User, password);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[^1]), Does.EndWith("Logged in"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(M.select().typ, Is.EqualTo("OK"));

        // Same exchange, by hand, checks the challenge really is the server's <...> timestamp.
        using var manual = Anonymous();
        byte[]? seen = null;
        manual.authenticate("CRAM-MD5", challenge =>
        {
            seen = challenge;
            return account.User + " " + Convert.ToHexStringLower(HMACMD5.HashData(Utf8(password), challenge));
        });
        Assert.That(seen!.decode(), Does.Match("^<.+>$"));
        Assert.That(manual.state, Is.EqualTo("AUTH"));

        using var wrong = Anonymous();
        Assert.Throws<IMAP4.error>(() => wrong.login_cram_md5(account.User, "wrong"));
        Assert.That(wrong.state, Is.EqualTo("NONAUTH"));
    }

    [Test]
    public void Capability_before_and_after_login()
    {
        var account = Dovecot.NewAccount();
        using var M = Anonymous();
        Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV1"));
        Assert.That(Encoding.ASCII.GetString(M.welcome!), Does.StartWith("* OK ").And.Contain("Dovecot"));
        var (typ, data) = M.capability();
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(1));
        var before = Text(data[0]).Split(' ');
        Assert.That(before[0], Is.EqualTo("IMAP4rev1"));
        Assert.That(before, Does.Contain("STARTTLS").And.Contain("AUTH=CRAM-MD5").And.Not.Contain("QUOTA"));

        M.login(account.User, account.Password);
        (typ, data) = M.CAPABILITY();
        Assert.That(typ, Is.EqualTo("OK"));
        var after = Text(data[0]).Split(' ');
        Assert.That(after, Is.SupersetOf(new[] { "IMAP4rev1", "QUOTA", "ACL", "SORT", "THREAD=REFERENCES", "UIDPLUS", "MOVE", "UNSELECT", "NAMESPACE", "METADATA" }));
        Assert.That(M.capabilities, Is.EqualTo(after.Select(c => c.ToUpperInvariant()).ToArray()));
    }

    // ---- select, response, recent, noop, check, close, unselect ----------------------------------------

    [Test]
    public void Select_read_write_then_read_only()
    {
        var (_, M) = WithInbox(Message("one"), Message("two"), Message("three"));
        using var __ = M;
        M.response("APPENDUID");   // drop the APPEND codes collected so far
        var (typ, data) = M.select("INBOX");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("3") }));
        Assert.That(M.state, Is.EqualTo("SELECTED"));
        Assert.That(M.is_readonly, Is.False);
        var (code, uidValidity) = M.response("UIDVALIDITY");
        Assert.That(code, Is.EqualTo("UIDVALIDITY"));
        Assert.That(uidValidity, Has.Count.EqualTo(1));
        Assert.That(Text(uidValidity[0]), Does.Match(@"^[1-9]\d*$"));
        Assert.That(M.response("UIDNEXT").data, Is.EqualTo(new[] { ImapItem.FromString("4") }));
        Assert.That(M.response("FLAGS").data, Is.EqualTo(new[] { ImapItem.FromString(@"(\Answered \Flagged \Deleted \Seen \Draft)") }));
        Assert.That(M.response("READ-WRITE").data, Is.EqualTo(new[] { ImapItem.FromString("") }));
        Assert.That(M.response("UIDVALIDITY").data, Is.EqualTo(new ImapItem?[] { null }), "response() consumes what it returns");

        // The same UIDVALIDITY as APPEND reported for a new message.
        Assert.That(M.append("INBOX", null, null, Message("four")).typ, Is.EqualTo("OK"));
        Assert.That(Text(M.response("APPENDUID").data[0]), Is.EqualTo($"{Text(uidValidity[0])} 4"));

        (typ, data) = M.select("INBOX", @readonly: true);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("4") }));
        Assert.That(M.is_readonly, Is.True);
        Assert.That(M.untagged_responses.ContainsKey("READ-ONLY"), Is.True);
        Assert.That(M.response("READ-ONLY").data, Is.EqualTo(new[] { ImapItem.FromString("") }));
        // EXAMINE: Dovecot ignores flag changes (no FETCH back) and the flag is not set.
        Assert.That(M.store("1", "+FLAGS", @"(\Seen)"), Is.EqualTo(("OK", new List<ImapItem?> { null })));
        Assert.That(FlagsOf(M, "1"), Does.Not.Contain(@"\Seen"));

        (typ, data) = M.SELECT("INBOX");
        Assert.That((typ, Text(data[0])), Is.EqualTo(("OK", "4")));
        Assert.That(M.is_readonly, Is.False);

        (typ, data) = M.select("No such box");
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(Text(data[0]), Does.StartWith("Mailbox doesn't exist: No such box"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
    }

    [Test]
    public void Select_of_a_mailbox_the_server_opens_read_only_raises_readonly()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        Assert.That(M.create("Locked").typ, Is.EqualTo("OK"));
        // The owner gives up the write rights on it: Dovecot then opens it READ-ONLY even for SELECT.
        Assert.That(M.setacl("Locked", account.User, "lr").typ, Is.EqualTo("OK"));
        // Dovecot always leaves the owner the admin right (a).
        Assert.That(Text(M.myrights("Locked").data[0]), Is.EqualTo("Locked lra"));
        var ex = Assert.Throws<IMAP4.@readonly>(() => M.select("Locked"));
        Assert.That(ex!.Message, Is.EqualTo("'Locked' is not writable"));
        // Asked for read-only, the same mailbox opens normally.
        var (typ, data) = M.select("Locked", @readonly: true);
        Assert.That((typ, Text(data[0])), Is.EqualTo(("OK", "0")));
    }

    [Test]
    public void Response_returns_the_code_as_typ_and_None_when_nothing_came()
    {
        var (_, M) = WithInbox(Message("x"));
        using var __ = M;
        M.select();
        Assert.That(M.response("NOSUCHTHING"), Is.EqualTo(("NOSUCHTHING", new List<ImapItem?> { null })));
        var (typ, data) = M.response("exists");
        Assert.That(typ, Is.EqualTo("exists"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        Assert.That(M.response("EXISTS").data, Is.EqualTo(new ImapItem?[] { null }));
    }

    [Test]
    public void Recent_from_select_then_through_noop_after_another_session_appends()
    {
        var (account, M) = WithInbox(Message("a"), Message("b"));
        using var __ = M;
        M.select();
        Assert.That(M.recent(), Is.EqualTo(("OK", new List<ImapItem?> { ImapItem.FromString("2") })));

        using (var other = account.Connect())
            Assert.That(other.append("INBOX", null, null, Message("c")).typ, Is.EqualTo("OK"));

        // Nothing collected: recent() sends NOOP, and Dovecot reports the new RECENT count.
        var (typ, data) = M.recent();
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("3") }));
        Assert.That(M.response("EXISTS").data, Does.Contain(ImapItem.FromString("3")));
    }

    [Test]
    public void Noop_collects_what_another_session_caused()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        Assert.That(M.select().data, Is.EqualTo(new[] { ImapItem.FromString("0") }));
        using (var other = account.Connect())
        {
            other.append("INBOX", null, null, Message("first"));
            other.append("INBOX", null, null, Message("second"));
        }
        var (typ, data) = M.noop();
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("NOOP completed"));
        // SELECT's own EXISTS is still there (select() returns it without consuming it, as CPython does).
        Assert.That(M.response("EXISTS").data, Is.EqualTo(new[] { ImapItem.FromString("0"), ImapItem.FromString("2") }));
        Assert.That(M.NOOP().typ, Is.EqualTo("OK"));
        Assert.That(M.response("EXISTS").data, Is.EqualTo(new ImapItem?[] { null }));
    }

    [Test]
    public void Check_in_the_selected_state()
    {
        var (_, M) = WithInbox(Message("x"));
        using var __ = M;
        M.select();
        var (typ, data) = M.check();
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Check completed"));
        Assert.That(M.CHECK().typ, Is.EqualTo("OK"));
    }

    [Test]
    public void Close_expunges_deleted_messages_and_returns_to_AUTH()
    {
        var (_, M) = WithInbox(Message("keep"), Message("drop"));
        using var __ = M;
        M.select();
        M.store("2", "+FLAGS.SILENT", @"(\Deleted)");
        var (typ, data) = M.close();
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Close completed"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(Status(M, "INBOX"), Is.EqualTo("INBOX (MESSAGES 1)"));
    }

    [Test]
    public void Unselect_leaves_deleted_messages_and_returns_to_AUTH()
    {
        var (_, M) = WithInbox(Message("keep"), Message("flagged deleted"));
        using var __ = M;
        M.select();
        M.store("2", "+FLAGS.SILENT", @"(\Deleted)");
        var (typ, data) = M.unselect();
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Unselect completed"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(Status(M, "INBOX"), Is.EqualTo("INBOX (MESSAGES 2)"));
        M.select();
        Assert.That(FlagsOf(M, "2"), Does.Contain(@"\Deleted"));
        Assert.That(M.UNSELECT().typ, Is.EqualTo("OK"));
    }

    // ---- fetch, store, expunge, copy ------------------------------------------------------------------

    [Test]
    public void Fetch_RFC822_and_peeked_headers_of_several_messages()
    {
        byte[][] messages = [Message("one", "first body"), Message("two", "second body"), Message("three", "third body")];
        var (_, M) = WithInbox(messages);
        using var __ = M;
        M.select();

        var (typ, data) = M.fetch("1:3", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(6));
        string[] subjects = ["one", "two", "three"];
        for (int i = 0; i < 3; i++)
        {
            string expectedBody = $"Subject: {subjects[i]}\r\n\r\n";
            Assert.That(data[2 * i]!.IsPair, Is.True);
            Assert.That(data[2 * i]!.Header.decode(), Is.EqualTo($"{i + 1} (BODY[HEADER.FIELDS (SUBJECT)] {{{expectedBody.Length}}}"));
            Assert.That(data[2 * i]!.Body.decode(), Is.EqualTo(expectedBody));
            Assert.That(Text(data[2 * i + 1]), Is.EqualTo(")"));
        }
        Assert.That(FlagsOf(M, "1"), Does.Not.Contain(@"\Seen"), "PEEK does not set \\Seen");

        (typ, data) = M.fetch("1:3", "(RFC822)");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(6));
        for (int i = 0; i < 3; i++)
        {
            // Dovecot reports the \Seen flag the fetch has just set, before the literal.
            Assert.That(data[2 * i]!.Header.decode(), Is.EqualTo($@"{i + 1} (FLAGS (\Seen \Recent) RFC822 {{{messages[i].Length}}}"));
            Assert.That(data[2 * i]!.Body, Is.EqualTo(messages[i]));
            Assert.That(Text(data[2 * i + 1]), Is.EqualTo(")"));
        }
        Assert.That(FlagsOf(M, "2"), Does.Contain(@"\Seen"), "a non-peek fetch sets \\Seen");

        // An unparenthesised item is parenthesised by the library; the FAST macro goes bare.
        (typ, data) = M.fetch("2", "RFC822.SIZE");
        Assert.That(Texts(data), Is.EqualTo(new[] { $"2 (RFC822.SIZE {messages[1].Length})" }));
        (typ, data) = M.FETCH("3", "FAST");
        Assert.That(Text(data[0]), Does.StartWith("3 (FLAGS (").And.Contain($"RFC822.SIZE {messages[2].Length}").And.Contain("INTERNALDATE \""));

        // A message number past the end: Dovecot says BAD, the library raises.
        var ex = Assert.Throws<IMAP4.error>(() => M.fetch("9", "(FLAGS)"));
        Assert.That(ex!.Message, Does.StartWith("FETCH command error: BAD").And.Contain("Invalid messageset"));
    }

    [Test]
    public void Store_adds_and_silently_removes_flags()
    {
        var (_, M) = WithInbox(Message("a"), Message("b"));
        using var __ = M;
        M.select();
        var (typ, data) = M.store("1:2", "+FLAGS", @"(\Seen \Flagged)");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(2));
        for (int i = 0; i < 2; i++)
        {
            Assert.That(Text(data[i]), Does.StartWith($"{i + 1} (FLAGS ("));
            Assert.That(imaplib.ParseFlags(data[i]!.Bytes).Select(f => f.decode()), Is.SupersetOf(new[] { @"\Seen", @"\Flagged" }));
        }

        (typ, data) = M.store("1", "-FLAGS.SILENT", @"\Flagged");   // parenthesised by the library
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new ImapItem?[] { null }), ".SILENT: no FETCH back");
        Assert.That(FlagsOf(M, "1"), Does.Contain(@"\Seen").And.Not.Contain(@"\Flagged"));
        Assert.That(FlagsOf(M, "2"), Does.Contain(@"\Flagged"));

        (typ, data) = M.STORE("2", "FLAGS", "($Label1)");
        Assert.That(imaplib.ParseFlags(data[0]!.Bytes).Select(f => f.decode()).Where(f => f != @"\Recent"), Is.EqualTo(new[] { "$Label1" }));
    }

    [Test]
    public void Expunge_lists_the_expunged_message_numbers()
    {
        var (_, M) = WithInbox(Message("1"), Message("2"), Message("3"), Message("4"));
        using var __ = M;
        M.select();
        M.store("1,3", "+FLAGS.SILENT", @"(\Deleted)");
        var (typ, data) = M.expunge();
        Assert.That(typ, Is.EqualTo("OK"));
        // Dovecot expunges from the end, so the numbers stay valid as it goes.
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("3"), ImapItem.FromString("1") }));
        Assert.That(M.search(null, "ALL").data, Is.EqualTo(new[] { ImapItem.FromString("1 2") }));
        Assert.That(M.EXPUNGE(), Is.EqualTo(("OK", new List<ImapItem?> { null })), "nothing left to expunge");
    }

    [Test]
    public void Copy_to_another_mailbox_and_to_a_missing_one()
    {
        var (_, M) = WithInbox(Message("a"), Message("b"), Message("c"));
        using var __ = M;
        Assert.That(M.create("Dest").typ, Is.EqualTo("OK"));
        M.select();
        var (typ, data) = M.copy("1:2", "Dest");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.Match(@"^\[COPYUID \d+ 1:2 1:2\] Copy completed"));
        Assert.That(Text(M.response("COPYUID").data[0]), Does.Match(@"^\d+ 1:2 1:2$"));
        Assert.That(Status(M, "Dest"), Is.EqualTo("Dest (MESSAGES 2)"));
        Assert.That(Status(M, "INBOX"), Is.EqualTo("INBOX (MESSAGES 3)"));

        (typ, data) = M.COPY("3", "Missing");
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(Text(data[0]), Does.StartWith("[TRYCREATE] Mailbox doesn't exist: Missing"));
        Assert.That(M.response("TRYCREATE").data, Is.EqualTo(new[] { ImapItem.FromString("") }));
    }

    // ---- search, sort, thread --------------------------------------------------------------------------

    [Test]
    public void Search_without_and_with_CHARSET_UTF8()
    {
        var (_, M) = WithInbox(
            Message("apple pie"),
            Message("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?="),
            Message("apple tart", "mentions Grüße only in the body"));
        using var __ = M;
        M.select();
        Assert.That(M.search(null, "ALL"), Is.EqualTo(("OK", new List<ImapItem?> { ImapItem.FromString("1 2 3") })));
        Assert.That(M.search(null, "SUBJECT", "apple").data, Is.EqualTo(new[] { ImapItem.FromString("1 3") }));
        Assert.That(M.search(null, "SUBJECT", "\"apple pie\"").data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        Assert.That(M.search(null, "SUBJECT", "banana").data, Is.EqualTo(new[] { ImapItem.FromString("") }));
        Assert.That(M.search(null, "NOT", "SUBJECT", "apple").data, Is.EqualTo(new[] { ImapItem.FromString("2") }));

        // UTF-8 criteria go as bytes (text arguments are ASCII until UTF8=ACCEPT).
        var (typ, data) = M.search("UTF-8", "SUBJECT", Utf8("\"Grüße\""));
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
        Assert.That(M.SEARCH("UTF-8", "TEXT", Utf8("\"Grüße\"")).data, Is.EqualTo(new[] { ImapItem.FromString("2 3") }));
        Assert.That(M.search("US-ASCII", "SUBJECT", "tart").data, Is.EqualTo(new[] { ImapItem.FromString("3") }));
        // Text criteria are encoded in the declared charset: the server must decode them as such.
        Assert.That(M.search("UTF-8", "SUBJECT", "\"Grüße\"").data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
        Assert.That(M.search("ISO-8859-1", "SUBJECT", "\"Grüße aus Köln\"").data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
        // params: each ? becomes the next value, quoted as needed.
        Assert.That(M.search(null, "SUBJECT ?", ["apple pie"]).data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        // UID SEARCH through the uid keyword.
        Assert.That(M.search(null, true, "SUBJECT", "apple").data, Is.EqualTo(new[] { ImapItem.FromString("1 3") }));

        // A charset .NET has no codec for: text criteria cannot be encoded (Python: LookupError), bytes go as given.
        Assert.Throws<ArgumentException>(() => M.search("X-NO-SUCH-CHARSET", "ALL"));
        (typ, data) = M.search("X-NO-SUCH-CHARSET", "ALL"u8.ToArray());
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(Text(data[0]), Does.StartWith("[BADCHARSET]"));
    }

    [Test]
    public void Search_params_with_non_ASCII_text_are_sent_in_the_declared_charset()
    {
        var (_, M) = WithInbox(Message("plain"), Message("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?="));
        using var __ = M;
        M.select();
        // Writing the criterion by hand works (the text is encoded in the charset, quotes included) ...
        Assert.That(M.search("UTF-8", "SUBJECT \"Grüße aus\"").data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
        // ... so the same value given as a parameter must too.
        Assert.That(M.search("UTF-8", "SUBJECT ?", ["Grüße aus"]).data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
        Assert.That(M.search("ISO-8859-1", "SUBJECT ?", ["Köln"]).data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
    }

    [Test]
    public void Sort_by_subject_and_reverse()
    {
        var (_, M) = WithInbox(Message("banana"), Message("apple"), Message("cherry"));
        using var __ = M;
        M.select();
        Assert.That(M.sort("(SUBJECT)", "UTF-8", "ALL"), Is.EqualTo(("OK", new List<ImapItem?> { ImapItem.FromString("2 1 3") })));
        Assert.That(M.sort("REVERSE SUBJECT", "UTF-8", "ALL").data, Is.EqualTo(new[] { ImapItem.FromString("3 1 2") }));
        Assert.That(M.SORT("SUBJECT", "US-ASCII", "SUBJECT", "an").data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
    }

    [Test]
    public void Thread_by_references_and_ordered_subject()
    {
        var (_, M) = WithInbox(
            Message("topic", extraHeaders: "Date: Mon, 01 Jan 2024 10:00:00 +0000\r\nMessage-ID: <a@example.com>\r\n"),
            Message("other", extraHeaders: "Date: Mon, 01 Jan 2024 11:00:00 +0000\r\nMessage-ID: <c@example.com>\r\n"),
            Message("Re: topic", extraHeaders: "Date: Mon, 01 Jan 2024 12:00:00 +0000\r\nMessage-ID: <b@example.com>\r\nIn-Reply-To: <a@example.com>\r\nReferences: <a@example.com>\r\n"));
        using var __ = M;
        M.select();
        Assert.That(M.thread("REFERENCES", "UTF-8", "ALL"), Is.EqualTo(("OK", new List<ImapItem?> { ImapItem.FromString("(1 3)(2)") })));
        Assert.That(M.THREAD("ORDEREDSUBJECT", "US-ASCII", "ALL").data, Is.EqualTo(new[] { ImapItem.FromString("(1 3)(2)") }));
        Assert.That(M.thread("REFERENCES", "UTF-8", "SUBJECT", "other").data, Is.EqualTo(new[] { ImapItem.FromString("(2)") }));
    }

    // ---- uid --------------------------------------------------------------------------------------------

    [Test]
    public void Uid_search_fetch_store_copy_move_expunge_sort_thread()
    {
        var (_, M) = WithInbox(Message("u1"), Message("u2"), Message("u3"), Message("u4"));
        using var __ = M;
        Assert.That(M.create("Dest").typ, Is.EqualTo("OK"));
        M.select();
        // Remove message 1 so that numbers and UIDs differ: UIDs 2,3,4 are now messages 1,2,3.
        M.store("1", "+FLAGS.SILENT", @"(\Deleted)");
        M.expunge();

        Assert.That(M.uid("SEARCH", "ALL"), Is.EqualTo(("OK", new List<ImapItem?> { ImapItem.FromString("2 3 4") })));
        Assert.That(M.uid("search", "SUBJECT", "u3").data, Is.EqualTo(new[] { ImapItem.FromString("3") }));

        var (typ, data) = M.uid("FETCH", "3:4", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(4));
        Assert.That(data[0]!.Header.decode(), Does.StartWith("2 (").And.Contain("UID 3"));
        Assert.That(data[0]!.Body.decode(), Is.EqualTo("Subject: u3\r\n\r\n"));
        Assert.That(data[2]!.Header.decode(), Does.StartWith("3 (").And.Contain("UID 4"));
        Assert.That(data[2]!.Body.decode(), Is.EqualTo("Subject: u4\r\n\r\n"));

        (typ, data) = M.uid("STORE", "2", "+FLAGS", @"\Answered");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(1));
        Assert.That(Text(data[0]), Does.StartWith("1 (").And.Contain("UID 2"));
        Assert.That(imaplib.ParseFlags(data[0]!.Bytes).Select(f => f.decode()), Does.Contain(@"\Answered"));

        (typ, data) = M.uid("COPY", "2:3", "Dest");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Is.EqualTo("<None>"), "UID COPY's data is its FETCH responses: none");
        Assert.That(Text(M.response("COPYUID").data[0]), Does.Match(@"^\d+ 2:3 1:2$"));

        Assert.That(M.uid("SORT", "(REVERSE SUBJECT)", "UTF-8", "ALL").data, Is.EqualTo(new[] { ImapItem.FromString("4 3 2") }));
        Assert.That(M.uid("THREAD", "ORDEREDSUBJECT", "UTF-8", "ALL").data, Is.EqualTo(new[] { ImapItem.FromString("(2)(3)(4)") }));

        (typ, _) = M.uid("MOVE", "4", "Dest");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(M.response("EXPUNGE").data, Is.EqualTo(new[] { ImapItem.FromString("3") }), "message 3 (UID 4) left INBOX");
        Assert.That(Status(M, "Dest"), Is.EqualTo("Dest (MESSAGES 3)"));

        // UID EXPUNGE (UIDPLUS) removes only the listed UIDs of those flagged \Deleted.
        M.store("1:2", "+FLAGS.SILENT", @"(\Deleted)");
        (typ, _) = M.uid("EXPUNGE", "3");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(M.response("EXPUNGE").data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
        Assert.That(M.UID("SEARCH", "ALL").data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
        Assert.That(FlagsOf(M, "1"), Does.Contain(@"\Deleted"));

        var ex = Assert.Throws<IMAP4.error>(() => M.uid("BOGUS", "1"));
        Assert.That(ex!.Message, Is.EqualTo("Unknown IMAP4 UID command: 'BOGUS'"));
    }

    // ---- mailboxes: create, delete, rename, list, lsub, subscribe, status --------------------------------

    [Test]
    public void Create_and_delete_a_mailbox()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        Assert.That(ListAll(M), Is.EqualTo(new[] { @"(\HasNoChildren) ""/"" INBOX" }));
        var (typ, data) = M.create("Projects");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Create completed"));
        Assert.That(ListAll(M), Is.EquivalentTo(new[] { @"(\HasNoChildren) ""/"" INBOX", @"(\HasNoChildren) ""/"" Projects" }));

        (typ, data) = M.create("Projects");
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(Text(data[0]), Does.StartWith("[ALREADYEXISTS] Mailbox already exists"));

        (typ, data) = M.delete("Projects");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Delete completed"));
        Assert.That(ListAll(M), Is.EqualTo(new[] { @"(\HasNoChildren) ""/"" INBOX" }));

        (typ, data) = M.DELETE("Projects");
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(Text(data[0]), Does.StartWith("[NONEXISTENT] Mailbox doesn't exist: Projects"));
        Assert.That(M.CREATE("Again").typ, Is.EqualTo("OK"));
    }

    [Test]
    public void Rename_keeps_the_messages()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        M.create("Old");
        M.append("Old", null, null, Message("moved along"));
        var (typ, data) = M.rename("Old", "New");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Rename completed"));
        var names = ListAll(M);
        Assert.That(names, Does.Contain(@"(\HasNoChildren) ""/"" New").And.Not.Contain(@"(\HasNoChildren) ""/"" Old"));
        Assert.That(Status(M, "New"), Is.EqualTo("New (MESSAGES 1)"));
        (typ, data) = M.RENAME("Old", "Newer");
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(Text(data[0]), Does.Contain("Old"));
    }

    [Test]
    public void List_with_reference_and_patterns()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        foreach (var name in new[] { "Work", "Work/Sub", "Work/Sub/Deep", "Play" })
            Assert.That(M.create(name).typ, Is.EqualTo("OK"), name);

        Assert.That(ListAll(M), Is.EquivalentTo(new[]
        {
            @"(\HasNoChildren) ""/"" INBOX",
            @"(\HasChildren) ""/"" Work",
            @"(\HasChildren) ""/"" Work/Sub",
            @"(\HasNoChildren) ""/"" Work/Sub/Deep",
            @"(\HasNoChildren) ""/"" Play",
        }));
        Assert.That(Texts(M.list("", "Work/%").data), Is.EqualTo(new[] { @"(\HasChildren) ""/"" Work/Sub" }));
        Assert.That(Texts(M.list("Work/", "*").data), Is.EquivalentTo(new[] { @"(\HasChildren) ""/"" Work/Sub", @"(\HasNoChildren) ""/"" Work/Sub/Deep" }));
        Assert.That(Texts(M.list(pattern: "%").data), Has.Count.EqualTo(3));
        Assert.That(Texts(M.LIST("", "P*").data), Is.EqualTo(new[] { @"(\HasNoChildren) ""/"" Play" }));
        Assert.That(M.list("", "Nothing*"), Is.EqualTo(("OK", new List<ImapItem?> { null })));
        // LIST "" "" asks for the hierarchy separator.
        Assert.That(Texts(M.list("", "\"\"").data), Is.EqualTo(new[] { @"(\Noselect) ""/"" """"" }));
    }

    [Test]
    public void Subscribe_lsub_and_unsubscribe()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        M.create("Work");
        M.create("Work/Sub");
        Assert.That(M.lsub(), Is.EqualTo(("OK", new List<ImapItem?> { null })));
        var (typ, data) = M.subscribe("Work");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Subscribe completed"));
        Assert.That(M.SUBSCRIBE("Work/Sub").typ, Is.EqualTo("OK"));
        Assert.That(Texts(M.lsub().data), Is.EquivalentTo(new[] { @"() ""/"" Work", @"() ""/"" Work/Sub" }));
        Assert.That(Texts(M.LSUB("Work/", "%").data), Is.EqualTo(new[] { @"() ""/"" Work/Sub" }));

        (typ, data) = M.unsubscribe("Work");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Unsubscribe completed"));
        Assert.That(Texts(M.lsub().data), Is.EqualTo(new[] { @"() ""/"" Work/Sub" }));
        Assert.That(M.UNSUBSCRIBE("Work/Sub").typ, Is.EqualTo("OK"));
        Assert.That(M.lsub("", "*").data, Is.EqualTo(new ImapItem?[] { null }));
    }

    [Test]
    public void Status_items()
    {
        var (_, M) = WithInbox(Message("a"), Message("b"));
        using var __ = M;
        Assert.That(Status(M, "INBOX", "(MESSAGES RECENT UIDNEXT UNSEEN)"), Is.EqualTo("INBOX (MESSAGES 2 RECENT 2 UIDNEXT 3 UNSEEN 2)"));
        Assert.That(Status(M, "INBOX", "MESSAGES UNSEEN"), Is.EqualTo("INBOX (MESSAGES 2 UNSEEN 2)"), "parenthesised by the library");
        var (typ, data) = M.STATUS("Missing", "(MESSAGES)");
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(Text(data[0]), Does.Contain("Mailbox doesn't exist: Missing"));
    }

    // ---- mailbox names that need quoting ------------------------------------------------------------------

    [Test]
    public void Mailbox_name_with_space_quotes_and_backslash_is_quoted_by_the_library()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        const string name = @"a ""b"" c\d";
        const string renamed = @"e ""f"" g\h";
        const string onWire = @"""a \""b\"" c\\d""";
        const string renamedOnWire = @"""e \""f\"" g\\h""";

        Assert.That(M.create(name).typ, Is.EqualTo("OK"));
        Assert.That(ListAll(M), Does.Contain($@"(\HasNoChildren) ""/"" {onWire}"));
        Assert.That(M.append(name, null, null, Message("quoted box")).typ, Is.EqualTo("OK"));
        Assert.That(Status(M, name), Is.EqualTo($"{onWire} (MESSAGES 1)"));
        Assert.That(M.select(name).data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        Assert.That(M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])").data[0]!.Body.decode(), Is.EqualTo("Subject: quoted box\r\n\r\n"));
        M.close();
        Assert.That(M.rename(name, renamed).typ, Is.EqualTo("OK"));
        Assert.That(ListAll(M), Does.Contain($@"(\HasNoChildren) ""/"" {renamedOnWire}").And.Not.Contain($@"(\HasNoChildren) ""/"" {onWire}"));
        Assert.That(Status(M, renamed), Is.EqualTo($"{renamedOnWire} (MESSAGES 1)"));
        Assert.That(M.delete(renamed).typ, Is.EqualTo("OK"));
        Assert.That(ListAll(M), Is.EqualTo(new[] { @"(\HasNoChildren) ""/"" INBOX" }));
    }

    [Test]
    public void Mailbox_name_already_quoted_by_the_caller_is_sent_unchanged()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        const string quoted = "\"Archive 2001\"";
        Assert.That(M.create(quoted).typ, Is.EqualTo("OK"));
        // The server got the quoted string, so the mailbox is called Archive 2001 (no quote characters in it).
        Assert.That(ListAll(M), Is.EquivalentTo(new[] { @"(\HasNoChildren) ""/"" INBOX", @"(\HasNoChildren) ""/"" ""Archive 2001""" }));
        Assert.That(M.append(quoted, null, null, Message("via quoted")).typ, Is.EqualTo("OK"));
        Assert.That(M.append("Archive 2001", null, null, Message("via raw")).typ, Is.EqualTo("OK"), "the raw name is the same mailbox");
        Assert.That(Status(M, quoted), Is.EqualTo("\"Archive 2001\" (MESSAGES 2)"));
        Assert.That(M.select(quoted).data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
        M.unselect();
        Assert.That(M.rename(quoted, "\"Archive 2002\"").typ, Is.EqualTo("OK"));
        Assert.That(ListAll(M), Does.Contain(@"(\HasNoChildren) ""/"" ""Archive 2002""").And.Not.Contain(@"(\HasNoChildren) ""/"" ""Archive 2001"""));
        Assert.That(Status(M, "Archive 2002"), Is.EqualTo("\"Archive 2002\" (MESSAGES 2)"));
        Assert.That(M.delete("\"Archive 2002\"").typ, Is.EqualTo("OK"));
        Assert.That(ListAll(M), Is.EqualTo(new[] { @"(\HasNoChildren) ""/"" INBOX" }));
    }

    // ---- ACL, quota, namespace, annotations -----------------------------------------------------------------

    [Test]
    public void Setacl_getacl_myrights_deleteacl()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        Dictionary<string, string> Acl(string mailbox, string shownName)
        {
            var (typ, data) = M.getacl(mailbox);
            Assert.That(typ, Is.EqualTo("OK"));
            Assert.That(data, Has.Count.EqualTo(1));
            string text = Text(data[0]);
            Assert.That(text, Does.StartWith(shownName + " "));
            var parts = text[(shownName.Length + 1)..].Split(' ');
            Assert.That(parts.Length % 2, Is.EqualTo(0), text);
            return Enumerable.Range(0, parts.Length / 2).ToDictionary(i => parts[2 * i], i => parts[2 * i + 1]);
        }

        Assert.That(Acl("INBOX", "INBOX"), Is.EqualTo(new Dictionary<string, string> { [account.User] = AllRights }));
        var (typ, data) = M.myrights("INBOX");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString($"INBOX {AllRights}") }));

        (typ, data) = M.setacl("INBOX", "bob", "lr");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Setacl complete"));
        Assert.That(Acl("INBOX", "INBOX"), Is.EqualTo(new Dictionary<string, string> { ["bob"] = "lr", [account.User] = AllRights }));

        (typ, data) = M.deleteacl("INBOX", "bob");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Deleteacl complete"));
        Assert.That(Acl("INBOX", "INBOX"), Is.EqualTo(new Dictionary<string, string> { [account.User] = AllRights }));

        // A mailbox and an identifier that need quoting.
        M.create("Shared Box");
        Assert.That(M.SETACL("Shared Box", "$team", "lrs").typ, Is.EqualTo("OK"));
        Assert.That(Acl("Shared Box", "\"Shared Box\""), Is.EqualTo(new Dictionary<string, string> { ["$team"] = "lrs", [account.User] = AllRights }));
        Assert.That(M.MYRIGHTS("Shared Box").data, Is.EqualTo(new[] { ImapItem.FromString($"\"Shared Box\" {AllRights}") }));
        Assert.That(M.DELETEACL("Shared Box", "$team").typ, Is.EqualTo("OK"));
        Assert.That(Texts(M.GETACL("Shared Box").data), Is.EqualTo(new[] { $"\"Shared Box\" {account.User} {AllRights}" }));
    }

    [Test]
    public void Getquota_reports_usage_and_limit()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        Assert.That(M.getquota(QuotaRoot), Is.EqualTo(("OK", new List<ImapItem?> { ImapItem.FromString("\"User quota\" (STORAGE 0 1048576)") })));
        // 20 KiB of message: STORAGE is counted in KiB.
        byte[] big = Message("big", new string('x', 20 * 1024 - Message("big", "").Length));
        Assert.That(big.Length, Is.EqualTo(20 * 1024));
        M.append("INBOX", null, null, big);
        Assert.That(M.GETQUOTA("\"User quota\"").data, Is.EqualTo(new[] { ImapItem.FromString("\"User quota\" (STORAGE 20 1048576)") }));
        var (typ, data) = M.getquota("No such root");
        Assert.That(typ, Is.EqualTo("NO"));
        Assert.That(Text(data[0]), Does.StartWith("Quota root doesn't exist"));
    }

    [Test]
    public void Getquotaroot_returns_the_nested_list_shape()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        var (typ, data) = M.getquotaroot("INBOX");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Has.Count.EqualTo(2));
        Assert.That(data[0]!.IsList && data[1]!.IsList, Is.True);
        Assert.That(data[0]!.Items, Is.EqualTo(new[] { ImapItem.FromString("INBOX \"User quota\"") }));
        Assert.That(data[1]!.Items, Is.EqualTo(new[] { ImapItem.FromString("\"User quota\" (STORAGE 0 1048576)") }));
        Assert.That(data[0]![0]!.decode(), Is.EqualTo("INBOX \"User quota\""), "Python's data[0][0]");

        M.create("My Box");
        (typ, data) = M.GETQUOTAROOT("My Box");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data[0]!.Items, Is.EqualTo(new[] { ImapItem.FromString("\"My Box\" \"User quota\"") }));
    }

    [Test]
    public void Setquota_is_allowed_to_an_admin_and_refused_to_a_user()
    {
        var admin = Dovecot.NewAccount(admin: true);
        using (var M = admin.Connect())
        {
            var (typ, data) = M.setquota(QuotaRoot, "(STORAGE 2048)");
            Assert.That(typ, Is.EqualTo("OK"));
            Assert.That(data, Is.EqualTo(new ImapItem?[] { null }), "Dovecot 2.3 sends no QUOTA response after SETQUOTA");
            // Dovecot stores the new limit in the account's quota_set dict (the effective limit stays quota_rule's).
            string limits = File.ReadAllText(Path.Combine(Dovecot.Server.Dir, "home", admin.User, "quota-limits"));
            Assert.That(limits, Does.Contain("priv/quota/limit/storage\n2048"));
            Assert.That(M.SETQUOTA("\"User quota\"", "STORAGE 4096").typ, Is.EqualTo("OK"), "limits parenthesised by the library");
            limits = File.ReadAllText(Path.Combine(Dovecot.Server.Dir, "home", admin.User, "quota-limits"));
            Assert.That(limits, Does.Contain("priv/quota/limit/storage\n4096"));
        }

        var user = Dovecot.NewAccount();
        using (var M = user.Connect())
        {
            var (typ, data) = M.setquota(QuotaRoot, "(STORAGE 2048)");
            Assert.That(typ, Is.EqualTo("NO"));
            Assert.That(Text(data[0]), Does.StartWith("Quota can be changed only by admin"));
            Assert.That(File.Exists(Path.Combine(Dovecot.Server.Dir, "home", user.User, "quota-limits")), Is.False);
        }
    }

    [Test]
    public void Namespace_reports_the_personal_namespace()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        Assert.That(M.@namespace(), Is.EqualTo(("OK", new List<ImapItem?> { ImapItem.FromString("((\"\" \"/\")) NIL NIL") })));
        Assert.That(M.NAMESPACE().data, Is.EqualTo(new[] { ImapItem.FromString("((\"\" \"/\")) NIL NIL") }));
    }

    [Test]
    public void Getannotation_and_setannotation_are_BAD_on_Dovecot_and_raise()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        var ex = Assert.Throws<IMAP4.error>(() => M.getannotation("INBOX", "\"/comment\"", "\"value.priv\""));
        Assert.That(ex, Is.Not.InstanceOf<IMAP4.abort>());
        Assert.That(ex!.Message, Does.StartWith("GETANNOTATION command error: BAD [b'Error in IMAP command GETANNOTATION: Unknown command"));
        ex = Assert.Throws<IMAP4.error>(() => M.setannotation("INBOX", "\"/comment\"", "(\"value.priv\" \"hello\")"));
        Assert.That(ex!.Message, Does.StartWith("SETANNOTATION command error: BAD [b'Error in IMAP command SETANNOTATION: Unknown command"));
        Assert.Throws<IMAP4.error>(() => M.GETANNOTATION("INBOX", "\"/comment\"", "\"value.priv\""));
        // The connection is still in step.
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
    }

    [Test]
    public void Partial_is_BAD_on_Dovecot_and_raises()
    {
        var (_, M) = WithInbox(Message("partial"));
        using var __ = M;
        M.select();
        var ex = Assert.Throws<IMAP4.error>(() => M.partial("1", "RFC822", "0", "10"));
        Assert.That(ex!.Message, Does.StartWith("PARTIAL command error: BAD [b'Error in IMAP command PARTIAL: Unknown command"));
        Assert.Throws<IMAP4.error>(() => M.PARTIAL("1", "RFC822", "0", "10"));
        Assert.That(M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])").data[0]!.Body.decode(), Is.EqualTo("Subject: partial\r\n\r\n"));
    }

    [Test]
    public void Proxyauth_is_BAD_on_Dovecot_and_raises_even_for_an_admin()
    {
        var target = Dovecot.NewAccount();
        var admin = Dovecot.NewAccount(admin: true);
        using var M = admin.Connect();
        var ex = Assert.Throws<IMAP4.error>(() => M.proxyauth(target.User));
        Assert.That(ex, Is.Not.InstanceOf<IMAP4.abort>());
        Assert.That(ex!.Message, Does.StartWith("PROXYAUTH command error: BAD [b'Error in IMAP command PROXYAUTH: Unknown command"));
        Assert.Throws<IMAP4.error>(() => M.PROXYAUTH(target.User));
        Assert.That(M.state, Is.EqualTo("AUTH"), "still the admin's own session");
        Assert.That(M.myrights("INBOX").data, Is.EqualTo(new[] { ImapItem.FromString($"INBOX {AllRights}") }));
    }

    // ---- enable, xatom -------------------------------------------------------------------------------------

    [Test]
    public void Enable_CONDSTORE_reports_ENABLED()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        var (typ, data) = M.enable("CONDSTORE");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Enabled"));
        Assert.That(M.response("ENABLED").data, Is.EqualTo(new[] { ImapItem.FromString("CONDSTORE") }));
        Assert.That(M.utf8_enabled, Is.False);
        // With CONDSTORE on, SELECT reports HIGHESTMODSEQ.
        M.select();
        Assert.That(Text(M.response("HIGHESTMODSEQ").data[0]), Does.Match(@"^\d+$"));
    }

    [Test]
    public void Non_ASCII_mailbox_names_go_as_modified_UTF7_until_UTF8_ACCEPT_is_enabled()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        const string name = "Bücher Ærø";
        const string mutf7 = "B&APw-cher &AMY-r&APg-";
        Assert.That(ModifiedUtf7.Encode(name), Is.EqualTo(mutf7));

        // Without UTF8=ACCEPT, a text name is written in modified UTF-7 (RFC 3501 5.1.3), as newest CPython does.
        Assert.That(M.create(name).typ, Is.EqualTo("OK"));
        Assert.That(ListAll(M), Does.Contain($@"(\HasNoChildren) ""/"" ""{mutf7}"""));
        Assert.That(M.append(name, null, null, Message("mutf7 box")).typ, Is.EqualTo("OK"));
        Assert.That(Status(M, name), Is.EqualTo($"\"{mutf7}\" (MESSAGES 1)"));
        Assert.That(Status(M, mutf7), Is.EqualTo($"\"{mutf7}\" (MESSAGES 1)"), "an already encoded name is not encoded twice");
        Assert.That(M.select(name).data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        M.unselect();

        var (typ, data) = M.ENABLE("UTF8=ACCEPT");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Enabled"));
        // As newest CPython, the library switches to UTF-8 on the tagged OK, whatever the server enabled.
        Assert.That(M.utf8_enabled, Is.True);
        var (_, enabled) = M.response("ENABLED");
        const string other = "Grüße";

        if (M.capabilities.Contains("UTF8=ACCEPT"))
        {
            // A server with RFC 6855 (Dovecot 2.4+): names go as UTF-8 and come back as UTF-8.
            Assert.That(enabled, Is.EqualTo(new[] { ImapItem.FromString("UTF8=ACCEPT") }));
            Assert.That(M.create(other).typ, Is.EqualTo("OK"));
            Assert.That(ListAll(M), Does.Contain($@"(\HasNoChildren) ""/"" ""{other}"""));
            Assert.That(M.append(other, null, null, Message("utf8 box")).typ, Is.EqualTo("OK"));
            Assert.That(M.select(other).data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        }
        else
        {
            // Dovecot 2.3 does not implement UTF8=ACCEPT: ENABLE is OK but enables nothing (no ENABLED data). The
            // library is in UTF-8 mode all the same (CPython's rule), so the server refuses the UTF-8 name; the
            // encoded spelling, given as bytes, is sent as it is and still reaches the mailbox made before.
            Assert.That(M.capabilities, Does.Not.Contain("UTF8=ACCEPT"));
            Assert.That(enabled, Is.EqualTo(new ImapItem?[] { null }));
            var (status, reply) = M.create(other);
            Assert.That(status, Is.EqualTo("NO"));
            Assert.That(Text(reply[0]), Does.StartWith("Mailbox name is not valid mUTF-7"));
            Assert.That(M.select(Encoding.ASCII.GetBytes(mutf7)).data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        }

        // ENABLE is only legal in AUTH: refused in SELECTED without contacting the server.
        Assert.That(M.state, Is.EqualTo("SELECTED"));
        var ex = Assert.Throws<IMAP4.error>(() => M.enable("CONDSTORE"));
        Assert.That(ex!.Message, Is.EqualTo("command ENABLE illegal in state SELECTED, only allowed in states AUTH"));
    }

    [Test]
    public void Xatom_sends_ID_and_NAMESPACE()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        var (typ, data) = M.xatom("ID", "(\"name\" \"test\")");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("ID completed"));
        Assert.That(M.response("ID").data, Is.EqualTo(new[] { ImapItem.FromString("(\"name\" \"Dovecot\")") }));

        (typ, data) = M.xatom("namespace");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Namespace completed"));
        Assert.That(M.response("NAMESPACE").data, Is.EqualTo(new[] { ImapItem.FromString("((\"\" \"/\")) NIL NIL") }));

        var ex = Assert.Throws<IMAP4.error>(() => M.xatom("XNOSUCHCOMMAND"));
        Assert.That(ex!.Message, Does.StartWith("XNOSUCHCOMMAND command error: BAD").And.Contain("Unknown command"));
    }

    // ---- upper-case aliases --------------------------------------------------------------------------------

    [Test]
    public void Upper_case_aliases_run_the_same_commands()
    {
        var account = Dovecot.NewAccount();
        using var M = Anonymous();
        Assert.That(M.LOGIN(account.User, account.Password).typ, Is.EqualTo("OK"));
        Assert.That(M.CREATE("Upper").typ, Is.EqualTo("OK"));
        Assert.That(M.APPEND("Upper", @"(\Flagged)", null, Message("shouting")).typ, Is.EqualTo("OK"));
        Assert.That(M.STATUS("Upper", "(MESSAGES)").data, Is.EqualTo(new[] { ImapItem.FromString("Upper (MESSAGES 1)") }));
        Assert.That(M.SELECT("Upper"), Is.EqualTo(("OK", new List<ImapItem?> { ImapItem.FromString("1") })));
        Assert.That(M.SEARCH(null, "FLAGGED").data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        Assert.That(M.FETCH("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])").data[0]!.Body.decode(), Is.EqualTo("Subject: shouting\r\n\r\n"));
        Assert.That(M.UID("FETCH", "1", "(UID)").data, Is.EqualTo(new[] { ImapItem.FromString("1 (UID 1)") }));
        Assert.That(M.CLOSE().typ, Is.EqualTo("OK"));
        Assert.That(Texts(M.LIST("", "Up*").data), Is.EqualTo(new[] { @"(\HasNoChildren) ""/"" Upper" }));
        Assert.That(M.RENAME("Upper", "Lower").typ, Is.EqualTo("OK"));
        Assert.That(M.DELETE("Lower").typ, Is.EqualTo("OK"));
        Assert.That(M.LOGOUT(), Is.EqualTo(("BYE", new List<ImapItem?> { ImapItem.FromString("Logging out") })));

        using var other = Anonymous();
        Assert.That(other.AUTHENTICATE("PLAIN", _ => $"\0{account.User}\0{account.Password}").typ, Is.EqualTo("OK"));
        Assert.That(other.state, Is.EqualTo("AUTH"));
    }

    // ---- logout, Dispose, wrong state, timeout ----------------------------------------------------------

    [Test]
    public void Logout_answers_BYE_and_closes_the_connection()
    {
        var account = Dovecot.NewAccount();
        var M = account.Connect();
        var (typ, data) = M.logout();
        Assert.That(typ, Is.EqualTo("BYE"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("Logging out") }));
        Assert.That(M.state, Is.EqualTo("LOGOUT"));
        Assert.That(LogShows(account.User, "Disconnected: Logged out"), Is.True, "Dovecot saw a LOGOUT");
        // The socket is gone: a command allowed in LOGOUT state cannot reach the server.
        Assert.Throws<IMAP4.abort>(() => M.noop());
        M.Dispose();
    }

    [Test]
    public void Dispose_logs_out()
    {
        var account = Dovecot.NewAccount();
        IMAP4 kept;
        using (var M = account.Connect())
        {
            kept = M;
            Assert.That(M.select().typ, Is.EqualTo("OK"));
        }
        Assert.That(kept.state, Is.EqualTo("LOGOUT"));
        Assert.That(LogShows(account.User, "Disconnected: Logged out"), Is.True, "Dispose sent LOGOUT, not just a close");
        Assert.DoesNotThrow(kept.Dispose, "a second Dispose is a no-op");

        // Without Dispose's LOGOUT, Dovecot logs a plain disconnect: the check above can tell them apart.
        var other = Dovecot.NewAccount();
        var M2 = other.Connect();
        M2.shutdown();
        Assert.That(LogShows(other.User, "Disconnected: Connection closed"), Is.True);
        Assert.That(LogShows(other.User, "Logged out", 200), Is.False);
    }

    [Test]
    public void Commands_in_the_wrong_state_raise_without_contacting_the_server()
    {
        var account = Dovecot.NewAccount();
        using var M = new ImapLib.Testing.RecordingIMAP4(Dovecot.Server.Host, Dovecot.Server.Port, 30);   // the kit's: proves a refused command sent nothing
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        int sent = Recorded.ClientLines(M.transcript).Count;

        void Refused(Action call, string message, bool checkTags = true)
        {
            var ex = Assert.Throws<IMAP4.error>(() => call());
            Assert.That(ex, Is.Not.InstanceOf<IMAP4.abort>());
            Assert.That(ex!.Message, Is.EqualTo(message));
            Assert.That(Recorded.ClientLines(M.transcript), Has.Count.EqualTo(sent), "nothing was sent for " + message);
            if (checkTags) Assert.That(M.tagged_commands, Is.Empty);
        }

        Refused(() => M.select(), "command SELECT illegal in state NONAUTH, only allowed in states AUTH, SELECTED");
        Refused(() => M.create("X"), "command CREATE illegal in state NONAUTH, only allowed in states AUTH, SELECTED");
        Refused(() => M.fetch("1", "(FLAGS)"), "command FETCH illegal in state NONAUTH, only allowed in states SELECTED");
        Refused(() => M.append("INBOX", null, null, Message("x")), "command APPEND illegal in state NONAUTH, only allowed in states AUTH, SELECTED");
        Refused(() => M.uid("FETCH", "1", "(FLAGS)"), "command FETCH illegal in state NONAUTH, only allowed in states SELECTED");

        M.login(account.User, account.Password);
        sent = Recorded.ClientLines(M.transcript).Count;
        Refused(() => M.login(account.User, account.Password), "command LOGIN illegal in state AUTH, only allowed in states NONAUTH");
        Refused(() => M.authenticate("PLAIN", _ => "x"), "command AUTHENTICATE illegal in state AUTH, only allowed in states NONAUTH");
        Refused(() => M.check(), "command CHECK illegal in state AUTH, only allowed in states SELECTED");
        Refused(() => M.expunge(), "command EXPUNGE illegal in state AUTH, only allowed in states SELECTED");
        Refused(() => M.search(null, "ALL"), "command SEARCH illegal in state AUTH, only allowed in states SELECTED");
        Refused(() => M.uid("SEARCH", "ALL"), "command SEARCH illegal in state AUTH, only allowed in states SELECTED");
        Refused(() => M.close(), "command CLOSE illegal in state AUTH, only allowed in states SELECTED");
        Assert.That(M.state, Is.EqualTo("AUTH"));

        // The connection is still in step: the next command works and is the next tag on the wire.
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        Assert.That(Recorded.ClientLines(M.transcript), Has.Count.EqualTo(sent + 1));
        Assert.That(Recorded.ClientLines(M.transcript)[^1], Is.EqualTo("C: {tag} NOOP"));

        Assert.That(M.tagged_commands, Is.Empty);
        M.logout();
        sent = Recorded.ClientLines(M.transcript).Count;
        // (LOGOUT's own tag stays in tagged_commands: its BYE is the result, as in CPython.)
        Refused(() => M.select(), "command SELECT illegal in state LOGOUT, only allowed in states AUTH, SELECTED", checkTags: false);
    }

    [Test]
    public void Timeout_of_five_seconds_applies_to_the_socket_and_commands_work()
    {
        var account = Dovecot.NewAccount();
        using var M = new IMAP4(Dovecot.Server.Host, Dovecot.Server.Port, timeout: 5);
        Assert.That(M.timeout, Is.EqualTo(5));
        Assert.That(M.socket().ReceiveTimeout, Is.EqualTo(5000));
        Assert.That(M.socket().SendTimeout, Is.EqualTo(5000));
        M.login(account.User, account.Password);
        M.append("INBOX", null, null, Message("with timeout"));
        Assert.That(M.select().data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        Assert.That(M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])").data[0]!.Body.decode(), Is.EqualTo("Subject: with timeout\r\n\r\n"));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));

        Assert.Throws<ArgumentException>(() => new IMAP4(Dovecot.Server.Host, Dovecot.Server.Port, timeout: 0));
    }

    [Test]
    public void Timeout_fires_when_the_server_stays_silent()
    {
        var account = Dovecot.NewAccount();
        using var M = new IMAP4(Dovecot.Server.Host, Dovecot.Server.Port, timeout: 1);
        M.login(account.User, account.Password);
        // IDLE gets "+ idling" and then nothing until DONE: the read must give up after the timeout.
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<IMAP4.abort>(() => M.xatom("IDLE"));
        clock.Stop();
        Assert.That(ex!.Message, Is.EqualTo("command: IDLE => socket error: timed out"));
        Assert.That(clock.Elapsed.TotalSeconds, Is.InRange(0.8, 4.0));
        Assert.That(M.continuation_response!.decode(), Is.EqualTo("idling"));
        M.shutdown();
    }

    // ---- newest CPython additions: move, id, login_plain, idle, starttls, uid keyword -----------------------

    [Test]
    public void Move_by_number_and_by_uid()
    {
        var (_, M) = WithInbox(Message("m1"), Message("m2"), Message("m3"));
        using var __ = M;
        M.create("Moved");
        M.select();
        var (typ, data) = M.move("1", "Moved");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("Move completed"));
        Assert.That(M.response("EXPUNGE").data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        Assert.That(Text(M.response("COPYUID").data[0]), Does.Match(@"^\d+ 1 1$"));

        (typ, _) = M.MOVE("3", "Moved", uid: true);   // UID 3 is now message 2
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(M.response("EXPUNGE").data, Is.EqualTo(new[] { ImapItem.FromString("2") }));
        Assert.That(Status(M, "Moved"), Is.EqualTo("Moved (MESSAGES 2)"));
        Assert.That(M.search(null, "ALL").data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        Assert.That(M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])").data[0]!.Body.decode(), Is.EqualTo("Subject: m2\r\n\r\n"));
    }

    [Test]
    public void Uid_keyword_on_fetch_store_copy_expunge_sort_thread()
    {
        var (_, M) = WithInbox(Message("k1"), Message("k2"), Message("k3"));
        using var __ = M;
        M.create("Kept");
        M.select();
        M.store("1", "+FLAGS.SILENT", @"(\Deleted)");
        M.expunge();   // UIDs 2 and 3 are now messages 1 and 2

        var (typ, data) = M.fetch("3", "(FLAGS)", uid: true);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.StartWith("2 (").And.Contain("UID 3"));
        (typ, data) = M.FETCH(new[] { 2, 3 }, new[] { "UID", "RFC822.SIZE" }, uid: true);
        Assert.That(Texts(data), Is.EqualTo(new[] { $"1 (UID 2 RFC822.SIZE {Message("k2").Length})", $"2 (UID 3 RFC822.SIZE {Message("k3").Length})" }));

        (typ, data) = M.store("2", "+FLAGS", @"(\Seen)", uid: true);
        Assert.That(Text(data[0]), Does.StartWith("1 (").And.Contain("UID 2"));
        Assert.That(FlagsOf(M, "1"), Does.Contain(@"\Seen"));

        (typ, data) = M.copy((2, 3), "Kept", uid: true);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[0]), Does.Match(@"^\[COPYUID \d+ 2:3 1:2\] Copy completed"));
        Assert.That(Status(M, "Kept"), Is.EqualTo("Kept (MESSAGES 2)"));

        Assert.That(M.sort("(REVERSE SUBJECT)", "UTF-8", true, "ALL").data, Is.EqualTo(new[] { ImapItem.FromString("3 2") }));
        Assert.That(M.thread("ORDEREDSUBJECT", "UTF-8", true, "ALL").data, Is.EqualTo(new[] { ImapItem.FromString("(2)(3)") }));

        M.store("1:2", "+FLAGS.SILENT", @"(\Deleted)");
        (typ, data) = M.expunge("3", uid: true);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("2") }), "UID EXPUNGE 3 removed message 2 only");
        Assert.That(M.search(null, "ALL").data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        Assert.Throws<IMAP4.error>(() => M.expunge("1"), "a message set needs uid: true");
        Assert.Throws<IMAP4.error>(() => M.expunge(uid: true), "UID EXPUNGE needs a message set");
    }

    [Test]
    public void Id_exchanges_identification()
    {
        var account = Dovecot.NewAccount();
        using var M = Anonymous();
        var (typ, data) = M.id(new Dictionary<string, string?> { ["name"] = "ImapLib tests", ["version"] = null });
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data, Is.EqualTo(new[] { ImapItem.FromString("(\"name\" \"Dovecot\")") }));
        M.login(account.User, account.Password);
        Assert.That(M.id().data, Is.EqualTo(new[] { ImapItem.FromString("(\"name\" \"Dovecot\")") }));
    }

    [Test]
    public void Login_plain_with_a_non_ASCII_password()
    {
        const string password = "pässwörd \"x\" \\";
        var account = Dovecot.NewAccount(password);
        using var M = Anonymous();
        var (typ, data) = M.login_plain(account.User, password);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(Text(data[^1]), Does.EndWith("Logged in"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        using var wrong = Anonymous();
        Assert.Throws<IMAP4.error>(() => wrong.login_plain(account.User, "passwort"));
        Assert.Throws<ArgumentException>(() => wrong.login_plain(account.User, "nul\0byte"));
    }

    [Test]
    public void Idle_yields_what_another_session_causes()
    {
        var account = Dovecot.NewAccount();
        using var M = account.Connect();
        M.select();
        List<ImapResult> seen;
        using (var idler = M.idle(duration: 5).__enter__())
        {
            Assert.That(M.state, Is.EqualTo("IDLING"));
            using (var other = account.Connect())
                other.append("INBOX", null, null, Message("while idling"));
            seen = idler.burst().ToList();
        }
        Assert.That(M.state, Is.EqualTo("SELECTED"));
        Assert.That(seen.Select(r => r.typ), Does.Contain("EXISTS"));
        Assert.That(seen.First(r => r.typ == "EXISTS").data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        // After DONE the connection is in step again.
        Assert.That(M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])").data[0]!.Body.decode(), Is.EqualTo("Subject: while idling\r\n\r\n"));
    }

    [Test]
    public void Starttls_then_login()
    {
        var account = Dovecot.NewAccount();
        using var M = Anonymous();
        Assert.That(M.capabilities, Does.Contain("STARTTLS"));
        var (typ, _) = M.starttls(ssl.create_default_context(cafile: Dovecot.Server.CaFile));
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(M.capabilities, Does.Not.Contain("STARTTLS"), "capabilities re-read inside TLS");
        M.login(account.User, account.Password);
        Assert.That(LogHas($"Login: user=<{account.User}>", ", TLS,"), Is.True, "Dovecot saw the login inside TLS");
        Assert.That(M.select().data, Is.EqualTo(new[] { ImapItem.FromString("0") }));
        Assert.Throws<IMAP4.abort>(() => M.starttls(), "TLS is already on");
    }

    [Test]
    public void Append_without_line_ending_translation_sends_the_bytes_as_given()
    {
        var (_, M) = WithInbox();
        using var __ = M;
        byte[] exact = Utf8("Subject: exact\r\n\r\nline one\r\nline two\r\n");
        Assert.That(M.append("INBOX", null, null, exact, translate_line_endings: false).typ, Is.EqualTo("OK"));
        M.select();
        Assert.That(M.fetch("1", "(RFC822)").data[0]!.Body, Is.EqualTo(exact));
    }

    // ---- IMAP4_stream (preauthenticated stdio) ---------------------------------------------------------------

    [Test]
    public void Stream_connection_to_a_preauthenticated_Dovecot()
    {
        var account = Dovecot.NewAccount();
        using (var setup = account.Connect())
            setup.append("INBOX", null, null, Message("over stdio"));
        using var M = new IMAP4_stream(Dovecot.StdioCommand(account.User), timeout: 10);
        Assert.That(M.state, Is.EqualTo("AUTH"));
        Assert.That(Encoding.ASCII.GetString(M.welcome!), Does.StartWith("* PREAUTH"));
        Assert.That(M.select().data, Is.EqualTo(new[] { ImapItem.FromString("1") }));
        Assert.That(M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])").data[0]!.Body.decode(), Is.EqualTo("Subject: over stdio\r\n\r\n"));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));
        Assert.That(M.process, Is.Null, "the child was reaped");
    }
}
