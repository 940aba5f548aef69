using System.Diagnostics;
using System.Text;

namespace ImapLib;

/// <summary>
/// IMAP4 over a child process's standard input and output, Python's <c>imaplib.IMAP4_stream</c>: the command
/// runs through the shell (<c>/bin/sh -c</c>), e.g. a preauthenticated server such as
/// <c>/usr/lib/dovecot/imap</c> or <c>ssh host exec imapd</c>. The process is reaped on
/// <see cref="shutdown"/>, <see cref="IMAP4.logout"/> and Dispose.
/// </summary>
/// <remarks>The child's standard error is passed on, line by line, to <see cref="Console.Error"/> (where CPython's child
/// writes it: the terminal, unless redirected), and its last 2 kB are kept for the <see cref="IMAP4.abort"/> raised
/// when the child ends unexpectedly. <see cref="IMAP4.socket"/> raises: there is no socket, as in CPython.</remarks>
public class IMAP4_stream : IMAP4
{
    private const int StderrTailBytes = 2048;

    /// <summary>The shell command that speaks IMAP on its standard input and output.</summary>
    public string command { get; }

    /// <summary>The running child process (null before <see cref="open"/> and after <see cref="shutdown"/>).</summary>
    public Process? process { get; private set; }

    private readonly StringBuilder _stderrTail = new();

    /// <summary>Starts <paramref name="command"/> and reads its greeting and capabilities.</summary>
    /// <param name="command">A shell command line.</param>
    /// <param name="timeout">Seconds to wait for each read from the process; null waits for ever.</param>
    /// <exception cref="IMAP4.abort">The command could not start, or ended before or during the greeting.</exception>
    /// <remarks>The parameters are exactly CPython's; the overload taking <see cref="ImapOptions"/> first takes ImapLib's
    /// own settings as well.</remarks>
    public IMAP4_stream(string command, double? timeout = null) : this(new ImapOptions(), command, timeout)
    {
    }

    /// <summary>Starts <paramref name="command"/> as the constructor with CPython's parameters does, with ImapLib's own
    /// settings applied before the greeting is read.</summary>
    /// <param name="options">Settings beyond CPython's arguments.</param>
    /// <param name="command">A shell command line.</param>
    /// <param name="timeout">Seconds to wait for each read from the process; null waits for ever.</param>
    /// <exception cref="IMAP4.abort">The command could not start, or ended before or during the greeting.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public IMAP4_stream(ImapOptions options, string command, double? timeout = null) : base(connect: false)
    {
        Apply(options);
        this.command = command ?? throw new ArgumentNullException(nameof(command));
        Connect("", 0, timeout);
    }

