namespace ImapLib;

public partial class IMAP4
{
    /// <summary>
    /// Python 3.14's <c>M.idle(duration)</c>: an <see cref="Idler"/> for an IDLE session (RFC 2177). As in Python,
    /// making it sends nothing; IDLE starts when the idler is entered: explicitly with <see cref="Idler.__enter__"/>
    /// (Python's <c>with idler:</c>), or by the first <c>foreach</c> or <see cref="Idler.burst"/>, so that
    /// <c>using var idler = M.idle(); foreach (var (typ, data) in idler)</c> ports <c>with M.idle() as idler: for typ,
    /// data in idler:</c>. Disposing an entered idler sends DONE (Python's leaving the <c>with</c> block).
    /// </summary>
    /// <param name="duration">Seconds, from entering, after which iteration ends; null iterates until the server ends
    /// IDLE.</param>
    /// <exception cref="error">The server does not announce IDLE, or a duration is asked for without a socket or
    /// stream to wait on.</exception>
    public Idler idle(double? duration = null) => new(this, duration);

    /// <summary>Waits up to <paramref name="timeout"/> seconds until a whole response has arrived; false on time-out.
    /// Null waits for ever (the read itself then blocks).</summary>
    private bool WaitForResponseWithin(double? timeout)
    {
        if (timeout is null) return true;
        if (timeout <= 0) return false;
        return WaitForResponse(TimeSpan.FromSeconds(timeout.Value));
    }

    /// <summary>
    /// The timed wait of IDLE's <c>duration</c> and <see cref="Idler.burst"/>: waits up to <paramref name="timeout"/>
    /// until a whole response (its literals included) can be read without blocking; false on time-out, with any part
    /// of a response kept for later. The built-in one waits on the built-in stream. A subclass that replaces the read
    /// hooks overrides it together with <see cref="CanWaitForResponse"/> (a replayed conversation answers at once:
    /// true while the server has more to say, false when it is the client's turn).
    /// </summary>
    /// <exception cref="error">There is no built-in stream to wait on.</exception>
    protected virtual bool WaitForResponse(TimeSpan timeout)
    {
        var reader = _reader ?? throw new error("a timed wait requires the built-in transport (a socket or a stream)");
        return reader.WaitForResponse(timeout);
    }

    /// <summary>True when <see cref="WaitForResponse"/> can wait: the built-in transport is open, or a subclass
    /// provides its own wait. <c>idle(duration)</c> is refused otherwise.</summary>
    protected virtual bool CanWaitForResponse => _reader is not null;

    /// <summary>The sink of an IDLE session: untagged data queued in arrival order, one (type, data) entry per
    /// response, the lines that follow a literal joining the entry of the response they belong to.</summary>
    private sealed class IdleQueue(IMAP4 imap) : IResponseSink
    {
        public readonly List<ImapResult> Responses = [];

        public void Add(string typ, ImapItem data)
        {
            if (Responses.Count == 0 || !Responses[^1].data[^1]!.IsPair)
                Responses.Add(new ImapResult(typ, [data]));
            else
                Responses[^1].data.Add(data);
            if (imap.debug >= 5) imap._mesg($"idle: queue untagged {typ} {PyRepr.Of(data)}");
        }

        public Stream? LiteralDestination(string typ, byte[] header) => null;
    }

    /// <summary>
    /// An IDLE session, Python 3.14's <c>Idler</c>: enter it (<see cref="__enter__"/>, or just start reading), then
    /// enumerate it to receive each untagged response as <c>(typ, data)</c> while the server pushes them;
    /// <see cref="burst"/> collects one burst. Disposing an entered idler sends DONE, files responses not yet read
    /// into <see cref="untagged_responses"/>, and restores the state; disposing one never entered does nothing.
    /// </summary>
    public sealed class Idler : IDisposable, IEnumerable<ImapResult>
    {
        private readonly IMAP4 _imap;
        private readonly double? _duration;
        private PyBytes _tag;
        private string _savedState = "";
        private DateTime? _deadline;
        private IdleQueue? _queue;   // null until entered
        private SinkScope _diverted;   // set on entering
        private bool _done;

        internal Idler(IMAP4 imap, double? duration)
        {
            if (!imap._negotiated.Has("IDLE"))
                throw new error("Server does not support IMAP4 IDLE");
            if (duration is not null && !imap.CanWaitForResponse)
                throw new error("duration requires a socket connection");
            _imap = imap;
            _duration = duration;
        }

