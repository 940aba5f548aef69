namespace ImapLib;

/// <summary>
/// Where one response ends, the one rule both readers follow: the response reader, line by line through the hooks,
/// and IDLE's timed wait, over bytes already buffered. A line that announces a literal (<c>{n}</c>, literal8
/// <c>~{n}</c>, any size up to 64 bits) is followed by the literal's n bytes and then by more of the same response;
/// inside an open parenthesis an empty line after a literal cannot end the response (a literal that ended in CRLF was
/// followed by the server's own CRLF), so it is skipped, as newer CPython does. Any other line ends the response.
/// </summary>
internal struct ResponseFramer
{
    private int _depth;
    private bool _afterLiteral;

    /// <summary>The size of the literal <paramref name="line"/> (without its CRLF) announces, or -1 when the response
    /// ends with it. Call <see cref="IsFiller"/> first for each line after a literal.</summary>
    public long Announced(ReadOnlySpan<byte> line)
    {
        long size = ResponseParser.LiteralSize(line);
        _afterLiteral = size >= 0;
        if (_afterLiteral) _depth = ResponseParser.ParenDepth(line, _depth);
        return size;
    }

    /// <summary>True for an empty line that follows a literal inside an open parenthesis: skip it and read on.</summary>
    public readonly bool IsFiller(ReadOnlySpan<byte> line) => _afterLiteral && line.IsEmpty && _depth > 0;

    /// <summary>The length of the first whole response at the start of <paramref name="buffer"/>, literals included,
    /// or -1 when the buffer does not yet hold all of it.</summary>
    public static long WholeResponseLength(ReadOnlySpan<byte> buffer)
    {
        var framer = new ResponseFramer();
        long at = 0;
        while (true)
        {
            var rest = buffer[(int)at..];
            int lf = rest.IndexOf((byte)'\n');
            if (lf < 0) return -1;
            var line = rest[..lf];
            if (line.EndsWith("\r"u8)) line = line[..^1];
            at += lf + 1;
            if (framer.IsFiller(line)) continue;
            long size = framer.Announced(line);
            if (size < 0) return at;
            if (size > buffer.Length - at) return -1;
            at += size;
        }
    }
}
