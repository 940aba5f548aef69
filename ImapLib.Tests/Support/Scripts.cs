namespace ImapLib.Tests.Support;

/// <summary>Pieces of transcripts (the kit's format) that many tests start or end with; each ends with a line break,
/// so the rest of the conversation is appended.</summary>
public static class Scripts
{
    /// <summary>A greeting without capabilities and the CAPABILITY exchange that follows it.</summary>
    public static string Greeting(string capabilities = "IMAP4rev1", string greeting = "* OK fake server ready") =>
        $"S: {greeting}\n" + Capability(capabilities);

    /// <summary>A PREAUTH greeting and the CAPABILITY exchange that follows it (a PREAUTH greeting's code is not read,
    /// so the library always asks).</summary>
    public static string Preauth(string capabilities = "IMAP4rev1") => Greeting(capabilities, "* PREAUTH hi");

    /// <summary>The CAPABILITY exchange the library has after authenticating when the server's OK had no CAPABILITY
    /// code.</summary>
    public static string Capability(string capabilities = "IMAP4rev1") => $$"""
        C: {tag} CAPABILITY
        S: * CAPABILITY {{capabilities}}
        S: {tag} OK CAPABILITY completed

        """;

    /// <summary>LOGOUT answered the usual way.</summary>
    public const string Logout = """
        C: {tag} LOGOUT
        S: * BYE bye
        S: {tag} OK LOGOUT completed

        """;
}
