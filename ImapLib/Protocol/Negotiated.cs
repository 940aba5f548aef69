namespace ImapLib;

/// <summary>
/// What the connection has negotiated, in one place: the server's capabilities, and the modes the session is in
/// (UTF8=ACCEPT, IMAP4rev2, TLS, compression). Commands ask it instead of reading flags of their own, so a new mode is
/// one property here and the places that depend on it.
/// </summary>
internal sealed class Negotiated
{
    /// <summary>The capabilities the server announced last, upper-cased.</summary>
    public string[] Capabilities { get; set; } = [];

    /// <summary>True when the server announced <paramref name="capability"/> (upper case).</summary>
    public bool Has(string capability) => Array.IndexOf(Capabilities, capability) >= 0;

    /// <summary>UTF8=ACCEPT is enabled (RFC 6855): arguments go as UTF-8, APPEND uses <c>UTF8 (~{n})</c>.</summary>
    public bool Utf8 { get; set; }

    /// <summary>IMAP4rev2 (RFC 9051) is in force: the server speaks only rev2, or <c>ENABLE IMAP4rev2</c> was answered
    /// with <c>* ENABLED IMAP4rev2</c>. Mailbox names are then UTF-8, never modified UTF-7.</summary>
    public bool Rev2 { get; set; }

    /// <summary>STARTTLS succeeded.</summary>
    public bool Tls { get; set; }

    /// <summary>COMPRESS=DEFLATE is on.</summary>
    public bool Compressed { get; set; }

    /// <summary>Arguments (mailbox names above all) are written as UTF-8 rather than ASCII with modified UTF-7.</summary>
    public bool Utf8Arguments => Utf8 || Rev2;

    /// <summary>ENABLE is available: announced, or part of IMAP4rev2's base protocol.</summary>
    public bool CanEnable => Has("ENABLE") || Has("IMAP4REV2");
}
