namespace ImapLib.Tests.Support;

/// <summary>Pieces of transcripts (the kit's format) that many tests start with.</summary>
public static class Scripts
{
    /// <summary>A PREAUTH greeting and the CAPABILITY exchange that follows it (a PREAUTH greeting's code is not read,
    /// so the library always asks), ending with a line break: append the rest of the conversation.</summary>
    public static string Preauth(string capabilities = "IMAP4rev1") => $$"""
        S: * PREAUTH hi
        C: {tag} CAPABILITY
        S: * CAPABILITY {{capabilities}}
        S: {tag} OK CAPABILITY completed

        """;
}
