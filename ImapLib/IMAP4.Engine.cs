using System.Net.Sockets;
using System.Text;

namespace ImapLib;

// The command engine: sends tagged commands, reads responses line by line (with their literals), files
// untagged data, and completes commands. It follows CPython's imaplib step for step, because what a
// script sees (which responses are kept, when an exception is raised and with what message) is the API.
public partial class IMAP4
{
    private static readonly byte[] CRLF = "\r\n"u8.ToArray();

    private void _connect()
    {
        tagpre = imaplib.Int2AP(Random.Shared.Next(4096, 65536));
        if (debug >= 1)
        {
            _mesg($"imaplib version {imaplib.__version__}");
            _mesg($"new IMAP4 connection, tag={PyRepr.Of(tagpre)}");
        }
        welcome = _get_response();
        if (untagged_responses.ContainsKey("PREAUTH"))
            state = "AUTH";
        else if (untagged_responses.ContainsKey("OK"))
            state = "NONAUTH";
        else
            throw new error("invalid greeting: " + DecodeForMessage(welcome ?? _lastLine));

        _refresh_capabilities();
        if (debug >= 3) _mesg($"CAPABILITIES: {TupleRepr(capabilities)}");
        foreach (var version in imaplib.AllowedVersions)
        {
            if (capabilities.Contains(version))
            {
                PROTOCOL_VERSION = version;
                return;
            }
        }
        throw new error("server not IMAP4 compliant");
    }

    /// <summary>Re-reads the server's capabilities (after connecting, STARTTLS, or authenticating).</summary>
    protected void _get_capabilities()
    {
        var (_, dat) = capability();
        if (dat is [null]) throw new error("no CAPABILITY response from server");
        capabilities = ParseCapabilities(dat[^1]);
    }

    /// <summary>Takes the capabilities from an untagged CAPABILITY (the greeting's or a login's response code)
    /// when the server sent one, and asks with CAPABILITY otherwise.</summary>
    protected void _refresh_capabilities()
    {
        if (untagged_responses.Remove("CAPABILITY", out var announced) && announced.Count > 0)
            capabilities = ParseCapabilities(announced[^1]);
        else
            _get_capabilities();
    }

    /// <summary>The capability names of a CAPABILITY response (or code), upper-cased as Python does.</summary>
    private string[] ParseCapabilities(ImapItem? response) =>
        DecodeForMessage(TextOf(response)).ToUpperInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Raises Python's "illegal in state" error unless <paramref name="name"/> is legal now.</summary>
    private void CheckState(string name)
    {
        if (!imaplib.Commands.TryGetValue(name, out var states) || !states.Contains(state))
            throw new error($"command {name} illegal in state {state}, only allowed in states {string.Join(", ", states ?? [])}");
    }

    // ---- Sending ------------------------------------------------------------------------------------------

