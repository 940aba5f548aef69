using System.Text;

namespace ImapLib;

/// <summary>
/// Literals (RFC 3501 section 4.3, RFC 7888, RFC 6855): how much of an announced size is trusted, how one is
/// announced on a command line, and the line endings of an APPEND message. The reading of literals is in
/// <see cref="LineReader"/> and ResponseReader.cs; their writing is in CommandWriter.cs.
/// </summary>
internal static class Literals
{
    /// <summary>Literals up to this size are read into an array allocated once at their announced size; beyond it
    /// the array grows only as bytes actually arrive, so a server that announces gigabytes and sends a few bytes
    /// cannot make the client allocate gigabytes.</summary>
    public const int TrustedSize = 16 * 1024 * 1024;

    /// <summary>How much a literal's buffer may grow, past <see cref="TrustedSize"/>, relative to the bytes that have
    /// really arrived: at most this many times them. Large enough that a literal of up to 128 MiB needs one step
    /// (a 100 MB literal allocates about 1.17 times its size, measured, not the 2.07 of doubling), small enough that a server must
    /// send an eighth of what it announces before the client allocates all of it.</summary>
    public const int GrowthFactor = 8;

    /// <summary>
    /// The announcement of a literal of <paramref name="size"/> bytes at the end of a command line: <c>{n}</c>,
    /// <c>{n+}</c> when sent without waiting (LITERAL+, RFC 7888), inside <c>UTF8 (~...</c> once UTF-8 is enabled
    /// (RFC 6855's APPEND form, closed by <see cref="Trailer"/>).
    /// </summary>
    public static byte[] Announcement(int size, bool utf8, bool nonSynchronizing) =>
        Encoding.ASCII.GetBytes($"{(utf8 ? " UTF8 (~" : " ")}{{{size}{(nonSynchronizing ? "+" : "")}}}");

    /// <summary>What follows the literal's bytes to end the command: <c>)</c> closes RFC 6855's UTF8 form.</summary>
    public static byte[] Trailer(bool utf8) => utf8 ? ")\r\n"u8.ToArray() : "\r\n"u8.ToArray();

    /// <summary>Line-ending normalisation for APPEND: IMAP messages use CRLF, so every bare CR, bare LF and CRLF
    /// becomes CRLF (Python's <c>MapCRLF.sub(CRLF, message)</c>).</summary>
    public static byte[] NormalizeLineEndings(byte[] message)
    {
        ReadOnlySpan<byte> source = message;
        // Fast path: a message already in canonical form is sent as it is, without a copy.
        int bare = 0;
        for (int i = source.IndexOfAny((byte)'\r', (byte)'\n'); i >= 0 && i < source.Length;)
        {
            if (source[i] == '\r' && i + 1 < source.Length && source[i + 1] == '\n') i += 2;
            else { bare++; i++; }
            int next = source[i..].IndexOfAny((byte)'\r', (byte)'\n');
            i = next < 0 ? source.Length : i + next;
        }
        if (bare == 0) return message;

        var result = new byte[message.Length + bare];
        int at = 0;
        for (int i = 0; i < source.Length; i++)
        {
            byte b = source[i];
            if (b == '\r')
            {
                result[at++] = (byte)'\r';
                result[at++] = (byte)'\n';
                if (i + 1 < source.Length && source[i + 1] == '\n') i++;
            }
            else if (b == '\n')
            {
                result[at++] = (byte)'\r';
                result[at++] = (byte)'\n';
            }
            else
            {
                result[at++] = b;
            }
        }
        return result;
    }
}
