using System.Reflection;
using System.Text;
using ImapLib.Fuzzing;
using ImapLib.Tests.Support;

namespace ImapLib.Tests.Hostile;

/// <summary>
/// Issue 7, "bad arguments" and limits: NUL, CR and LF in any argument of any public command are refused before a
/// byte is sent (mailbox names given as text are encoded to modified UTF-7 instead, so no raw control byte reaches the
/// wire); a literal announced larger than sent aborts without allocating its size; a line over the limit is an error;
/// 100,000 nested parentheses are stored as bytes; plaintext injected after STARTTLS's OK is discarded.
/// </summary>
[NonParallelizable]
public class InjectionAndLimitTests
{
    private const string Caps = "IMAP4rev1 ENABLE IDLE AUTH=PLAIN AUTH=CRAM-MD5 UIDPLUS MOVE ID NAMESPACE QUOTA ACL SORT THREAD=REFERENCES";

    /// <summary>Transport hooks and local helpers: they take no command arguments.</summary>
    private static readonly HashSet<string> NotCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "open", "read", "readline", "send", "shutdown", "socket", "Dispose", "print_log", "_mesg", "response", "idle", "starttls",
        // CPython's internals that take no argument to send (_command and _simple_command are checked).
        "_dump_ur", "_new_tag", "_get_response", "_get_tagged_response", "_check_bye", "_command_complete", "_untagged_response",
        "compress",   // takes no argument
    };

    private static readonly HashSet<string> MailboxNames = ["mailbox", "new_mailbox", "oldmailbox", "newmailbox", "directory", "pattern"];

    private static readonly string[] BadTexts = ["a\0b", "a\rb", "a\nb", "x\r\nA999 LOGOUT"];

    private static ScriptedIMAP4 Connection(string state)
    {
        string greeting = state == "NONAUTH" ? $"* OK [CAPABILITY {Caps}] hi\r\n" : $"* PREAUTH [CAPABILITY {Caps}] hi\r\n";
        var M = new ScriptedIMAP4(greeting, ScriptedIMAP4.ByCommand(c => c switch
        {
            { IsContinuationAnswer: true } => "{tag} OK done\r\n",
            { Name: "AUTHENTICATE" } => "+ PDEyMzQ+\r\n",
            { Name: "CAPABILITY" } => $"* CAPABILITY {Caps}\r\n{{tag}} OK done\r\n",
            { Name: "APPEND", Literal: null } => "+ go\r\n",
            { Name: "SELECT" or "EXAMINE" } => "* 1 EXISTS\r\n{tag} OK [READ-WRITE] done\r\n",
            { Name: "LOGOUT" } => "* BYE bye\r\n{tag} OK done\r\n",
            _ => "{tag} OK done\r\n",
        }));
        if (state == "SELECTED") M.select("INBOX");
        return M;
    }

    private static string StateFor(MethodInfo method)
    {
        string name = method.Name.ToUpperInvariant();
        if (name is "LOGIN_PLAIN" or "LOGIN_CRAM_MD5" or "AUTHENTICATE" or "LOGIN") return "NONAUTH";
        if (imaplib.Commands.TryGetValue(name, out var states))
            return states.Contains("SELECTED") ? "SELECTED" : states.Contains("AUTH") ? "AUTH" : "NONAUTH";
        return "SELECTED";
    }

    /// <summary>A harmless value for a parameter, chosen by type and name.</summary>
    private static object? Benign(MethodInfo method, ParameterInfo p)
    {
        var type = p.ParameterType;
        string name = p.Name!;
        bool hasParams = method.GetParameters().Any(q => q.Name == "params");
        if (type == typeof(bool)) return name == "uid" || (p.HasDefaultValue && (bool)p.DefaultValue!);
        if (type == typeof(string))
        {
            return name switch
            {
                "command" => "FETCH",
                "mechanism" => "PLAIN",
                "capability" => "CONDSTORE",
                "name" when method.Name is "_command" or "_simple_command" => "NOOP",
                "name" => "XFOO",
                "charset" => null,
                _ when hasParams => "X ?",
                _ => "value",
            };
        }
        if (type == typeof(ImapArg) || type == typeof(ImapArg?))
        {
            ImapArg value = name switch
            {
                _ when MailboxNames.Contains(name) => "INBOX",
                "message_set" or "message_num" or "start" or "length" => "1",
                "flags" => "(\\Seen)",
                "command" => "+FLAGS",
                "message_parts" or "message_part" => "(FLAGS)",
                "names" => "(MESSAGES)",
                "sort_criteria" => "(DATE)",
                "threading_algorithm" => "REFERENCES",
                "limits" => "(STORAGE 10)",
                _ => "value",
            };
            return value;
        }
        if (type == typeof(ImapArg?[]))
        {
            if (method.Name.Equals("uid", StringComparison.OrdinalIgnoreCase)) return new ImapArg?[] { "1", "(FLAGS)" };
            return new ImapArg?[] { "ALL" };
        }
        if (type == typeof(object?[])) return new object?[] { "x" };
        if (type == typeof(List<object?>)) return new List<object?>();   // uid(..., params): the arguments hold no placeholder
        if (type == typeof(object)) return null;   // date_time
        if (type == typeof(byte[])) return "hello"u8.ToArray();
        if (type == typeof(Func<byte[], byte[]?>)) return (Func<byte[], byte[]?>)(_ => "\0user\0pass"u8.ToArray());
        if (type == typeof(Func<byte[], string?>)) return (Func<byte[], string?>)(_ => "response");
        if (type == typeof(IEnumerable<KeyValuePair<string, string?>>)) return new[] { new KeyValuePair<string, string?>("name", "imaplib") };
        if (type == typeof(Func<byte[], Stream>)) return (Func<byte[], Stream>)(_ => Stream.Null);
        if (p.HasDefaultValue) return p.DefaultValue;
        throw new InvalidOperationException($"no benign value for {method.Name}({type.Name} {name})");
    }

    /// <summary>The hostile values for a parameter: each holds NUL, CR or LF somewhere.</summary>
    private static IEnumerable<(string label, object? value)> Hostile(ParameterInfo p)
    {
        var type = p.ParameterType;
        foreach (string bad in BadTexts)
        {
            byte[] bytes = Encoding.Latin1.GetBytes(bad);
            string shown = Results.Escape(bytes);
            if (type == typeof(string)) yield return ($"\"{shown}\"", bad);
            else if (type == typeof(ImapArg) || type == typeof(ImapArg?))
            {
                yield return ($"\"{shown}\"", (ImapArg)bad);
                yield return ($"bytes \"{shown}\"", (ImapArg)bytes);
                yield return ($"sequence [1, \"{shown}\"]", (ImapArg)new object?[] { "1", bad });
            }
            else if (type == typeof(ImapArg?[]))
            {
                yield return ($"[\"{shown}\"]", new ImapArg?[] { bad });
                yield return ($"[1, bytes \"{shown}\"]", new ImapArg?[] { "1", bytes });
            }
            else if (type == typeof(object?[]))
            {
                yield return ($"params [\"{shown}\"]", new object?[] { bad });
                yield return ($"params [bytes \"{shown}\"]", new object?[] { bytes });
                yield return ($"params [[\"{shown}\"]]", new object?[] { new object?[] { bad } });
            }
            else if (type == typeof(object))
            {
                yield return ($"date \"{shown}\"", "\"01-Jan-2020 00:00:00 +0000" + bad + "\"");
            }
            else if (type == typeof(IEnumerable<KeyValuePair<string, string?>>))
            {
                yield return ($"field name \"{shown}\"", new[] { new KeyValuePair<string, string?>(bad, "v") });
                yield return ($"field value \"{shown}\"", new[] { new KeyValuePair<string, string?>("name", bad) });
            }
        }
    }

    /// <summary>True when the argument is encoded rather than sent as it is: a mailbox given as text (modified UTF-7)
    /// or a SASL login whose credentials travel in base64.</summary>
    private static bool Encoded(MethodInfo method, ParameterInfo p, object? value) =>
        method.Name.ToUpperInvariant() is "LOGIN_PLAIN" or "LOGIN_CRAM_MD5"
        || (MailboxNames.Contains(p.Name!) && value is ImapArg arg && arg.ToString() is var text && BadTexts.Contains(text) && arg.IsText);

    private static Exception? Invoke(MethodInfo method, IMAP4 M, object?[] args)
    {
        try
        {
            method.Invoke(M, args);
            return null;
        }
        catch (TargetInvocationException e)
        {
            return e.InnerException;
        }
    }

    /// <summary>The raw control bytes in what was sent, other than the CRLF that ends each line.</summary>
    private static string? RawControl(IEnumerable<byte[]> sent)
    {
        foreach (var chunk in sent)
        {
            var body = chunk.AsSpan();
            if (body.EndsWith("\r\n"u8)) body = body[..^2];
            int bad = body.IndexOfAny((byte)0, (byte)'\r', (byte)'\n');
            if (bad >= 0) return Results.Escape(chunk);
        }
        return null;
    }

    public static IEnumerable<MethodInfo> Commands() =>
        typeof(IMAP4).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && !NotCommands.Contains(m.Name))
            .OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.GetParameters().Length);

    [Test]
    public void Every_public_command_refuses_NUL_CR_LF_in_every_text_argument_before_sending_anything()
    {
        var failures = new List<string>();
        int methods = 0, checks = 0, encodedChecks = 0;
        foreach (var method in Commands())
        {
            var parameters = method.GetParameters();
            string signature = $"{method.Name}({string.Join(", ", parameters.Select(p => p.Name))})";
            object?[] benign;
            try { benign = parameters.Select(p => Benign(method, p)).ToArray(); }
            catch (InvalidOperationException e) { failures.Add(e.Message); continue; }
            string state = StateFor(method);

            // The harmless call works: so a refusal below is the hostile value's doing.
            var sane = Connection(state);
            if (Invoke(method, sane, benign) is { } failed)
                failures.Add($"{signature} with harmless arguments threw {failed.GetType().Name}: {failed.Message}");
            methods++;

            for (int i = 0; i < parameters.Length; i++)
            {
                foreach (var (label, value) in Hostile(parameters[i]))
                {
                    var args = (object?[])benign.Clone();
                    args[i] = value;
                    var M = Connection(state);
                    int before = M.Sent.Count;
                    var thrown = Invoke(method, M, args);
                    var sent = M.Sent.Skip(before).ToList();
                    string what = $"{signature} with {parameters[i].Name} = {label}";
                    if (Encoded(method, parameters[i], value))
                    {
                        encodedChecks++;
                        if (thrown is not null and not ArgumentException and not IMAP4.error)
                            failures.Add($"{what}: threw {thrown.GetType().Name}: {thrown.Message}");
                        if (RawControl(sent) is { } raw)
                            failures.Add($"{what}: a raw control byte reached the wire: \"{raw}\"");
                        continue;
                    }
                    checks++;
                    // uid(), _command() and _simple_command() look the command name up in the command table first:
                    // an unknown name (and one holding a control byte is unknown) is IMAP4.error, before anything is sent.
                    bool unknownUidCommand = thrown is IMAP4.error && (method.Name is "uid" or "UID" && parameters[i].Name == "command"
                        || method.Name is "_command" or "_simple_command" && parameters[i].Name == "name");
                    if (thrown is not ArgumentException && !unknownUidCommand)
                        failures.Add($"{what}: expected ArgumentException, got {(thrown is null ? "no exception" : thrown.GetType().Name + ": " + thrown.Message)}");
                    if (sent.Count > 0)
                        failures.Add($"{what}: sent \"{Results.Escape(sent.SelectMany(b => b).ToArray())}\"");
                }
            }
        }
        // xatom() files unknown names in the global command table even when they are refused: take them out again.
        foreach (var junk in imaplib.Commands.Keys.Where(k => k.AsSpan().IndexOfAny('\0', '\r', '\n') >= 0).ToList())
        {
            imaplib.Commands.TryRemove(junk, out _);
            failures.Add($"the global command table kept the refused name \"{Results.Escape(Encoding.Latin1.GetBytes(junk))}\"");
        }
        TestContext.Out.WriteLine($"{methods} public methods, {checks} refusals and {encodedChecks} encodings checked");
        Assert.That(methods, Is.GreaterThan(80), "lower- and upper-case commands found by reflection");
        Assert.That(checks, Is.GreaterThan(1000));
        Assert.That(failures, Is.Empty, () => string.Join("\n", failures));
    }

    [Test]
    public void Xatom_refuses_a_command_name_that_smuggles_a_second_command()
    {
        var M = Connection("SELECTED");
        int before = M.Sent.Count;
        string name = "XNOOP\r\nA999 DELETE INBOX";
        Exception? thrown = null;
        try { M.xatom(name); }
        catch (Exception e) { thrown = e; }
        string sent = string.Concat(M.Sent.Skip(before).Select(Encoding.Latin1.GetString));
        imaplib.Commands.TryRemove(name.ToUpperInvariant(), out _);
        Assert.That(sent, Is.Empty, "nothing may be sent");
        Assert.That(thrown, Is.InstanceOf<ArgumentException>());
    }

    [Test]
    public void Mailbox_names_given_as_text_are_encoded_so_no_control_byte_reaches_the_wire()
    {
        var M = Connection("SELECTED");
        int before = M.Sent.Count;
        M.create("evil\r\nA999 LOGOUT\0");
        string sent = string.Concat(M.Sent.Skip(before).Select(Encoding.Latin1.GetString));
        Assert.That(sent, Does.Match("^[A-P]{4}\\d+ CREATE \"evil&AA0ACg-A999 LOGOUT&AAA-\"\r\n$"));
        // The same bytes given as bytes are refused: they are sent as they are, so they must be clean.
        Assert.Throws<ArgumentException>(() => M.create(Encoding.ASCII.GetBytes("evil\r\nA999 LOGOUT")));
    }

    // ---- Literals and lines that lie ------------------------------------------------------------------------

    [TestCase("2000000000")]
    [TestCase("2147483591")]
    public void A_literal_announced_far_larger_than_sent_aborts_without_allocating_its_size(string size)
    {
        var M = Scripted.Selected($"* 1 FETCH (BODY[] {{{size}}}\r\nonly a few bytes");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<IMAP4.abort>(() => M.fetch("1", "(BODY[])"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        TestContext.Out.WriteLine($"{e!.Message}; allocated {allocated / 1024 / 1024} MB for an announced {long.Parse(size) / 1024 / 1024} MB");
        Assert.That(e.Message, Does.Contain("EOF"));
        Assert.That(allocated, Is.LessThan(40L * 1024 * 1024), "at most the reader's first chunk, not the announced size");
    }

    [TestCase("99999999999999999999")]
    [TestCase("2147483648")]
    [TestCase("9223372036854775807")]
    public void A_literal_larger_than_any_array_is_refused_before_reading(string size)
    {
        var M = Scripted.Selected($"* 1 FETCH (BODY[] {{{size}}}\r\nabc)\r\n");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<IMAP4.abort>(() => M.fetch("1", "(BODY[])"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1024 * 1024));
        Assert.That(e!.Message, Does.Contain("larger than this client accepts"));
    }

    [Test]
    public void A_literal_announced_larger_than_sent_over_a_real_socket_aborts_when_the_server_closes()
    {
        using var server = new FakeServer(s =>
        {
            s.Line("* OK [CAPABILITY IMAP4rev1] hi");
            var login = s.Expect("LOGIN");
            s.Line($"{login.Tag} OK [CAPABILITY IMAP4rev1] in");
            var select = s.Expect("SELECT");
            s.Line($"* 1 EXISTS\r\n{select.Tag} OK done");
            s.Expect("FETCH");
            s.Send("* 1 FETCH (BODY[] {1500000000}\r\nabc");
        });
        using var M = Fake.Connect(server);
        M.login("u", "p");
        M.select("INBOX");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<IMAP4.abort>(() => M.fetch("1", "(BODY[])"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(40L * 1024 * 1024));
        Assert.That(e!.Message, Does.Contain("EOF"));
    }

    [TestCase(100_000_000, 1.20)]   // past the trusted size: one growth step, not doubling (2.07 before)
    [TestCase(5_000_000, 1.05)]     // within it: one exact-size array
    public void A_large_literal_allocates_close_to_its_size(int size, double bound)
    {
        var body = new byte[size];
        Random.Shared.NextBytes(body);
        using var server = new FakeServer(s =>
        {
            s.Line("* PREAUTH [CAPABILITY IMAP4rev1] hi");
            var select = s.Next("SELECT");
            s.Line($"* 1 EXISTS\r\n{select.Tag} OK done");
            var fetch = s.Expect("FETCH");
            s.Send($"* 1 FETCH (BODY[] {{{size}}}\r\n");
            s.SendBytes(body);
            s.Line(")");
            s.Line($"{fetch.Tag} OK done");
            s.Logout();
        });
        using var M = Fake.Connect(server);
        M.select("INBOX");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var (typ, data) = M.fetch("1", "(BODY[])");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data[0].Body.AsSpan().SequenceEqual(body), "the literal arrives intact");
        TestContext.Out.WriteLine($"{allocated / (double)size:0.00} x the literal's size allocated");
        Assert.That(allocated, Is.LessThan((long)(size * bound)));
        M.logout();
        server.Join();
    }

    [Test]
    public void A_line_over_the_limit_is_an_error_and_one_at_the_limit_is_accepted()
    {
        // Exactly 1,000,000 bytes with its CRLF: accepted.
        string atLimit = "* OK " + new string('x', imaplib._MAXLINE - 7) + "\r\n";
        Assert.That(atLimit.Length, Is.EqualTo(imaplib._MAXLINE));
        var M = Scripted.Selected(atLimit + $"{FuzzGenerator.T} OK done\r\n");
        Assert.That(M.noop().typ, Is.EqualTo("OK"));

        // One byte more: refused, and the reader never buffers more than the limit (+1) of it.
        string over = "* OK " + new string('x', imaplib._MAXLINE - 6) + "\r\n";
        M = Scripted.Selected(over + $"{FuzzGenerator.T} OK done\r\n");
        var e = Assert.Throws<IMAP4.error>(() => M.noop());
        Assert.That(e!.Message, Does.Contain("got more than 1000000 bytes"));

        // A line that never ends, over a real socket: same error, long before the server stops sending.
        using var server = new FakeServer(s =>
        {
            s.Line("* OK [CAPABILITY IMAP4rev1] hi");
            s.Expect("NOOP");
            var chunk = Encoding.ASCII.GetBytes(new string('y', 64 * 1024));
            try { for (int i = 0; i < 64; i++) s.SendBytes(chunk); }   // 4 MB without LF
            catch (IOException) { }
        });
        using var N = Fake.Connect(server);
        var e2 = Assert.Throws<IMAP4.error>(() => N.noop());
        Assert.That(e2!.Message, Does.Contain("got more than 1000000 bytes"));
    }

    [Test]
    public void A_response_nesting_100000_parentheses_is_stored_as_bytes_without_recursion()
    {
        const int depth = 100_000;
        string nested = new string('(', depth) + new string(')', depth);
        string unbalanced = "(" + new string('(', depth) + "BODY[] {3}";
        (string typ, List<ImapItem?> data)? result = null, second = null;
        Exception? failure = null;
        // A small stack: any recursion over the nesting would overflow it (and kill the test host, failing loudly).
        var thread = new Thread(() =>
        {
            try
            {
                var M = Scripted.Selected(
                    $"* 1 FETCH {nested}\r\n{FuzzGenerator.T} OK done\r\n",
                    $"* 2 FETCH {unbalanced}\r\nabc\r\n\r\n\r\n{new string(')', depth + 1)}\r\n{FuzzGenerator.T} OK done\r\n");
                result = M.fetch("1", "(FLAGS)");
                second = M.fetch("2", "(BODY[])");
            }
            catch (Exception e) { failure = e; }
        }, 256 * 1024);
        thread.Start();
        Assert.That(thread.Join(TimeSpan.FromSeconds(20)), Is.True);
        Assert.That(failure, Is.Null);
        Assert.That(result!.Value.data, Has.Count.EqualTo(1));
        Assert.That(result.Value.data[0]!.Bytes, Is.EqualTo(Encoding.ASCII.GetBytes("1 " + nested)));
        // Inside an open parenthesis, the empty lines after a literal do not end the response.
        Assert.That(second!.Value.data, Has.Count.EqualTo(2));
        Assert.That(second.Value.data[0]!.Body, Is.EqualTo("abc"u8.ToArray()));
        Assert.That(second.Value.data[1]!.Bytes, Is.EqualTo(Encoding.ASCII.GetBytes(new string(')', depth + 1))));
    }

    // ---- STARTTLS ----------------------------------------------------------------------------------------------

    [Test]
    public void Responses_injected_after_the_STARTTLS_OK_are_discarded()
    {
        using var cert = new SelfSigned();
        using var server = new FakeServer(s =>
        {
            s.Line("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] plaintext");
            var starttls = s.Expect("STARTTLS");
            // A man in the middle appends plaintext "responses" to the OK, in the same segment.
            s.Send($"{starttls.Tag} OK Begin TLS negotiation now\r\n* CAPABILITY IMAP4rev1 INJECTED AUTH=PLAIN\r\n" +
                   "* OK [ALERT] injected\r\n* 1 EXISTS\r\n");
            using var tls = cert.ServerHandshake(s.Stream);
            string? line = tls.ReadLine();
            string tag = line!.Split(' ')[0];
            if (!line.Contains(" CAPABILITY")) throw new InvalidOperationException("expected CAPABILITY, got " + line);
            tls.Line("* CAPABILITY IMAP4rev1 AUTH=PLAIN");
            tls.Line($"{tag} OK done");
            line = tls.ReadLine();
            tag = line!.Split(' ')[0];
            tls.Line("* BYE bye");
            tls.Line($"{tag} OK done");
        });
        var M = new IMAP4("localhost", server.Port, timeout: 5);
        var (typ, _) = M.starttls(cert.ClientContext());
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(M.capabilities, Is.EqualTo(new[] { "IMAP4REV1", "AUTH=PLAIN" }));
        Assert.That(M.untagged_responses.Keys, Has.None.EqualTo("ALERT").And.None.EqualTo("EXISTS"));
        Assert.That(string.Join(" ", M.untagged_responses.Values.SelectMany(v => v).Select(v => v?.ToString())), Does.Not.Contain("INJECTED").And.Not.Contain("injected"));
        M.logout();
        server.Join();
    }
}
