using System.Text;

namespace ImapLib.Fuzz.Guided;

/// <summary>
/// The encoder target's server, as a stream under the library's own hooks: it greets, then reads what the client
/// writes with <see cref="StrictCommandParser"/>, sends a continuation request where a synchronizing literal waits
/// for one and answers each complete command with OK (SELECT with an EXISTS, ENABLE with ENABLED). The first
/// grammar violation is kept in <see cref="Violation"/> and the server then says nothing more.
/// </summary>
public sealed class StrictServer : Fuzzing.DuplexMemoryStream
{
    private readonly StrictCommandParser _parser;
    private readonly string _capabilities;
    private readonly MemoryStream _pending = new();
    private byte[] _out = [];
    private int _outAt, _continuations;

    public StrictServer(bool literalPlus, bool utf8)
    {
        _parser = new StrictCommandParser(literalPlus, utf8);
        _capabilities = "IMAP4rev1 ENABLE UTF8=ACCEPT ACL QUOTA MOVE UIDPLUS" + (literalPlus ? " LITERAL+" : "");
        Say($"* OK [CAPABILITY {_capabilities}] strict server ready\r\n");
    }

    /// <summary>Every byte the client wrote.</summary>
    public MemoryStream Written { get; } = new();

    /// <summary>The last complete command, parsed, and its bytes.</summary>
    public (ParsedCommand Parsed, byte[] Bytes)? Last { get; set; }

    /// <summary>The first violation of the grammar, with the bytes.</summary>
    public string? Violation { get; private set; }

    private void Say(string text)
    {
        _out = [.. _out.AsSpan(_outAt), .. Encoding.UTF8.GetBytes(text)];
        _outAt = 0;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Written.Write(buffer);
        if (Violation is not null) return;
        _pending.Write(buffer);
        var bytes = _pending.ToArray();
        try
        {
            switch (_parser.Parse(bytes, _continuations, out var command, out int length))
            {
                case StrictCommandParser.State.NeedsContinuation:
                    _continuations++;
                    Say("+ go ahead\r\n");
                    break;
                case StrictCommandParser.State.Complete:
                    Last = (command!, bytes[..length]);
                    _pending.SetLength(0);
                    _continuations = 0;
                    Answer(command!);
                    break;
            }
        }
        catch (GrammarException e)
        {
            Violation = $"strict parser: {e.Message}: {Fuzzing.Results.Escape(bytes)}";
        }
    }

    private void Answer(ParsedCommand command)
    {
        string tag = command.Tag;
        Say(command.Name.ToUpperInvariant() switch
        {
            "SELECT" or "EXAMINE" => $"* 1 EXISTS\r\n{tag} OK [READ-WRITE] done\r\n",
            "ENABLE" => $"* ENABLED UTF8=ACCEPT\r\n{tag} OK done\r\n",
            "CAPABILITY" => $"* CAPABILITY {_capabilities}\r\n{tag} OK done\r\n",
            "LOGIN" => $"{tag} OK [CAPABILITY {_capabilities}] done\r\n",
            "LOGOUT" => $"* BYE bye\r\n{tag} OK done\r\n",
            _ => $"{tag} OK done\r\n",
        });
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, _out.Length - _outAt);
        _out.AsSpan(_outAt, n).CopyTo(buffer);
        _outAt += n;
        return n;
    }

}
