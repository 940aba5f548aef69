namespace ImapLib;

/// <summary>
/// Where the response reader puts untagged data. The reader knows nothing of commands: it asks the sink in force
/// whether a literal should go to a stream, and hands it each piece of data. The connection's own store
/// (<see cref="IMAP4.untagged_responses"/>) is the default sink; an IDLE session and a streaming fetch put their
/// own in front of it for as long as they run (<c>IMAP4.Divert</c>).
/// </summary>
internal interface IResponseSink
{
    /// <summary>Files one piece of untagged data of response <paramref name="typ"/> (a line, or a
    /// (header, literal) pair).</summary>
    void Add(string typ, ImapItem data);

    /// <summary>The stream that the literal announced at the end of <paramref name="header"/> (a line of response
    /// <paramref name="typ"/>) is copied to as it arrives, or null to read it into memory.</summary>
    Stream? LiteralDestination(string typ, byte[] header);
}

/// <summary>The connection's store of untagged responses: Python's <c>_append_untagged</c>.</summary>
internal sealed class UntaggedStore(Action<string, ImapItem> append) : IResponseSink
{
    public void Add(string typ, ImapItem data) => append(typ, data);

    public Stream? LiteralDestination(string typ, byte[] header) => null;
}

/// <summary>A streaming fetch (<see cref="IMAP4.fetch(ImapArg, ImapArg, Func{byte[], Stream}, bool)"/>): FETCH
/// literals go to the caller's streams; everything else, and the pairs' headers, to the sink beneath.</summary>
internal sealed class StreamingFetchSink(IResponseSink inner, Func<byte[], Stream> open) : IResponseSink
{
    public void Add(string typ, ImapItem data) => inner.Add(typ, data);

    public Stream? LiteralDestination(string typ, byte[] header) =>
        typ == "FETCH" ? open(header) : inner.LiteralDestination(typ, header);
}
