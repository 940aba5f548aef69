namespace ImapLib;

/// <summary>
/// Buffered reading of a byte stream in the two ways IMAP needs: a line up to a limit, and a literal of an
/// announced size. Neither trusts the peer: a line stops at the limit, and a literal's buffer grows only as
/// bytes actually arrive beyond <see cref="Literals.TrustedSize"/>, so a server that announces gigabytes and
/// sends a few bytes cannot make us allocate gigabytes.
/// </summary>
internal sealed class LineReader
{

    private readonly Stream _stream;
    private readonly System.Net.Sockets.Socket? _socket;
    private readonly byte[] _buffer;
    private long _deadline;            // Stopwatch timestamp after which reads fail; 0: no deadline
    private double _deadlineSeconds;
    private int _start;
    private int _end;
    private Task<int>? _pendingFill;   // a read started by WaitForResponse, into _buffer at _pendingOffset
    private int _pendingOffset;

    /// <summary>Keeps the memory of big literals committed for the next ones (see <see cref="LiteralAnchors"/>).</summary>
    public LiteralAnchors Anchors { get; } = new();

    public LineReader(Stream stream, System.Net.Sockets.Socket? socket = null, int bufferSize = 64 * 1024)
    {
        _stream = stream;
        _socket = socket;
        _buffer = new byte[bufferSize];
    }

    /// <summary>
    /// Bounds all reads from now on to <paramref name="seconds"/> in total (null removes the bound): a read that
    /// would start after the deadline, or that is still waiting when it passes, throws
    /// <see cref="DeadlineExceededException"/>. On a socket each read waits at most until the deadline, so a server
    /// that drips a byte at a time, or says nothing, cannot stretch a command past it.
    /// </summary>
    public void SetDeadline(double? seconds)
    {
        _deadlineSeconds = seconds ?? 0;
        _deadline = seconds is { } s ? System.Diagnostics.Stopwatch.GetTimestamp() + (long)(s * System.Diagnostics.Stopwatch.Frequency) : 0;
    }