    /// <summary>Starts the process; host and port are ignored (Python keeps them for compatibility).</summary>
    public override void open(string host = "", int port = 0, double? timeout = null)
    {
        this.host = "";
        this.port = 0;
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", command },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process child;
        try
        {
            child = Process.Start(start) ?? throw new abort($"could not start {PyRepr.Of(command)}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new abort($"could not start {PyRepr.Of(command)}: {e.Message}", e);
        }
        process = child;
        // The child's standard error goes on to this process's, line by line, as CPython leaves it on the terminal
        // (a server's own diagnostics appear there); its tail is also kept for the abort message when the child ends.
        child.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null) return;
            Console.Error.WriteLine(line.Data);
            lock (_stderrTail)
            {
                _stderrTail.Append(line.Data).Append('\n');
                if (_stderrTail.Length > StderrTailBytes) _stderrTail.Remove(0, _stderrTail.Length - StderrTailBytes);
            }
        };
        child.BeginErrorReadLine();
        SetStream(new PipePair(child.StandardOutput.BaseStream, child.StandardInput.BaseStream, timeout), null);
    }

    /// <inheritdoc/>
    public override PyBytes readline()
    {
        var line = base.readline();
        if (line.Length == 0) throw Ended();
        return line;
    }

    /// <inheritdoc/>
    public override void send(byte[] data)
    {
        try
        {
            base.send(data);
        }
        catch (IOException e)
        {
            throw Ended(e);
        }
    }

    /// <summary>Closes the pipes and waits for the process to exit; one that has not exited a second after its
    /// standard input closed is killed, so a hung command never hangs the caller.</summary>
    public override void shutdown()
    {
        var child = process;
        if (child is null) return;
        process = null;
        try { Stream?.Dispose(); } catch (IOException) { /* the child may have gone already */ }
        if (!child.WaitForExit(1000))
        {
            try { child.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            child.WaitForExit();
        }
        child.Dispose();
    }

    /// <summary>An abort that says how the process ended: its exit status and the tail of its standard error.</summary>
    private abort Ended(Exception? inner = null)
    {
        var child = process;
        string status = "still running";
        if (child is not null && child.WaitForExit(2000))
        {
            child.WaitForExit();   // let the standard-error reader finish
            status = $"exit status {child.ExitCode}";
        }
        string tail;
        lock (_stderrTail) tail = _stderrTail.ToString().Trim();
        string message = $"socket error: EOF from command {PyRepr.Of(command)} ({status})" + (tail.Length > 0 ? $"; stderr: {tail}" : "");
        return inner is null ? new abort(message) : new abort(message, inner);
    }

    /// <summary>
    /// The child's stdout and stdin as one duplex stream, with the connection's timeout applied to reads and
    /// writes (pipes have none of their own). A read that times out stays pending and its bytes are delivered by
    /// the next read, so a timed-out wait never loses data; async reads go straight to the pipe, since their
    /// callers (IDLE's waits) bound the wait themselves.
    /// </summary>
    private sealed class PipePair(Stream input, Stream output, double? timeout) : Stream
    {
        private Task<int>? _pendingRead;
        private byte[] _pendingBuffer = [];
        private int _leftoverStart, _leftoverEnd;

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_leftoverStart < _leftoverEnd) return TakeLeftover(buffer);
            if (timeout is null && _pendingRead is null) return input.Read(buffer);
            if (_pendingRead is null)
            {
                _pendingBuffer = new byte[Math.Max(buffer.Length, 1)];
                _pendingRead = input.ReadAsync(_pendingBuffer, 0, _pendingBuffer.Length);
            }
            if (timeout is { } seconds && !Finishes(_pendingRead, seconds))
                throw new TimeoutException("timed out");
            var finished = _pendingRead;
            _pendingRead = null;
            _leftoverStart = 0;
            _leftoverEnd = Completed(finished);
            return _leftoverEnd == 0 ? 0 : TakeLeftover(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _pendingRead is null && _leftoverStart == _leftoverEnd
                ? input.ReadAsync(buffer, offset, count, cancellationToken)
                : Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _pendingRead is null && _leftoverStart == _leftoverEnd
                ? input.ReadAsync(buffer, cancellationToken)
                : ValueTask.FromResult(Read(buffer.Span));

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (timeout is not { } seconds)
            {
                output.Write(buffer);
                return;
            }
            // A child that stops reading its stdin must not block us for ever.
            var writing = output.WriteAsync(buffer.ToArray(), 0, buffer.Length);
            if (!Finishes(writing, seconds))
                throw new TimeoutException("timed out");
            Completed(writing);
        }

        public override void Flush() => output.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private int TakeLeftover(Span<byte> buffer)
        {
            int count = Math.Min(buffer.Length, _leftoverEnd - _leftoverStart);
            _pendingBuffer.AsSpan(_leftoverStart, count).CopyTo(buffer);
            _leftoverStart += count;
            return count;
        }

        /// <summary>Whether <paramref name="task"/> ends (well or not) within the timeout; never throws.</summary>
        private static bool Finishes(Task task, double seconds) => Task.WaitAny([task], TimeSpan.FromSeconds(seconds)) == 0;

        /// <summary>The result of a finished task, with its own exception rather than an AggregateException.</summary>
        private static T Completed<T>(Task<T> task) => task.GetAwaiter().GetResult();

        private static void Completed(Task task) => task.GetAwaiter().GetResult();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try { output.Dispose(); } catch (IOException) { }
                input.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
