namespace ImapLib;

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
