namespace ImapLib;

// One thread at a time. Like CPython's, an IMAP4 is for one thread: two threads issuing commands at once would
// interleave their bytes on the wire and take each other's responses, and the connection would be lost. The engine
// therefore notes which thread has a command in progress (from sending it until its tagged reply is collected, IDLE
// included) and refuses, before touching anything, a command or a read from any other thread. Handing a connection
// from one thread to the next between commands (a pool, code after an await) is fine: the claim ends with the command.
public partial class IMAP4
{
    /// <summary>The managed thread id of the thread with a command in progress; 0 when none.</summary>
    private int _ownerThread;

    /// <summary>How deep the owner is inside the engine's entry points (<see cref="Engaged"/>); only the owner changes it.</summary>
    private int _engineDepth;

    /// <summary>Claims the connection for the calling thread, or raises if another thread has a command in progress.
    /// One interlocked compare per command: nothing measurable on the single-threaded path.</summary>
    /// <exception cref="error">Another thread is using the connection.</exception>
    private void ClaimConnection()
    {
        int me = Environment.CurrentManagedThreadId;
        int owner = Interlocked.CompareExchange(ref _ownerThread, me, 0);
        if (owner != 0 && owner != me)
            throw new error($"this IMAP4 connection is in use by another thread (managed thread {owner}): an IMAP4 object, " +
                "like Python's, is for one thread at a time; give each thread its own connection, or serialise the calls");
    }

    /// <summary>Claims the connection for one entry into the engine; the claim ends with the outermost entry once no
    /// command awaits its tagged reply (so a thread that has finished can never release another thread's claim, and
    /// a reply is taken out of <see cref="tagged_commands"/> before the next thread may touch it).</summary>
    private EngineEntry Engaged()
    {
        ClaimConnection();
        _engineDepth++;
        return new EngineEntry(this);
    }

    /// <summary>The end of one entry into the engine (see <see cref="Engaged"/>).</summary>
    private readonly ref struct EngineEntry(IMAP4 imap)
    {
        public void Dispose()
        {
            imap._engineDepth--;
            imap.ReleaseConnectionIfIdle();
        }
    }

    /// <summary>Ends the claim of the calling thread when it is outside the engine and no command awaits its tagged
    /// reply (an IDLE in progress included).</summary>
    private void ReleaseConnectionIfIdle()
    {
        int me = Environment.CurrentManagedThreadId;
        if (_engineDepth > 0 || Volatile.Read(ref _ownerThread) != me) return;
        foreach (var pending in tagged_commands.Values)
        {
            if (pending is null) return;
        }
        Interlocked.CompareExchange(ref _ownerThread, 0, me);
    }
}