    /// <summary>
    /// How long the next read may wait: the socket's own timeout (<paramref name="configuredMs"/>, 0 for none), or what
    /// is left of the deadline when that is shorter (then <c>deadlineBinds</c>). Throws once the deadline has passed.
    /// </summary>
    private (int ms, bool deadlineBinds) ReadBound(int configuredMs)
    {
        if (_deadline == 0) return (configuredMs, false);
        long remainingMs = (long)System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), _deadline).TotalMilliseconds;
        if (remainingMs <= 0) throw new DeadlineExceededException(_deadlineSeconds);
        bool deadlineBinds = configuredMs == 0 || remainingMs <= configuredMs;
        return (deadlineBinds ? (int)Math.Clamp(remainingMs, 1, int.MaxValue) : configuredMs, deadlineBinds);
    }

    /// <summary>One read from the stream, within the deadline when one is set.</summary>
    private int ReadStream(Span<byte> destination)
    {
        if (_deadline == 0) return _stream.Read(destination);
        if (_socket is not { } socket)
        {
            ReadBound(0);   // a stream without a socket cannot be bounded per read; a passed deadline still ends it
            return _stream.Read(destination);
        }
        int configured = socket.ReceiveTimeout;   // the per-read timeout (0: none) stays in force when it is shorter
        var (bound, deadlineBinds) = ReadBound(configured);
        socket.ReceiveTimeout = bound;
        try
        {
            return _stream.Read(destination);
        }
        catch (IOException e) when (deadlineBinds && e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.TimedOut })
        {
            // The read waited until the deadline (the socket's timer may fire a moment early): the command is over.
            throw new DeadlineExceededException(_deadlineSeconds);
        }
        finally
        {
            socket.ReceiveTimeout = configured;
        }
    }

    /// <summary>Bytes received but not yet consumed.</summary>
    public int Buffered => _end - _start;

    /// <summary>Hands over the bytes received but not yet consumed (for a new layer, such as compression, that
    /// starts in the middle of the stream). A read still pending cannot be handed over: that is refused.</summary>
    public byte[] TakeBuffered()
    {
        if (_pendingFill is not null) throw new InvalidOperationException("a read is pending on the stream");
        byte[] rest = _buffer.AsSpan(_start, _end - _start).ToArray();
        _start = _end;
        return rest;
    }

    /// <summary>
    /// Up to and including the next LF, or <paramref name="limit"/> bytes if no LF comes first, or what is left
    /// at end of stream (empty when nothing is). Python's <c>file.readline(limit)</c>.
    /// </summary>
    public byte[] ReadLine(int limit)
    {
        List<byte[]>? pieces = null;
        int total = 0;
        while (true)
        {
            if (_start == _end && !Fill())
                return Join(pieces, total, ReadOnlySpan<byte>.Empty);
            var available = _buffer.AsSpan(_start, Math.Min(_end - _start, limit - total));
            int lf = available.IndexOf((byte)'\n');
            if (lf >= 0 || total + available.Length >= limit)
            {
                var tail = lf >= 0 ? available[..(lf + 1)] : available;
                _start += tail.Length;
                return Join(pieces, total + tail.Length, tail);
            }
            (pieces ??= []).Add(available.ToArray());
            total += available.Length;
            _start = _end;
        }
    }

    /// <summary>Exactly <paramref name="size"/> bytes, or fewer if the stream ends first (Python's <c>file.read(size)</c>).</summary>
    public byte[] Read(int size)
    {
        // Every byte is overwritten (or the array is trimmed), so skip the zeroing pass.
        byte[] result = GC.AllocateUninitializedArray<byte>(Math.Min(size, Literals.TrustedSize));
        int filled = 0;
        while (filled < size)
        {
            if (filled == result.Length)
            {
                // Past the trusted size, grow by a bounded factor of what has really arrived (not to the announced
                // size at once): one step takes a 100 MB literal from 16 MiB to its exact size.
                var bigger = GC.AllocateUninitializedArray<byte>((int)Math.Min(size, Math.Max(result.Length * (long)Literals.GrowthFactor, 1)));
                result.AsSpan(0, filled).CopyTo(bigger);
                result = bigger;
            }
            int count = ReadInto(result.AsSpan(filled));
            if (count == 0) break;
            filled += count;
        }
        if (filled < result.Length) Array.Resize(ref result, filled);
        Anchors.Offer(result);
        return result;
    }

    /// <summary>Copies exactly <paramref name="size"/> bytes to <paramref name="destination"/> through one small
    /// buffer, however large the literal; returns how many arrived before the stream ended.</summary>
    public long CopyTo(Stream destination, long size)
    {
        byte[] chunk = new byte[Math.Min(size, _buffer.Length)];
        long copied = 0;
        while (copied < size)
        {
            int count = ReadInto(chunk.AsSpan(0, (int)Math.Min(chunk.Length, size - copied)));
            if (count == 0) break;
            destination.Write(chunk, 0, count);
            copied += count;
        }
        return copied;
    }

    /// <summary>Reads what is available into <paramref name="destination"/>: from the buffer first, then the stream.
    /// Returns 0 only at end of stream.</summary>
    public int ReadInto(Span<byte> destination)
    {
        if (_start < _end)
        {
            int count = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, count).CopyTo(destination);
            _start += count;
            return count;
        }
        // Large reads bypass the buffer: no copy through it for bulk literal data.
        if (destination.Length >= _buffer.Length && _pendingFill is null)
            return ReadStream(destination);
        return Fill() ? ReadInto(destination) : 0;
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> until the buffer holds one whole response: a line, and each literal
    /// it announces with the line after it. Returns false when the time runs out first; true too at end of stream,
    /// on a failed read (the next read reports either), and for a response larger than the buffer (reading it
    /// then blocks as usual). Nothing is consumed: a response cut by the deadline stays buffered, and the read that
    /// was waiting stays pending and keeps its bytes for the next read. Waiting on a pending read works over TLS
    /// and pipes alike, where a timed-out blocking read could leave the stream unusable.
    /// </summary>
    public bool WaitForResponse(TimeSpan timeout)
    {
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (!HoldsWholeResponse())
        {
            if (_pendingFill is null)
            {
                if (_end == _buffer.Length)
                {
                    if (_start == 0) return true;
                    _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                    _end -= _start;
                    _start = 0;
                }
                _pendingOffset = _end;
                _pendingFill = _stream.ReadAsync(_buffer, _end, _buffer.Length - _end);
            }
            var remaining = System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), deadline);
            try
            {
                if (remaining <= TimeSpan.Zero || !_pendingFill.Wait(remaining)) return false;
            }
            catch (AggregateException e) when (e.InnerException is not null)
            {
                return true;   // the failure surfaces from the next read, where the caller handles transport errors
            }
            int count = _pendingFill.Result;
            _pendingFill = null;
            if (count == 0) return true;
            _end = _pendingOffset + count;
        }
        return true;
    }

    /// <summary>Whether the buffered bytes hold a whole response (see <see cref="WaitForResponse"/>), by the same
    /// framing rule the response reader follows (<see cref="ResponseFramer"/>).</summary>
    private bool HoldsWholeResponse() => ResponseFramer.WholeResponseLength(_buffer.AsSpan(_start, _end - _start)) >= 0;

    private bool Fill()
    {
        if (_pendingFill is { } pending)
        {
            if (!pending.IsCompleted) AwaitPending(pending);
            _pendingFill = null;
            _start = _pendingOffset;   // the pending read started where the buffered bytes ended
            _end = _start + pending.GetAwaiter().GetResult();
            return _end > _start;
        }
        _start = 0;
        _end = ReadStream(_buffer);
        return _end > 0;
    }

    /// <summary>
    /// Waits for a read left pending by <see cref="WaitForResponse"/> as a blocking read would wait: no longer than
    /// the socket's timeout or the deadline. On time-out the read stays pending (its bytes are not lost) and the
    /// caller gets the exception a timed-out blocking read gives.
    /// </summary>
    private void AwaitPending(Task<int> pending)
    {
        var (timeoutMs, deadlineBinds) = ReadBound(_socket?.ReceiveTimeout ?? 0);
        if (timeoutMs <= 0) return;
        try
        {
            if (pending.Wait(timeoutMs)) return;
        }
        catch (AggregateException)
        {
            return;   // GetResult rethrows the original exception
        }
        if (deadlineBinds) throw new DeadlineExceededException(_deadlineSeconds);
        throw new IOException("timed out", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.TimedOut));
    }

    private static byte[] Join(List<byte[]>? pieces, int total, ReadOnlySpan<byte> tail)
    {
        if (pieces is null) return tail.ToArray();
        var line = new byte[total];
        int at = 0;
        foreach (var piece in pieces)
        {
            piece.CopyTo(line, at);
            at += piece.Length;
        }
        tail.CopyTo(line.AsSpan(at));
        return line;
    }
}

/// <summary>The whole-command deadline (<see cref="IMAP4.command_timeout"/>) passed during a read.</summary>
internal sealed class DeadlineExceededException(double seconds)
    : TimeoutException($"command_timeout of {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} seconds passed");
