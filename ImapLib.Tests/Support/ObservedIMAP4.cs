using System.Text;

namespace ImapLib.Tests.Support;

/// <summary>
/// The kit's <see cref="ImapLib.Testing.ScriptedIMAP4"/>, replaying a transcript, that also keeps what its hooks saw:
/// the bytes of each <c>send()</c> call, each line <c>readline()</c> returned, each <c>read()</c>'s size, the
/// <c>open()</c> and <c>shutdown()</c> calls; and it can make <c>send()</c> fail. For the tests that assert how the
/// library uses its transport hooks (one send per command line and two more for a literal, the sizes it reads, a
/// broken transport), which a transcript, framed in lines, does not show. The conversation itself is the
/// transcript's, checked by the kit.
/// </summary>
public sealed class ObservedIMAP4(string transcript) : ImapLib.Testing.ScriptedIMAP4(transcript)
{
    /// <summary>Every array passed to <see cref="send"/>, in order (copies).</summary>
    public List<byte[]> Sent { get; } = [];

    /// <summary>Everything sent, concatenated, as Latin-1 text.</summary>
    public string SentText => string.Concat(Sent.Select(Encoding.Latin1.GetString));

    /// <summary>Every line <see cref="readline"/> returned, as Latin-1 text.</summary>
    public List<string> Received { get; } = [];

    /// <summary>The size each <see cref="read"/> call asked for.</summary>
    public List<int> ReadSizes { get; } = [];

    /// <summary>How many times <see cref="open"/> ran.</summary>
    public int OpenCount { get; private set; }

    /// <summary>How many times <see cref="shutdown"/> ran.</summary>
    public int ShutdownCount { get; private set; }

    /// <summary>When set, <see cref="send"/> throws it (a broken transport) before the transcript sees anything.</summary>
    public Exception? SendFailure { get; set; }

    public override void open(string host = "", int port = imaplib.IMAP4_PORT, double? timeout = null)
    {
        OpenCount++;
        base.open(host, port, timeout);
    }

    public override PyBytes readline()
    {
        var line = base.readline();
        Received.Add(Encoding.Latin1.GetString(line.AsSpan()));
        return line;
    }

    public override PyBytes read(int size)
    {
        ReadSizes.Add(size);
        return base.read(size);
    }

    public override void send(byte[] data)
    {
        if (SendFailure is { } failure) throw failure;
        Sent.Add(data.ToArray());
        base.send(data);
    }

    public override void shutdown()
    {
        ShutdownCount++;
        base.shutdown();
    }
}
