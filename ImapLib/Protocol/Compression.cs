using System.IO.Compression;

namespace ImapLib;

/// <summary>
/// COMPRESS=DEFLATE (RFC 4978): the connection's stream, wrapped in raw deflate both ways. Reads inflate what the
/// server sends (bytes that were already buffered when compression began come first); every <see cref="Flush"/>
/// ends the deflate block with a sync flush, so each command the client sends reaches the server whole. A corrupt
/// stream from the server is an <see cref="IOException"/>, which the engine turns into <see cref="IMAP4.abort"/>.
/// </summary>
internal sealed class DeflateConnection : Stream
{
    private readonly Stream _inner;
    private readonly DeflateStream _inflate;
    private readonly DeflateStream _deflate;

    /// <param name="inner">The connection's stream (a socket, TLS or a pipe).</param>
    /// <param name="buffered">Bytes the line reader had already received from <paramref name="inner"/>: the start of
    /// the compressed stream.</param>
    public DeflateConnection(Stream inner, byte[] buffered)
    {
        _inner = inner;
        Stream source = buffered.Length == 0 ? inner : new PrefixedStream(buffered, inner);
        _inflate = new DeflateStream(source, CompressionMode.Decompress, leaveOpen: true);
        // Fastest: IMAP text compresses well even so, and the client must not become the slow end of the link.
        _deflate = new DeflateStream(inner, CompressionLevel.Fastest, leaveOpen: true);
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try { return _inflate.Read(buffer); }
        catch (InvalidDataException e) { throw Corrupt(e); }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try { return await _inflate.ReadAsync(buffer, cancellationToken).ConfigureAwait(false); }
        catch (InvalidDataException e) { throw Corrupt(e); }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => _deflate.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _deflate.Write(buffer);

    /// <summary>Ends the current deflate block (a sync flush) and sends it.</summary>
    public override void Flush()
    {
        _deflate.Flush();
        _inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflate.Dispose();
            // The connection may be gone already: the last block cannot be sent, and need not be.
            try { _deflate.Dispose(); }
            catch (Exception e) when (e is IOException or ObjectDisposedException) { }
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private static IOException Corrupt(InvalidDataException e) => new($"the compressed stream from the server is corrupt: {e.Message}", e);

    /// <summary>Some bytes, then a stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int _at;

        public override bool CanRead => true;
        public override bool CanWrite => false;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_at == prefix.Length) return rest.Read(buffer);
            int n = Math.Min(buffer.Length, prefix.Length - _at);
            prefix.AsSpan(_at, n).CopyTo(buffer);
            _at += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _at == prefix.Length ? rest.ReadAsync(buffer, cancellationToken) : ValueTask.FromResult(Read(buffer.Span));
    }
}
