using System.Text;
using ImapLib.Fuzzing;

namespace ImapLib.Fuzz.Guided;

/// <summary>
/// Target 2, the argument encoder: the input chooses commands and their arguments (text from UTF-8, from raw UTF-16
/// with unpaired surrogates, or from Latin-1; byte strings; structured sequence sets of numbers, pairs and ranges;
/// <c>params</c> placeholders <c>?</c>, <c>?f</c>, <c>?s</c>), with or without LITERAL+ and UTF8=ACCEPT. Each call
/// must either be refused (<see cref="ArgumentException"/> or <see cref="IMAP4.error"/>) with nothing sent, or send
/// one command that <see cref="StrictCommandParser"/> (RFC 3501's grammar, independent of ImapLib) reads, whose
/// arguments are the values given: a mailbox name decodes (modified UTF-7, RFC 3501 section 5.1.3, decoded by
/// <see cref="MailboxNames"/>) to the text given, a string or byte string is its bytes, a sequence set denotes the
/// same numbers.
/// </summary>
public sealed class EncoderTarget() : FuzzTarget("encoder",
    "argument encoding, read back by an independent strict RFC 3501 parser")
{
    private const int Operations = 13;

    public override void Run(byte[] input)
    {
        var data = new Input(input);
        byte options = data.Byte();
        bool literalPlus = (options & 1) != 0, utf8 = (options & 2) != 0;
        var server = new StrictServer(literalPlus, utf8);
        using var M = new InMemoryIMAP4(server);
        var user = data.Value();
        var password = data.Value();
        if (!Call(server, M, () => M.login(user.Arg, password.Arg), () => Expect(server, "LOGIN", Astring(user, utf8), Exact(password, utf8))))
            M.login("fuzz", "pass");
        if (utf8) M.enable("UTF8=ACCEPT");
        M.select("INBOX");
        for (int n = 0; n < 8 && !data.End; n++) Operation(data, server, M, utf8);
    }

    private static void Operation(Input data, StrictServer server, IMAP4 M, bool utf8)
    {
        int op = data.Byte() % Operations;
        var a = data.Value();
        switch (op)
        {
            case 0: Call(server, M, () => M.select(a.Arg), () => Expect(server, "SELECT", Mailbox(a, utf8))); break;
            case 1: Call(server, M, () => M.create(a.Arg), () => Expect(server, "CREATE", Mailbox(a, utf8))); break;
            case 2:
                var b = data.Value();
                Call(server, M, () => M.rename(a.Arg, b.Arg), () => Expect(server, "RENAME", Mailbox(a, utf8), Mailbox(b, utf8)));
                break;
            case 3:
                var pattern = data.Value();
                Call(server, M, () => M.list(a.Arg, pattern.Arg), () => Expect(server, "LIST", Mailbox(a, utf8), Mailbox(pattern, utf8)));
                break;
            case 4: Call(server, M, () => M.status(a.Arg, "(MESSAGES)"), () => Expect(server, "STATUS", Mailbox(a, utf8), _ => null)); break;
            case 5: Call(server, M, () => M.subscribe(a.Arg), () => Expect(server, "SUBSCRIBE", Mailbox(a, utf8))); break;
            case 6:
                var set = data.Set();
                Call(server, M, () => M.copy(set.Arg, a.Arg), () => Expect(server, "COPY", SequenceSet(set), Mailbox(a, utf8)));
                break;
            case 7:
                var numbers = data.Set();
                Call(server, M, () => M.fetch(numbers.Arg, "(UID)", uid: true), () => Expect(server, "UID", _ => null, SequenceSet(numbers), _ => null));
                break;
            case 8:
                var flag = data.Value();
                var uids = data.Set();
                object?[] parameters = [a.Object, flag.Object, uids.Items];
                Call(server, M, () => M.search(null, "TEXT ? KEYWORD ?f UID ?s", parameters),
                    () => Expect(server, "SEARCH", _ => null, Parameter(a, utf8), _ => null, Exact(flag, utf8), _ => null, SequenceSet(uids)));
                break;
            case 9:
                byte[] message = data.Bytes();
                if (a.Text is { Length: 0 } || a.Bytes is { Length: 0 }) break;   // an empty mailbox is INBOX, as in CPython
                Func<Token, string?> literal = token => token is Token.Str { Literal: true } s && s.Bytes.AsSpan().SequenceEqual(message) ? null : "the message literal differs";
                // After ENABLE UTF8=ACCEPT the message goes as UTF8 (~{n}) (RFC 6855).
                Call(server, M, () => M.append(a.Arg, null, null, message, translate_line_endings: false), () =>
                {
                    if (utf8) Expect(server, "APPEND", Mailbox(a, utf8), token => token is Token.Atom { Bytes: [(byte)'U', (byte)'T', (byte)'F', (byte)'8'] } ? null : "UTF8 expected", token => token is Token.List { Items: [var only] } ? literal(only) : "(literal8) expected");
                    else Expect(server, "APPEND", Mailbox(a, utf8), literal);
                });
                break;
            case 10:
                var who = data.Value();
                var rights = data.Value();
                Call(server, M, () => M.setacl(a.Arg, who.Arg, rights.Arg), () => Expect(server, "SETACL", Mailbox(a, utf8), Astring(who, utf8), Astring(rights, utf8)));
                break;
            case 11:
                var moved = data.Set();
                Call(server, M, () => M.uid("MOVE", moved.Arg, a.Arg), () => Expect(server, "UID", _ => null, SequenceSet(moved), Mailbox(a, utf8)));
                break;
            default:
                Call(server, M, () => M.getquotaroot(a.Arg), () => Expect(server, "GETQUOTAROOT", Mailbox(a, utf8)));
                break;
        }
    }

    /// <summary>Runs a call: refused with nothing sent, or sent and <paramref name="check"/>ed. False when refused.</summary>
    private static bool Call(StrictServer server, IMAP4 M, Action call, Action check)
    {
        long before = server.Written.Length;
        server.Last = null;
        try
        {
            call();
        }
        catch (Exception e) when (e is ArgumentException or IMAP4.error)
        {
            if (server.Violation is { } v) throw new Finding(v);
            if (e is IMAP4.abort) throw;
            if (server.Written.Length != before)
                throw new Finding($"refused ({e.Message}) after sending {Results.Escape(server.Written.ToArray().AsSpan((int)before))}");
            return false;
        }
        if (server.Violation is { } violation) throw new Finding(violation);
        check();
        return true;
    }

    private static void Expect(StrictServer server, string name, params Func<Token, string?>[] args)
    {
        var command = server.Last ?? throw new Finding($"{name}: the call returned without a complete command on the wire");
        string sent = Results.Escape(command.Bytes);
        if (!command.Parsed.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            throw new Finding($"sent {command.Parsed.Name}, not {name}: {sent}");
        if (command.Parsed.Args.Count != args.Length)
            throw new Finding($"{name}: {command.Parsed.Args.Count} arguments on the wire, {args.Length} expected: {sent}");
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i](command.Parsed.Args[i]) is { } problem) throw new Finding($"{name} argument {i + 1}: {problem}: {sent}");
        }
    }

    /// <summary>A mailbox name: text is read back through modified UTF-7 (or UTF-8 once enabled); bytes exactly.
    /// A value that already is a quoted string or valid modified UTF-7 is sent as it is (CPython's rule), so its
    /// unquoted or encoded reading is the value too.</summary>
    private static Func<Token, string?> Mailbox(Value value, bool utf8) => token =>
    {
        if (token.Value is not { } wire) return "a list where a mailbox name goes";
        if (value.Text is not { } text || utf8) return Astring(value, utf8)(token);
        if (MailboxNames.Decode(wire) == text) return null;
        if (MailboxNames.Decode(Encoding.ASCII.GetBytes(text)) is not null && wire.AsSpan().SequenceEqual(Encoding.ASCII.GetBytes(text))) return null;
        // Text that is a quoted string once encoded goes as that string (CPython's rule): its quotes are syntax.
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"' && MailboxNames.Decode(wire) is { } read && read == text[1..^1].Replace("\\\"", "\"").Replace("\\\\", "\\")) return null;
        return $"the name {PyRepr.repr(text)} came back as {PyRepr.repr(wire)}";
    };

    /// <summary>An astring: the value's bytes (text as ASCII, or UTF-8 once enabled), or, for a value that already is
    /// a quoted string, what it quotes.</summary>
    private static Func<Token, string?> Astring(Value value, bool utf8) => token =>
    {
        if (token.Value is not { } wire) return "a list where a string goes";
        var given = value.Encoded(utf8);
        if (wire.AsSpan().SequenceEqual(given)) return null;
        if (Unquoted(given) is { } inner && wire.AsSpan().SequenceEqual(inner)) return null;
        return $"{PyRepr.repr(given)} came back as {PyRepr.repr(wire)}";
    };

    /// <summary>Exactly the value's bytes (LOGIN's password is always quoted; a flag is sent verbatim).</summary>
    private static Func<Token, string?> Exact(Value value, bool utf8) => token =>
        token.Value is { } wire && wire.AsSpan().SequenceEqual(value.Encoded(utf8)) ? null
            : $"{PyRepr.repr(value.Encoded(utf8))} came back as {(token.Value is { } w ? PyRepr.repr(w) : "a list")}";

    /// <summary>A <c>?</c> parameter: text, a byte string read as UTF-8, or a number.</summary>
    private static Func<Token, string?> Parameter(Value value, bool utf8) => token =>
        value.Number is { } n ? (token is Token.Atom a && Encoding.ASCII.GetString(a.Bytes) == n.ToString(System.Globalization.CultureInfo.InvariantCulture) ? null : $"the number {n} came back as {token}")
            : Astring(value, utf8)(token);

    private static Func<Token, string?> SequenceSet(SetValue set) => token =>
    {
        if (token is not Token.Atom atom) return $"a sequence set sent as {token}";
        var read = Sets.Parse(atom.Bytes);
        if (read is null) return $"{PyRepr.repr(atom.Bytes)} is not an RFC 3501 sequence-set (nz-number is 32-bit)";
        return Sets.Same(read, set.Intervals) ? null : $"{PyRepr.repr(atom.Bytes)} denotes other numbers than {set}";
    };

    /// <summary>What a well-formed quoted string quotes (only \" and \\ escaped), or null.</summary>
    private static byte[]? Unquoted(byte[] value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"') return null;
        var inner = new List<byte>();
        for (int i = 1; i < value.Length - 1; i++)
        {
            if (value[i] == '"') return null;
            if (value[i] == '\\')
            {
                if (++i >= value.Length - 1 || value[i] is not ((byte)'"' or (byte)'\\')) return null;
            }
            inner.Add(value[i]);
        }
        return [.. inner];
    }

    /// <summary>A login, a select and one instance of each operation, with plain values, LITERAL+ and UTF-8 both
    /// ways; then the same with awkward values (quotes, backslashes, 8-bit, non-ASCII text, big numbers).</summary>
    public override IEnumerable<(string name, byte[] input)> Seeds(string repository)
    {
        for (int options = 0; options < 4; options++)
        {
            for (int op = 0; op < Operations; op++)
            {
                yield return ($"op{op}-options{options}-plain", [(byte)options, .. Text("user"), .. Text("secret"), (byte)op, .. Text("Archive/2024"), .. Text("Other"), .. Text("x"), .. SetSeed(7, 9), .. Text("body")]);
                yield return ($"op{op}-options{options}-awkward", [(byte)options, .. Latin1("us\"er"), .. Utf16("pä\\ss"), (byte)op, .. Utf16("Entwürfe & \"Q\""), .. RawBytes("a\u00e9b"), .. Text("\\Seen"), .. SetSeed(4_000_000_000, 3), .. Text("x\ty")]);
            }
        }
    }

    private static byte[] Text(string s) => [0, (byte)Encoding.UTF8.GetByteCount(s), .. Encoding.UTF8.GetBytes(s)];
    private static byte[] Utf16(string s) => [1, (byte)s.Length, .. Encoding.Unicode.GetBytes(s)];
    private static byte[] RawBytes(string s) => [2, (byte)s.Length, .. Encoding.Latin1.GetBytes(s)];
    private static byte[] Latin1(string s) => [3, (byte)s.Length, .. Encoding.Latin1.GetBytes(s)];
    private static byte[] SetSeed(long first, long last) => [0, 1, .. BitConverter.GetBytes((uint)first), .. BitConverter.GetBytes((uint)last)];
}
