using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ImapLib;

/// <summary>
/// Keeps the memory of big literals committed from one message to the next, so that a script fetching large
/// messages one at a time reuses memory instead of asking the kernel for fresh pages for every message.
/// </summary>
/// <remarks>
/// <para>Why: a literal of 85,000 bytes or more is a large object. After every full collection, .NET's GC hands back
/// to the operating system whatever lies above the highest live object of each large-object region (it keeps
/// 128 KB; the amount is fixed in the GC, no setting or API changes it). A loop such as
/// <c>for num in ...: M.fetch(num, '(RFC822)')</c> holds one message, often none, when a collection comes, so
/// nearly every message was read into memory fresh from the kernel: each 4 KB page a page fault, a zeroing and a
/// memory-cgroup charge. Profiled on the benchmark's 5 MB messages (docs/performance.md): about 940 page faults per
/// message, twice CPython's, and client CPU nearly three times that of the same loop reading into reused memory.</para>
/// <para>What: the reader keeps alive the highest-placed literal of each region it has used (at most
/// <see cref="MaxHeld"/>). Everything below it stays committed as the GC's free space, and the next messages are
/// placed there. Measured: from about 18,900 page faults to under 100 per 20 messages of 5 MB.</para>
/// <para>The cost is memory: up to <see cref="MaxHeld"/> literals of at most <see cref="Literals.TrustedSize"/>
/// bytes each stay referenced after the caller dropped them, until higher-placed ones replace them or the connection
/// logs out — the same order of memory that CPython's allocator keeps for reuse after freeing a large message.</para>
/// </remarks>
internal sealed class LiteralAnchors
{
    /// <summary>Below this size an array is not a large object: the GC recycles its memory without help.</summary>
    public const int LargeObjectSize = 85_000;

    /// <summary>The span of one large-object region of the GC (its default size). Two literals closer than this are
    /// taken to share a region; a wrong guess only makes the help smaller.</summary>
    internal const long RegionSpan = 32L << 20;

    /// <summary>How many regions are kept committed: a loop over big messages alternates between two.</summary>
    public const int MaxHeld = 2;

    private readonly byte[]?[] _held = new byte[]?[MaxHeld];
    private readonly long[] _lastUsed = new long[MaxHeld];
    private long _clock;

    /// <summary>The literals held now (for tests).</summary>
    internal IEnumerable<byte[]> Held => _held.OfType<byte[]>();

    /// <summary>Considers <paramref name="literal"/>, just read: held if it is the highest-placed in its region.</summary>
    public void Offer(byte[] literal)
    {
        if (literal.Length < LargeObjectSize || literal.Length > Literals.TrustedSize) return;
        _clock++;
        int slot = 0;   // an empty place (last used at 0), else the place of the region used least recently
        for (int i = 0; i < MaxHeld; i++)
        {
            if (_held[i] is { } held && Distance(held, literal) is var above && Math.Abs(above) < RegionSpan)
            {
                // The same region: it stays in use; the literal replaces the held one only if it lies higher.
                _lastUsed[i] = _clock;
                if (above > 0) _held[i] = literal;
                return;
            }
            if (_lastUsed[i] < _lastUsed[slot]) slot = i;
        }
        _held[slot] = literal;
        _lastUsed[slot] = _clock;
    }

    /// <summary>How many bytes <paramref name="to"/>'s data lies above <paramref name="from"/>'s (negative: below).</summary>
    internal static long Distance(byte[] from, byte[] to) =>
        Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(from), ref MemoryMarshal.GetArrayDataReference(to));

    /// <summary>Lets go of every held literal (the connection is closing).</summary>
    public void Release()
    {
        Array.Clear(_held);
        Array.Clear(_lastUsed);
    }
}
