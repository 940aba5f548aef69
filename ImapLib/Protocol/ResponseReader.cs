using System.Net.Sockets;

namespace ImapLib;

// The response reader: turns what the read hooks deliver into filed responses. A line is read with readline(),
// its shape recognised by ResponseParser, each literal it announces read with read() (into memory, or copied to
// a stream when the sink asks for it), and the untagged data handed to the sink in force. It never decides what
// a command returns; the command engine does that from what was filed.
public partial class IMAP4
{
    /// <summary>
    /// Reads one response and files it: a tagged completion into <see cref="tagged_commands"/>, untagged data
    /// (with any literals, as (header, literal) pairs) into the sink in force, by default
    /// <see cref="untagged_responses"/>. Returns the first line, or null for a continuation request (whose text
    /// is then in <see cref="continuation_response"/>). Python's <c>_get_response()</c>.
    /// </summary>
    public byte[]? _get_response()
    {
        using var entry = Engaged();
        return ReadResponse();
    }

    private byte[]? ReadResponse()
    {
        byte[] resp = _get_line();
        while (resp.Length == 0)   // stray empty lines carry nothing (newer CPython skips them too)
            resp = _get_line();
        string typ;
        byte[] dat;
        if (ResponseParser.TryTagged(resp, tagpre, out PyBytes tag, out typ, out dat))
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
                    continuation_response = continuation ?? [];
                    return null;
                }
                throw new abort($"unexpected response: {PyRepr.Of(resp)}");
            }
            long size;
            var framer = new ResponseFramer();
            while ((size = framer.Announced(dat)) >= 0)
            {
                if (debug >= 4) _mesg($"read literal size {size}");
                _sink.Add(typ, ImapItem.Pair(dat, _sink.LiteralDestination(typ, dat) is { } destination
                    ? StreamLiteral(destination, size)
                    : ReadLiteral(size)));
                dat = _get_line();   // the rest of the response, which may announce another literal
                while (framer.IsFiller(dat))
                    dat = _get_line();
            }
            _sink.Add(typ, ImapItem.FromBytes(dat));
        }

        if (typ is "OK" or "NO" or "BAD" && ResponseParser.TryResponseCode(dat, out string code, out byte[] codeData))
        {
            typ = code;
            _sink.Add(code, ImapItem.FromBytes(codeData));
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
        // An overriding read() that returns more than asked has taken bytes of the next response: refuse, rather
        // than let them vanish into the literal.
        if (data.Length > size)
            throw new abort($"read({size}) returned {data.Length} bytes");
        return data;
    }

    /// <summary>
    /// Copies a literal to <paramref name="destination"/> as it arrives, through the <see cref="read"/> hook: the
    /// built-in hook sees <see cref="_literalDestination"/> and copies straight from the socket through one small
    /// buffer (returning nothing); an overridden hook returns the bytes, which are written here. No reflection is
    /// needed to tell the two apart. Returns the empty literal that stands in the (header, literal) pair.
    /// </summary>
    private byte[] StreamLiteral(Stream destination, long size)
    {
        const int Piece = 1 << 30;   // read() takes an int: larger literals are asked for in pieces
        long copied = 0;
        _literalDestination = destination;
        try
        {
            while (copied < size)
            {
                int piece = (int)Math.Min(size - copied, Piece);
                _literalStreamed = 0;
                byte[] returned = read(piece);
                if (returned.Length > 0) destination.Write(returned);
                long arrived = _literalStreamed + returned.Length;
                copied += arrived;
                if (arrived < piece) break;
            }
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            throw SocketFailure(e);
        }
        finally
        {
            _literalDestination = null;
        }
        if (copied < size) throw new abort("socket error: EOF");
        return [];
    }

    /// <summary>While a literal is streamed: where the built-in <see cref="read"/> hook copies it.</summary>
    private Stream? _literalDestination;

    /// <summary>How many bytes the built-in hook copied to <see cref="_literalDestination"/> in the current call.</summary>
    private long _literalStreamed;

    /// <summary>One response line without its CRLF. EOF and a line without CRLF are aborts, as in Python.</summary>
    private byte[] _get_line()
    {
        if (_commandDeadline != 0 && System.Diagnostics.Stopwatch.GetTimestamp() >= _commandDeadline)
            throw SocketFailure(new DeadlineExceededException(command_timeout ?? 0));
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

    /// <summary>Python's <c>_append_untagged</c>: the default sink, filing into <see cref="untagged_responses"/>.</summary>
    private void _append_untagged(string typ, ImapItem dat)
    {
        if (debug >= 5)
            _mesg($"untagged_responses[{typ}] {(untagged_responses.TryGetValue(typ, out var had) ? had.Count : 0)} += [\"{PyRepr.Of(dat)}\"]");
        if (untagged_responses.TryGetValue(typ, out var list)) list.Add(dat);
        else untagged_responses[typ] = new ImapData { dat };
    }

    /// <summary>The sink untagged data goes to: the store, unless an IDLE session or a streaming fetch diverts it.</summary>
    private IResponseSink _sink;

    /// <summary>Puts <paramref name="sink"/> in front of the current one until the returned handle is disposed.</summary>
    private SinkScope Divert(IResponseSink sink)
    {
        var previous = _sink;
        _sink = sink;
        return new SinkScope(this, previous);
    }

    /// <summary>Restores the sink that was in force before <see cref="Divert"/>.</summary>
    private readonly struct SinkScope(IMAP4 imap, IResponseSink previous) : IDisposable
    {
        public void Dispose() => imap._sink = previous;
    }

    private void _mode_utf8() => _negotiated.Utf8 = true;
}