    /// <summary>
    /// Sends one command. Arguments are already encoded and checked (null ones are left out, as Python
    /// leaves out None). A <paramref name="literal"/> is announced at the end of the line and sent after the
    /// server's continuation; a <paramref name="literator"/> answers each continuation (AUTHENTICATE).
    /// Returns the tag. <paramref name="secretArg"/> is the index of an argument that the log must not show.
    /// </summary>
    private string _command(string name, IReadOnlyList<byte[]?> args, byte[]? literal = null,
        Func<byte[]?, byte[]>? literator = null, int secretArg = -1)
    {
        CheckState(name);

        foreach (var typ in (ReadOnlySpan<string>)["OK", "NO", "BAD"])
            untagged_responses.Remove(typ);
        if (untagged_responses.ContainsKey("READ-ONLY") && !is_readonly)
            throw new @readonly("mailbox status changed to READ-ONLY");

        string tag = _new_tag();
        // After ENABLE UTF8=ACCEPT an APPEND literal is sent in RFC 6855's form: UTF8 (~{n}...).
        bool utf8Literal = literal is not null && utf8_enabled;
        byte[] trailer = utf8Literal ? ")\r\n"u8.ToArray() : CRLF;
        // With LITERAL+ (RFC 7888) the literal follows at once: no round trip waiting for "+".
        bool nonSynchronizing = literal is not null && UseLiteralPlus && capabilities.Contains("LITERAL+");
        byte[] head = Encoding.ASCII.GetBytes(tag + " " + name);
        byte[] announcement = literal is null ? []
            : Encoding.ASCII.GetBytes($"{(utf8Literal ? " UTF8 (~" : " ")}{{{literal.Length}{(nonSynchronizing ? "+" : "")}}}");
        int lineLength = head.Length + announcement.Length;
        foreach (var arg in args) lineLength += arg is null ? 0 : 1 + arg.Length;
        var wire = new byte[lineLength + CRLF.Length];
        var writer = new SpanWriter(wire);
        writer.Put(head);
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] is not { } arg) continue;
            writer.Put(" "u8);
            writer.Put(arg);
        }
        writer.Put(announcement);
        writer.Put(CRLF);

        Trace(new LogEntry("> ", secretArg < 0 ? wire : Redacted(head, args, secretArg, announcement), secretArg < 0 ? lineLength : -1));
        Transmit(wire);
        if (literal is null && literator is null) return tag;
        if (nonSynchronizing)
        {
            // The literal and its trailer are separate writes, as Python sends them (send hooks see the same calls).
            if (debug >= 4) _mesg($"write literal size {literal!.Length}");
            Transmit(literal!);
            Transmit(trailer);
            return tag;
        }

        while (true)
        {
            // Wait for the continuation request; a tagged reply instead (NO/BAD) ends the command.
            while (_get_response() is not null)
            {
                if (tagged_commands[tag] is not null) return tag;
            }
            if (literator is not null)
            {
                try
                {
                    literal = literator(continuation_response);
                }
                catch (Exception e) when (e is not abort)
                {
                    // The callback gave up (e.g. a SCRAM server failed its proof): cancel the exchange with "*"
                    // and collect the tagged reply, so the connection stays in step, then report the failure.
                    CancelExchange(tag);
                    throw;
                }
            }
            if (debug >= 4) _mesg($"write literal size {literal!.Length}");
            Transmit(literal!);
            Transmit(literator is null ? trailer : CRLF);
            if (literator is null) return tag;
        }
    }

    /// <summary>Cancels an AUTHENTICATE exchange and reads up to its tagged reply, which is discarded.</summary>
    private void CancelExchange(string tag)
    {
        Transmit("*\r\n"u8.ToArray());
        while (tagged_commands[tag] is null)
        {
            if (_get_response() is null) Transmit("*\r\n"u8.ToArray());   // another challenge: cancel again
        }
        tagged_commands.Remove(tag);
    }

    /// <summary>The command line as the log shows it: the secret argument replaced by <c>***</c>.</summary>
    private static byte[] Redacted(byte[] head, IReadOnlyList<byte[]?> args, int secretArg, byte[] announcement)
    {
        var shown = new List<byte>(head);
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] is not { } arg) continue;
            shown.Add((byte)' ');
            shown.AddRange(i == secretArg ? "***"u8.ToArray() : arg);
        }
        shown.AddRange(announcement);
        return shown.ToArray();
    }

    /// <summary>Fills a byte array front to back.</summary>
    private ref struct SpanWriter(Span<byte> target)
    {
        private readonly Span<byte> _target = target;
        private int _at;

        public void Put(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_target[_at..]);
            _at += bytes.Length;
        }
    }

    private string _new_tag()
    {
        string tag = Encoding.ASCII.GetString(tagpre) + _tagnum.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _tagnum++;
        tagged_commands[tag] = null;
        return tag;
    }

    private void Transmit(byte[] data)
    {
        try
        {
            send(data);
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw SocketFailure(e);
        }
    }

    // ---- Completing --------------------------------------------------------------------------------------

    private ImapResult _simple_command(string name, params byte[]?[] args) => _command_complete(name, _command(name, args));

    private ImapResult _command_complete(string name, string tag)
    {
        bool logout = name == "LOGOUT";
        if (!logout) _check_bye();
        ImapResult result;
        try
        {
            result = _get_tagged_response(tag, expect_bye: logout);
        }
        catch (abort e)
        {
            throw new abort($"command: {name} => {e.Message}", e);
        }
        catch (error e)
        {
            throw new error($"command: {name} => {e.Message}", e);
        }
        if (!logout) _check_bye();
        if (result.typ == "BAD")
            throw new error($"{name} command error: {result.typ} {PyRepr.Of(result.data)}");
        return result;
    }

    private ImapResult _get_tagged_response(string tag, bool expect_bye = false)
    {
        while (true)
        {
            if (tagged_commands[tag] is { } result)
            {
                tagged_commands.Remove(tag);
                return result;
            }
            // The server answers LOGOUT with BYE; that BYE is the result.
            if (expect_bye && untagged_responses.Remove("BYE", out var bye))
                return ("BYE", bye);
            // Once a BYE has come the connection is closing: report it rather than wait.
            _check_bye();
            try
            {
                _get_response();
            }
            catch (abort)
            {
                if (debug >= 1) print_log();
                throw;
            }
        }
    }

    private void _check_bye()
    {
        if (untagged_responses.TryGetValue("BYE", out var bye) && bye.Count > 0)
            throw new abort(DecodeForMessage(TextOf(bye[^1])));
    }

    /// <summary>Python's <c>_untagged_response</c>: pops the untagged data named <paramref name="name"/> as the
    /// result, or <c>[None]</c> when none came; a NO result is returned unchanged.</summary>
    private ImapResult _untagged_response(string typ, List<ImapItem?> dat, string name)
    {
        if (typ == "NO") return (typ, dat);
        if (!untagged_responses.Remove(name, out var data)) return (typ, [null]);
        if (debug >= 5) _mesg($"untagged_responses[{name}] => {PyRepr.Of(data)}");
        return (typ, data);
    }

    private ImapResult _untagged_response(ImapResult result, string name) => _untagged_response(result.typ, result.data, name);

    // ---- Receiving ---------------------------------------------------------------------------------------

    /// <summary>
    /// Reads one response and files it: a tagged completion into <see cref="tagged_commands"/>, untagged data
    /// (with any literals, as (header, literal) pairs) into <see cref="untagged_responses"/>. Returns the first
    /// line, or null for a continuation request.
    /// </summary>
    private byte[]? _get_response()
    {
        byte[] resp = _get_line();
        while (resp.Length == 0)   // stray empty lines carry nothing (newer CPython skips them too)
            resp = _get_line();
        string typ;
        byte[] dat;
        if (ResponseParser.TryTagged(resp, tagpre, out string tag, out typ, out dat))
        {
            if (!tagged_commands.ContainsKey(tag))
                throw new abort($"unexpected tagged response: {PyRepr.Of(resp)}");
            tagged_commands[tag] = (typ, [ImapItem.FromBytes(dat)]);
        }
        else
        {
            if (!ResponseParser.TryUntagged(resp, out typ, out dat))
            {
                if (ResponseParser.TryContinuation(resp, out var continuation))
                {
                    continuation_response = continuation;
                    return null;
                }
                throw new abort($"unexpected response: {PyRepr.Of(resp)}");
            }
            long size;
            int depth = 0;
            while ((size = ResponseParser.LiteralSize(dat)) >= 0)
            {
                if (debug >= 4) _mesg($"read literal size {size}");
                _append_untagged(typ, _literalSink is { } sink && typ == "FETCH"
                    ? ImapItem.Pair(dat, StreamLiteral(sink(dat), size))
                    : ImapItem.Pair(dat, ReadLiteral(size)));
                depth = ResponseParser.ParenDepth(dat, depth);
                dat = _get_line();   // the rest of the response, which may announce another literal
                // Inside an open parenthesis an empty line cannot end the response: a literal that ended in
                // CRLF was followed by the server's own CRLF. Keep reading (as newer CPython does).
                while (dat.Length == 0 && depth > 0)
                    dat = _get_line();
            }
            _append_untagged(typ, ImapItem.FromBytes(dat));
        }

        if (typ is "OK" or "NO" or "BAD" && ResponseParser.TryResponseCode(dat, out string code, out byte[] codeData))
        {
            typ = code;
            _append_untagged(code, ImapItem.FromBytes(codeData));
        }
        if (debug >= 1 && typ is "NO" or "BAD" or "BYE")
            _mesg($"{typ} response: {PyRepr.Of(dat)}");
        return resp;
    }

    private byte[] ReadLiteral(long size)
    {
        if (size > Array.MaxLength)
            throw new abort($"literal of {size} bytes is larger than this client accepts");
        byte[] data;
        try
        {
            data = read((int)size);
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw SocketFailure(e);
        }
        if (data.Length < size)
            throw new abort("socket error: EOF");
        return data;
    }

    /// <summary>Where FETCH literals go instead of into memory, during <c>fetch(..., literal_sink)</c>.</summary>
    private Func<byte[], Stream>? _literalSink;

    /// <summary>Copies a literal to <paramref name="destination"/> as it arrives, through one small buffer when the
    /// built-in transport is in use (an overridden <see cref="read"/> hook is honoured, in one piece). Returns the
    /// empty literal that stands in the (header, literal) pair.</summary>
    private byte[] StreamLiteral(Stream destination, long size)
    {
        long copied;
        try
        {
            if (_reader is { } reader && !ReadHookOverridden)
                copied = reader.CopyTo(destination, size);
            else
            {
                byte[] data = ReadLiteral(size);
                destination.Write(data);
                copied = data.Length;
            }
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw SocketFailure(e);
        }
        if (copied < size) throw new abort("socket error: EOF");
        return [];
    }

    private bool ReadHookOverridden => _readHookOverridden ??= GetType().GetMethod(nameof(read), [typeof(int)])!.DeclaringType != typeof(IMAP4);
    private bool? _readHookOverridden;

    /// <summary>One response line without its CRLF. EOF and a line without CRLF are aborts, as in Python.</summary>
    private byte[] _get_line()
    {
        byte[] line;
        try
        {
            line = readline();
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw SocketFailure(e);
        }
        if (line.Length == 0)
            throw new abort("socket error: EOF");
        if (line.Length < 2 || line[^2] != '\r' || line[^1] != '\n')
            throw new abort($"socket error: unterminated line: {PyRepr.Of(line)}");
        line = line[..^2];
        _lastLine = line;
        Trace(new LogEntry("< ", line, -1));
        return line;
    }

    private byte[] _lastLine = [];

    private void _append_untagged(string typ, ImapItem dat)
    {
        if (CaptureIdleResponse(typ, dat)) return;
        if (debug >= 5)
            _mesg($"untagged_responses[{typ}] {(untagged_responses.TryGetValue(typ, out var had) ? had.Count : 0)} += [\"{PyRepr.Of(dat)}\"]");
        if (untagged_responses.TryGetValue(typ, out var list)) list.Add(dat);
        else untagged_responses[typ] = [dat];
    }

    private void _mode_utf8() => utf8_enabled = true;

    // ---- Failures of the transport -------------------------------------------------------------------------

    /// <summary>Exceptions the transport raises when the connection fails; they become <see cref="abort"/>.</summary>
    private static bool IsTransportFailure(Exception e) =>
        e is IOException or SocketException or ObjectDisposedException or TimeoutException or InvalidOperationException;

    private static abort SocketFailure(Exception e)
    {
        bool timedOut = e is TimeoutException
            || e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut }
            || e is SocketException { SocketErrorCode: SocketError.TimedOut };
        return new abort($"socket error: {(timedOut ? "timed out" : e.Message)}", e);
    }

    private static byte[] TextOf(ImapItem? item) => item is null ? [] : item.IsPair ? item.Header : item.IsBytes ? item.Bytes : [];
}
