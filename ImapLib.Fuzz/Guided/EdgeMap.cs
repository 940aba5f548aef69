using SharpFuzz.Common;

namespace ImapLib.Fuzz.Guided;

/// <summary>
/// The edges an instrumented library reached, counted as AFL++ counts them (<c>edges_found</c>): SharpFuzz's
/// instrumentation bumps one byte of a 64 KB map per edge (previous block, this block) into
/// <see cref="Trace.SharedMem"/>; outside AFL++ that map is a private buffer, read and cleared here after each
/// input. Uninstrumented code writes nothing, so the figure is 0 on an ordinary build.
/// </summary>
public sealed unsafe class EdgeMap
{
    private const int Size = 1 << 16;
    private readonly bool[] _seen = new bool[Size];
    private readonly byte* _map;

    public EdgeMap()
    {
        if (Trace.SharedMem is null) Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(Size);
        _map = Trace.SharedMem;
    }

    /// <summary>How many distinct edges have been seen.</summary>
    public int Edges { get; private set; }

    /// <summary>Adds the edges of the input just run, and clears the map for the next.</summary>
    public void Collect()
    {
        for (int i = 0; i < Size; i++)
        {
            if (_map[i] == 0) continue;
            _map[i] = 0;
            if (_seen[i]) continue;
            _seen[i] = true;
            Edges++;
        }
        Trace.PrevLocation = 0;
    }
}
