using System.Text;

namespace ImapLib;

/// <summary>
/// IMAP's modified UTF-7 for mailbox names (RFC 3501 section 5.1.3): printable ASCII stands for itself
/// (<c>&amp;</c> as <c>&amp;-</c>), everything else is UTF-16 in base64 with <c>,</c> for <c>/</c>, between
/// <c>&amp;</c> and <c>-</c>. Python spells the codec <c>utf-7-imap</c>.
/// </summary>
public static class ModifiedUtf7
{
    private static readonly UnicodeEncoding StrictUtf16 = new(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    /// <summary>Encodes a mailbox name.</summary>
    /// <exception cref="ArgumentException">The name holds an unpaired surrogate (no UTF-16 form).</exception>
    public static string Encode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var result = new StringBuilder(name.Length + 8);
        int i = 0;
        while (i < name.Length)
        {
            char c = name[i];
            if (c is >= ' ' and <= '~')
            {
                result.Append(c == '&' ? "&-" : c.ToString());
                i++;
                continue;
            }
            int start = i;
            while (i < name.Length && name[i] is < ' ' or > '~') i++;
            byte[] utf16;
            try { utf16 = StrictUtf16.GetBytes(name[start..i]); }
            catch (EncoderFallbackException e) { throw new ArgumentException($"a mailbox name with an unpaired surrogate at position {start + e.Index} has no modified UTF-7 form", nameof(name), e); }
            result.Append('&').Append(Convert.ToBase64String(utf16).TrimEnd('=').Replace('/', ',')).Append('-');
        }
        return result.ToString();
    }

    /// <summary>Decodes a mailbox name.</summary>
    /// <exception cref="ArgumentException">The text is not valid modified UTF-7.</exception>
    public static string Decode(string encoded) =>
        TryDecode(encoded, out var name) ? name : throw new ArgumentException($"not valid modified UTF-7: {encoded}", nameof(encoded));

    /// <summary>Decodes a mailbox name; false when the text is not valid modified UTF-7.</summary>
    public static bool TryDecode(string encoded, out string name)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        name = "";
        var result = new StringBuilder(encoded.Length);
        int i = 0;
        while (i < encoded.Length)
        {
            char c = encoded[i];
            if (c is < ' ' or > '~') return false;
            if (c != '&')
            {
                result.Append(c);
                i++;
                continue;
            }
            int end = encoded.IndexOf('-', i + 1);
            if (end < 0) return false;
            if (end == i + 1)
            {
                result.Append('&');
                i = end + 1;
                continue;
            }
            string run = encoded[(i + 1)..end];
            if (run.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '+' or ','))) return false;   // never '/'
            string base64 = run.Replace(',', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            byte[] utf16;
            try { utf16 = Convert.FromBase64String(base64); }
            catch (FormatException) { return false; }
            // Whole UTF-16 units, no stray bits left over (a base64 tail that encodes nothing must be zero).
            if (utf16.Length % 2 != 0 || run.Length != (utf16.Length * 8 + 5) / 6 || (Alphabet.IndexOf(run[^1]) & ((1 << (6 - utf16.Length * 8 % 6) % 6) - 1)) != 0) return false;
            string decoded;
            try { decoded = StrictUtf16.GetString(utf16); }
            catch (DecoderFallbackException) { return false; }   // an unpaired surrogate
            // A shifted run must hold only characters that could not stand for themselves.
            if (decoded.Any(ch => ch is >= ' ' and <= '~')) return false;
            result.Append(decoded);
            i = end + 1;
        }
        name = result.ToString();
        return true;
    }
}
