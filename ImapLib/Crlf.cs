namespace ImapLib;

/// <summary>Line-ending normalisation for APPEND: IMAP messages use CRLF, so every bare CR, bare LF and CRLF
/// becomes CRLF (Python's <c>MapCRLF.sub(CRLF, message)</c>).</summary>
internal static class Crlf
{
    public static byte[] Normalize(byte[] message)
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

/// <summary>The base64 framing of AUTHENTICATE exchanges (RFC 3501 section 6.2.2).</summary>
internal static class Authenticator
{
    /// <summary>Encodes a client response: one line of base64, empty for an empty response.</summary>
    public static byte[] Encode(byte[] response) => System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(response));

    /// <summary>Decodes a server challenge. Like Python's <c>binascii.a2b_base64</c>, characters outside the
    /// base64 alphabet are ignored; a challenge that still does not decode is a protocol error.</summary>
    public static byte[] Decode(byte[]? challenge)
    {
        if (challenge is null || challenge.Length == 0) return [];
        var clean = new string(challenge.Where(b => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'+' or (byte)'/' or (byte)'=')
            .Select(b => (char)b).ToArray());
        try
        {
            return Convert.FromBase64String(clean);
        }
        catch (FormatException)
        {
            throw new IMAP4.abort($"invalid base64 in authentication challenge: {PyRepr.Of(challenge)}");
        }
    }
}
