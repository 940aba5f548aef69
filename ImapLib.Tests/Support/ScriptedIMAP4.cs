using System.Net.Sockets;
using System.Text;

namespace ImapLib.Tests.Support;

/// <summary>
/// An <see cref="IMAP4"/> with no socket at all: the transport hooks (<see cref="IMAP4.open"/>,
/// <see cref="IMAP4.readline"/>, <see cref="IMAP4.read"/>, <see cref="IMAP4.send"/>, <see cref="IMAP4.shutdown"/>)
/// read from an in-memory buffer of "server output" and hand every write to a responder, which may queue more
/// server output with <see cref="Feed(string)"/>. When the buffer is empty, reads see end of stream.
/// </summary>
/// <remarks>
/// <para>Scripted conversations use the kit (<see cref="ImapLib.Testing.ScriptedIMAP4"/> with a transcript, or
/// <see cref="ObservedIMAP4"/> to also see the hooks' calls). This dynamic responder stays only for a server that must
/// answer whatever it is sent, which a transcript (every line written in advance) cannot be:
/// InjectionAndLimitTests calls every public command by reflection with hostile arguments, and NewerCPythonTests'
/// wire-format tests send dozens of argument shapes to an answer-anything server and check the line each writes
/// (those could be written as transcripts, one line per call; not done yet).</para>
/// Two ways to script the server side:
/// <list type="bullet">
/// <item>a raw <see cref="Responder"/>, called with every byte array <c>send()</c> got (fuzzing, odd framing);</item>
/// <item><see cref="ByCommand"/>, which reassembles command lines (and literals) and asks a handler for the reply
/// text of each command, with <c>{tag}</c> in the reply replaced by the command's tag.</item>
/// </list>
/// </remarks>
public class ScriptedIMAP4 : IMAP4
{
    /// <summary>Called with each array the client sends (after it is recorded in <see cref="Sent"/>).</summary>
    public delegate void Responder(ScriptedIMAP4 imap, byte[] sent);

    private readonly object _gate = new();
    private byte[] _output = [];
    private int _position;
    private Responder? _responder;

    /// <summary>Every array passed to <see cref="send"/>, in order (copies).</summary>
    public List<byte[]> Sent { get; } = [];

    /// <summary>Everything sent, concatenated, as Latin-1 text.</summary>
    public string SentText
    {
        get
        {
            lock (_gate) return string.Concat(Sent.Select(Encoding.Latin1.GetString));
        }
    }

    /// <summary>How many times <see cref="open"/> ran.</summary>
    public int OpenCount { get; private set; }

    /// <summary>How many times <see cref="shutdown"/> ran.</summary>
    public int ShutdownCount { get; private set; }

    /// <summary>How many readline / read calls the engine made.</summary>
    public int ReadlineCount { get; private set; }

    /// <summary>Calls of <see cref="read"/> and the size each asked for.</summary>
    public List<int> ReadSizes { get; } = [];

    /// <summary>When set, <see cref="send"/> throws it (a broken transport).</summary>
    public Exception? SendFailure { get; set; }

    /// <summary>Starts a session: <paramref name="initialOutput"/> is what the server has sent before the client
    /// says anything (the greeting, usually); <paramref name="responder"/> answers what the client sends.</summary>
    public ScriptedIMAP4(string initialOutput, Responder? responder, double? timeout = null) : this(Encoding.Latin1.GetBytes(initialOutput), responder, timeout)
    {
    }

    /// <inheritdoc cref="ScriptedIMAP4(string, Responder?, double?)"/>
    public ScriptedIMAP4(byte[] initialOutput, Responder? responder, double? timeout = null) : base(connect: false)
    {
        _output = initialOutput;
        _responder = responder;
        Connect("scripted.invalid", 143, timeout);
    }

    /// <summary>Replaces the responder (for later stages of a test).</summary>
    public void SetResponder(Responder? responder) => _responder = responder;

    /// <summary>Queues server output (Latin-1 text, sent as it is).</summary>
    public void Feed(string text) => Feed(Encoding.Latin1.GetBytes(text));

    /// <summary>Queues server output.</summary>
    public void Feed(byte[] bytes)
    {
        lock (_gate)
        {
            var rest = _output.AsSpan(_position);
            var joined = new byte[rest.Length + bytes.Length];
            rest.CopyTo(joined);
            bytes.CopyTo(joined, rest.Length);
            _output = joined;
            _position = 0;
        }
    }

    /// <summary>Bytes of server output not yet read by the client.</summary>
    public int Pending
    {
        get { lock (_gate) return _output.Length - _position; }
    }

    public override void open(string host = "", int port = imaplib.IMAP4_PORT, double? timeout = null)
    {
        OpenCount++;
        this.host = host;
        this.port = port;
    }

    public override PyBytes readline()
    {
        ReadlineCount++;
        lock (_gate)
        {
            int limit = imaplib._MAXLINE + 1;
            var rest = _output.AsSpan(_position);
            int lf = rest.IndexOf((byte)'\n');
            int take = lf >= 0 ? lf + 1 : rest.Length;
            take = Math.Min(take, limit);
            byte[] line = rest[..take].ToArray();
            _position += take;
            if (line.Length > imaplib._MAXLINE) throw new error($"got more than {imaplib._MAXLINE} bytes");
            return line;
        }
    }

