using System.Text;

namespace ImapLib;

/// <summary>
/// Writes a command line: <c>TAG NAME arg arg ...{literal announcement}CRLF</c>, in one exactly sized array so
/// the send hook gets the whole line in one call, as Python sends it. Arguments arrive already written by
/// <see cref="Arguments"/> (null ones are left out, as Python leaves out None).
/// </summary>
internal static class CommandWriter
{
    /// <summary>The end of every line the client sends.</summary>
    public static readonly byte[] CRLF = "\r\n"u8.ToArray();

    private static readonly byte[] Secret = "***"u8.ToArray();

    /// <summary>The command line with its CRLF, ready for the send hook.</summary>
    public static byte[] Line(PyBytes tag, string name, IReadOnlyList<byte[]?> args, byte[] announcement) =>
        Write(tag, name, args, announcement, secretArg: -1, withCrlf: true);

    /// <summary>The command line as the protocol log shows it: no CRLF, and argument <paramref name="secretArg"/>
    /// (a password) replaced by <c>***</c>.</summary>
    public static byte[] Redacted(PyBytes tag, string name, IReadOnlyList<byte[]?> args, byte[] announcement, int secretArg) =>
        Write(tag, name, args, announcement, secretArg, withCrlf: false);

    private static byte[] Write(PyBytes tag, string name, IReadOnlyList<byte[]?> args, byte[] announcement, int secretArg, bool withCrlf)
    {
        byte[] head = tag + Encoding.ASCII.GetBytes(" " + name);
        int length = head.Length + announcement.Length + (withCrlf ? CRLF.Length : 0);
        for (int i = 0; i < args.Count; i++)
            if (args[i] is { } arg) length += 1 + (i == secretArg ? Secret.Length : arg.Length);
        var line = new byte[length];
        var writer = new SpanWriter(line);
        writer.Put(head);
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] is not { } arg) continue;
            writer.Put(" "u8);
            writer.Put(i == secretArg ? Secret : arg);
        }
        writer.Put(announcement);
        if (withCrlf) writer.Put(CRLF);
        return line;
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
}