        /// <summary>
        /// Python's <c>with idler:</c>: sends IDLE, waits for the server's continuation and starts the duration. The
        /// first <c>foreach</c> or <see cref="burst"/> enters by itself, so calling it is only needed to start IDLE
        /// earlier than the first read (<c>using (idler.__enter__()) { ... }</c>).
        /// </summary>
        /// <returns>This idler.</returns>
        /// <exception cref="error">The idler was entered before, or the server refused IDLE.</exception>
        public Idler __enter__()
        {
            if (_queue is not null) throw new error("this idler was already entered: make a new one with idle()");
            var imap = _imap;
            if (imap.debug >= 4) imap._mesg($"idle start duration={(_duration is null ? "None" : _duration)}");
            _queue = new IdleQueue(imap);
            _diverted = imap.Divert(_queue);
            try
            {
                _tag = imap._command("IDLE", []);
                // Responses that come before the continuation are queued; a tagged reply instead of "+" ends it.
                byte[]? resp;
                while ((resp = imap._get_response()) is not null)
                {
                    if (imap.tagged_commands[_tag] is { } result)
                    {
                        imap.tagged_commands.Remove(_tag);
                        if (result.typ == "NO") throw new error($"idle denied: {PyRepr.Of(result.data)}");
                        throw new abort($"unexpected status response: {PyRepr.Of(resp)}");
                    }
                }
                imap.StopDeadline();   // IDLE waits by design; duration bounds the wait, not command_timeout
                if (imap.debug >= 4) imap._mesg($"idle continuation prompt: {PyRepr.repr(imap.continuation_response)}");
            }
            catch
            {
                _done = true;   // nothing to end: the server never started IDLE
                _diverted.Dispose();
                imap.ReleaseConnectionIfIdle();
                throw;
            }
            if (_duration is not null) _deadline = DateTime.UtcNow.AddSeconds(_duration.Value);
            _savedState = imap.state;
            imap.state = "IDLING";
            return this;
        }

        /// <summary>Enters on the first read, as the port of <c>with M.idle() as idler: for ... in idler</c> needs.</summary>
        private void EnterOnFirstRead()
        {
            if (_queue is null) __enter__();
        }

        /// <summary>Yields each response as it arrives until <c>duration</c> runs out (or for ever without one).</summary>
        public IEnumerator<ImapResult> GetEnumerator()
        {
            EnterOnFirstRead();
            while (true)
            {
                double? timeout = _deadline is { } deadline ? (deadline - DateTime.UtcNow).TotalSeconds : null;
                var response = Pop(timeout);
                if (response is null)
                {
                    if (_imap.debug >= 4) _imap._mesg("idle iterator exhausted");
                    yield break;
                }
                yield return response.Value;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>
        /// Yields one burst: the next response (waiting as the iterator does), then every further response that
        /// follows within <paramref name="interval"/> seconds of the previous one.
        /// </summary>
        public IEnumerable<ImapResult> burst(double interval = 0.1)
        {
            EnterOnFirstRead();
            using (var first = GetEnumerator())
            {
                if (!first.MoveNext()) yield break;
                yield return first.Current;
            }
            while (Pop(interval) is { } response)
                yield return response;
        }

        /// <summary>The next queued or arriving response, or null when none comes within <paramref name="timeout"/>
        /// seconds (null waits for ever) or the server ended IDLE by itself.</summary>
        private ImapResult? Pop(double? timeout)
        {
            var imap = _imap;
            if (imap.state != "IDLING" || _queue is null) throw new error("_pop() only works during IDLE");
            while (_queue.Responses.Count == 0)
            {
                if (imap.tagged_commands.TryGetValue(_tag, out var ended) && ended is not null)
                    return null;   // the server ended IDLE itself; nothing more will come
                if (!imap.WaitForResponseWithin(timeout))
                {
                    if (imap.debug >= 4) imap._mesg($"idle _pop({timeout}) done");
                    return null;
                }
                imap._get_response();
            }
            var next = _queue.Responses[0];
            _queue.Responses.RemoveAt(0);
            if (imap.debug >= 4) imap._mesg($"idle _pop({(timeout is null ? "None" : timeout)}) read {next.typ}");
            return next;
        }

        /// <summary>Ends IDLE: sends DONE and collects the tagged reply. Unread responses are filed into
        /// <see cref="untagged_responses"/>. A broken connection is not reported here; the next command reports it.</summary>
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            if (_queue is null) return;   // never entered: IDLE never started
            var imap = _imap;
            if (imap.debug >= 4) imap._mesg("idle done");
            imap.state = _savedState;
            _diverted.Dispose();
            if (imap.debug >= 4 && _queue.Responses.Count > 0)
                imap._mesg($"idle quit with {_queue.Responses.Count} leftover responses");
            foreach (var (typ, data) in _queue.Responses)
            {
                foreach (var datum in data) imap._sink.Add(typ, datum!);
            }
            _queue.Responses.Clear();
            try
            {
                // If the server already ended IDLE (its tagged reply is in), DONE would be a stray command.
                imap.StartDeadline();   // ending IDLE is bounded like a command
                if (imap.tagged_commands[_tag] is null) imap.Transmit("DONE\r\n"u8.ToArray());
                var (status, data) = imap._command_complete("IDLE", _tag);
                if (imap.debug >= 4) imap._mesg($"idle status: {status} {PyRepr.Of(data)}");
            }
            catch (abort)
            {
            }
        }
    }
}