    public override PyBytes read(int size)
    {
        lock (_gate)
        {
            ReadSizes.Add(size);
            int take = Math.Min(size, _output.Length - _position);
            byte[] data = _output.AsSpan(_position, take).ToArray();
            _position += take;
            return data;
        }
    }

    public override void send(byte[] data)
    {
        if (SendFailure is { } failure) throw failure;
        lock (_gate) Sent.Add(data.ToArray());
        _responder?.Invoke(this, data);
    }

    public override void shutdown() => ShutdownCount++;

    // ---- A line-oriented responder -----------------------------------------------------------------------

    /// <summary>
    /// A responder that reassembles what the client sends into commands and asks <paramref name="handler"/> what
    /// to answer (the reply text is fed as it is, after replacing <c>{tag}</c>; null answers nothing).
    /// A command ending with a literal <c>{n}</c> is first handed over with <see cref="ScriptedCommand.Literal"/>
    /// null; if the reply ends with a continuation (<c>+...</c>) the literal is collected and the handler is called
    /// again with it. After any other reply that ends with a continuation, the next line the client sends is
    /// handed over as a <see cref="ScriptedCommand"/> with <see cref="ScriptedCommand.IsContinuationAnswer"/> set.
    /// </summary>
    public static Responder ByCommand(Func<ScriptedCommand, string?> handler)
    {
        var pending = new List<byte>();
        ScriptedCommand? awaitingLiteral = null;
        int literalSize = 0;
        ScriptedCommand? awaitingAnswer = null;

        return (imap, sent) =>
        {
            pending.AddRange(sent);
            while (true)
            {
                if (awaitingLiteral is { } command)
                {
                    if (pending.Count < literalSize + 2) return;
                    byte[] literal = pending.GetRange(0, literalSize).ToArray();
                    if (pending[literalSize] != '\r' || pending[literalSize + 1] != '\n')
                        throw new InvalidOperationException("literal not followed by CRLF");
                    pending.RemoveRange(0, literalSize + 2);
                    awaitingLiteral = null;
                    Reply(imap, command with { Literal = literal });
                    continue;
                }
                int lf = pending.IndexOf((byte)'\n');
                if (lf < 0) return;
                string line = Encoding.Latin1.GetString(pending.GetRange(0, lf + 1).ToArray());
                pending.RemoveRange(0, lf + 1);
                if (!line.EndsWith("\r\n", StringComparison.Ordinal))
                    throw new InvalidOperationException($"client line not terminated by CRLF: {line}");
                line = line[..^2];
                if (awaitingAnswer is { } challenged)
                {
                    awaitingAnswer = null;
                    Reply(imap, challenged with { Args = line, Line = line, IsContinuationAnswer = true });
                    continue;
                }
                var parts = line.Split(' ', 3);
                var parsed = new ScriptedCommand(line, parts[0], parts.Length > 1 ? parts[1].ToUpperInvariant() : "",
                    parts.Length > 2 ? parts[2] : "", null, false);
                var size = System.Text.RegularExpressions.Regex.Match(line, @"\{(\d+)\}$");
                string? reply = handler(parsed);
                Feed(imap, parsed, reply);
                if (size.Success && reply is not null && EndsWithContinuation(reply))
                {
                    awaitingLiteral = parsed;
                    literalSize = int.Parse(size.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (reply is not null && EndsWithContinuation(reply))
                {
                    awaitingAnswer = parsed;
                }
            }
        };

        void Reply(ScriptedIMAP4 imap, ScriptedCommand command)
        {
            string? reply = handler(command);
            Feed(imap, command, reply);
            if (command.IsContinuationAnswer && reply is not null && EndsWithContinuation(reply))
                awaitingAnswer = command;
        }

        static void Feed(ScriptedIMAP4 imap, ScriptedCommand command, string? reply)
        {
            if (reply is not null) imap.Feed(reply.Replace("{tag}", command.Tag, StringComparison.Ordinal));
        }

        static bool EndsWithContinuation(string reply)
        {
            var lines = reply.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            return lines.Length > 0 && lines[^1].StartsWith('+');
        }
    }

    /// <summary>A greeting plus the answer to the CAPABILITY command that follows it, for <see cref="ByCommand"/> handlers.</summary>
    public static string CapabilityReply(ScriptedCommand command, string capabilities = "IMAP4rev1") =>
        $"* CAPABILITY {capabilities}\r\n{command.Tag} OK CAPABILITY completed\r\n";
}

/// <summary>A command the client sent, as <see cref="ScriptedIMAP4.ByCommand"/> hands it to its handler.</summary>
/// <param name="Line">The whole line without CRLF.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Name">The command name, upper-cased.</param>
/// <param name="Args">The rest of the line (for a continuation answer: the whole line).</param>
/// <param name="Literal">The literal that followed the line, once it arrived.</param>
/// <param name="IsContinuationAnswer">True when the line answers a continuation of <see cref="Name"/>.</param>
public sealed record ScriptedCommand(string Line, string Tag, string Name, string Args, byte[]? Literal, bool IsContinuationAnswer);
