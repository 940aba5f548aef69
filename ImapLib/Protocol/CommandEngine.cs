using System.Net.Sockets;
using System.Text;

namespace ImapLib;

// The command engine: checks legality against the command table, sends tagged commands (lines written by
// CommandWriter, literals announced as Literals says), and completes them from what the response reader
// (ResponseReader.cs) files. It follows CPython's imaplib step for step, because what a script sees (which
// responses are kept, when an exception is raised and with what message) is the API.
public partial class IMAP4
{
    private void _connect()
    {
        tagpre = imaplib.Int2AP(Random.Shared.Next(4096, 65536));
        if (debug >= 1)
        {
            _mesg($"imaplib version {imaplib.__version__}");
            _mesg($"new IMAP4 connection, tag={PyRepr.Of(tagpre)}");
        }
        welcome = _get_response() ?? [];   // a continuation instead of a greeting leaves it empty
        if (untagged_responses.ContainsKey("PREAUTH"))
            state = "AUTH";
        else if (untagged_responses.ContainsKey("OK"))
            state = "NONAUTH";
        else
            throw new error("invalid greeting: " + DecodeForMessage(welcome.Length > 0 ? welcome.ToArray() : _lastLine));

        _refresh_capabilities();
        if (debug >= 3) _mesg($"CAPABILITIES: {PyRepr.Of(capabilities)}");
        foreach (var version in imaplib.AllowedVersions)
        {
            if (_negotiated.Has(version))
            {
                PROTOCOL_VERSION = version;
                // A server that speaks only IMAP4rev2 is in rev2 mode from the start (RFC 9051 section 2.3).
                _negotiated.Rev2 = version == "IMAP4REV2";
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
    private PyBytes _command(string name, IReadOnlyList<byte[]?> args, byte[]? literal = null,
        Func<byte[]?, byte[]>? literator = null, int secretArg = -1)
    {
        // First: a thread refused here has changed nothing. A command that failed to go out awaits nothing, so the
        // claim ends with it; one that went out holds the claim until its tagged reply is taken.
        using var entry = Engaged();
        return SendCommand(name, args, literal, literator, secretArg);
    }

    private PyBytes SendCommand(string name, IReadOnlyList<byte[]?> args, byte[]? literal, Func<byte[]?, byte[]>? literator, int secretArg)
    {
        // CPython's literal attribute: a literal the script set goes with this command, whatever it is, and is then
        // forgotten (also when the command fails). A command with a literal of its own (APPEND, AUTHENTICATE)
        // replaces it, as CPython's do by setting the attribute themselves.
        var scripted = this.literal;
        this.literal = null;
        bool fromAttribute = literal is null && literator is null && scripted is not null;
        if (fromAttribute) literal = scripted!.Value.ToArray();

        CheckState(name);

        foreach (var typ in (ReadOnlySpan<string>)["OK", "NO", "BAD"])
            untagged_responses.Remove(typ);
        if (untagged_responses.ContainsKey("READ-ONLY") && !is_readonly)
            throw new @readonly("mailbox status changed to READ-ONLY");

        PyBytes tag = _new_tag();
        StartDeadline();
        // After ENABLE UTF8=ACCEPT an APPEND literal is sent in RFC 6855's form: UTF8 (~{n}...).
        bool utf8Literal = literal is not null && utf8_enabled && !fromAttribute;
        // With LITERAL+ (RFC 7888) an APPEND literal follows at once: no round trip waiting for "+". The literal
        // attribute is sent as CPython sends it, synchronising: {n}, then the bytes after the continuation.
        bool nonSynchronizing = literal is not null && !fromAttribute && UseLiteralPlus && _negotiated.Has("LITERAL+");
        byte[] announcement = literal is null ? [] : Literals.Announcement(literal.Length, utf8Literal, nonSynchronizing);
        byte[] trailer = Literals.Trailer(utf8Literal);
        byte[] wire = CommandWriter.Line(tag, name, args, announcement);

        Trace(secretArg < 0 ? new LogEntry("> ", wire, wire.Length - CommandWriter.CRLF.Length)
                            : new LogEntry("> ", CommandWriter.Redacted(tag, name, args, announcement, secretArg), -1));
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
            Transmit(literator is null ? trailer : CommandWriter.CRLF);
            if (literator is null) return tag;
        }
    }

    /// <summary>Cancels an AUTHENTICATE exchange and reads up to its tagged reply, which is discarded.</summary>
    private void CancelExchange(PyBytes tag)
    {
        Transmit("*\r\n"u8.ToArray());
        while (tagged_commands[tag] is null)
        {
            if (_get_response() is null) Transmit("*\r\n"u8.ToArray());   // another challenge: cancel again
        }
        tagged_commands.Remove(tag);
    }

    /// <summary>Python's <c>_new_tag()</c>: the next tag (<see cref="tagpre"/> and a counter from 0), registered in
    /// <see cref="tagged_commands"/> so that the server's tagged reply to a command a script sends by hand
    /// (<c>M.send(...)</c>) is accepted and filed. Bytes, as in CPython: <c>M.send(tag + " NOOP\r\n"u8)</c>, or
    /// <c>$"{tag.decode()} IDLE\r\n"</c> in text.</summary>
    public PyBytes _new_tag()
    {
        PyBytes tag = tagpre + Encoding.ASCII.GetBytes(_tagnum.ToString(System.Globalization.CultureInfo.InvariantCulture));
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

    /// <summary>Starts the whole-command deadline (<see cref="command_timeout"/>), if one is set.</summary>
    private void StartDeadline()
    {
        if (command_timeout is not { } seconds) return;
        _commandDeadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(seconds * System.Diagnostics.Stopwatch.Frequency);
        _reader?.SetDeadline(seconds);
    }

    /// <summary>Ends the deadline: the command completed, or IDLE is waiting by design.</summary>
    private void StopDeadline()
    {
        if (_commandDeadline == 0) return;
        _commandDeadline = 0;
        _reader?.SetDeadline(null);
    }

    /// <summary>When the current command must have completed (a Stopwatch timestamp; 0: no deadline). Checked between
    /// lines too, so that overriding read hooks are bounded as well.</summary>
    private long _commandDeadline;

    // ---- Completing --------------------------------------------------------------------------------------

    /// <summary>Sends a command whose arguments are already written, and returns its tagged reply.</summary>
    private ImapResult SimpleCommand(string name, params byte[]?[] args) => _command_complete(name, _command(name, args));

    /// <summary>Python's <c>_simple_command(name, *args)</c>: sends <paramref name="name"/> with <paramref name="args"/>
    /// written as given (None left out, CR/LF refused) and returns the tagged reply. <paramref name="name"/> must be
    /// in <see cref="imaplib.Commands"/> and legal in the current state.</summary>
    public ImapResult _simple_command(string name, params ImapArg?[] args) => _command_complete(name, _command(name, args));

    /// <summary>Python's <c>_command(name, *args)</c>: sends the command without waiting for its reply and returns
    /// its tag; <see cref="_command_complete"/> collects the reply.</summary>
    public PyBytes _command(string name, params ImapArg?[] args) => _command(name, Array.ConvertAll(args, Raw));

    /// <summary>Python's <c>_command_complete(name, tag)</c>: reads until <paramref name="tag"/>'s reply and returns it;
    /// BAD raises <see cref="error"/>, a BYE from the server <see cref="abort"/>.</summary>
    public ImapResult _command_complete(string name, PyBytes tag)
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

    /// <summary>Python's <c>_get_tagged_response(tag, expect_bye=False)</c>: reads responses until the reply tagged
    /// <paramref name="tag"/> (a tag from <see cref="_new_tag"/>) and returns it.</summary>
    public ImapResult _get_tagged_response(PyBytes tag, bool expect_bye = false)
    {
        using var entry = Engaged();
        while (true)
        {
            if (tagged_commands[tag] is { } result)
            {
                tagged_commands.Remove(tag);
                StopDeadline();
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

    /// <summary>Python's <c>_check_bye()</c>: raises <see cref="abort"/> with the server's text once it said BYE.</summary>
    public void _check_bye()
    {
        if (untagged_responses.TryGetValue("BYE", out var bye) && bye.Count > 0)
            throw new abort(DecodeForMessage(TextOf(bye[^1])));
    }

    /// <summary>Python's <c>_untagged_response</c>: pops the untagged data named <paramref name="name"/> as the
    /// result, or <c>[None]</c> when none came; a NO result is returned unchanged.</summary>
    public ImapResult _untagged_response(string typ, List<ImapItem?> dat, string name)
    {
        if (typ == "NO") return (typ, dat);
        if (!untagged_responses.Remove(name, out var data)) return (typ, [null]);
        if (debug >= 5) _mesg($"untagged_responses[{name}] => {PyRepr.Of(data)}");
        return (typ, data);
    }

    private ImapResult _untagged_response(ImapResult result, string name) => _untagged_response(result.typ, result.data, name);

    // ---- Failures of the transport -------------------------------------------------------------------------

    /// <summary>Exceptions the transport raises when the connection fails; they become <see cref="abort"/>.</summary>
    private static bool IsTransportFailure(Exception e) =>
        e is IOException or SocketException or ObjectDisposedException or TimeoutException;

    private static abort SocketFailure(Exception e)
    {
        if (e is DeadlineExceededException) return new abort(e.Message, e);
        bool timedOut = e is TimeoutException
            || e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut }
            || e is SocketException { SocketErrorCode: SocketError.TimedOut };
        return new abort($"socket error: {(timedOut ? "timed out" : e.Message)}", e);
    }

    private static byte[] TextOf(ImapItem? item) => item is null ? [] : item.IsPair ? item.Header : item.IsBytes ? item.Bytes : [];

    private string DecodeForMessage(byte[] bytes) =>
        utf8_enabled ? Encoding.UTF8.GetString(bytes) : new string(bytes.Select(b => b < 0x80 ? (char)b : '\uFFFD').ToArray());
}
