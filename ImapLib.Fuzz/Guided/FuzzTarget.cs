namespace ImapLib.Fuzz.Guided;

/// <summary>
/// One guided fuzzing target: a function of arbitrary bytes that returns when the library behaved and throws
/// <see cref="Finding"/> (or lets an unexpected exception escape) when it did not. AFL++ treats anything that escapes
/// as a crash; <c>run</c> mode prints it.
/// </summary>
/// <param name="name">The name on the command line (<c>scripts/fuzz.sh NAME</c>).</param>
/// <param name="description">What the target fuzzes, for the help text.</param>
public abstract class FuzzTarget(string name, string description)
{
    public string Name => name;

    public string Description => description;

    /// <summary>Runs one input.</summary>
    public abstract void Run(byte[] input);

    /// <summary>The starting corpus: well-formed inputs built from the project's transcripts.</summary>
    /// <param name="repository">The repository's root, where ImapLib.Tests/Transcripts lives.</param>
    public abstract IEnumerable<(string name, byte[] input)> Seeds(string repository);

    /// <summary>Every target, by name.</summary>
    public static readonly IReadOnlyList<FuzzTarget> All =
        [new ResponsePathTarget(), new EncoderTarget(), new TranscriptTarget(), new CompressionTarget()];

    public static FuzzTarget? Named(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>Bytes allocated by one input beyond which memory counts as unbounded (the library reads at most
    /// 16 MB ahead of a literal's bytes, and a line of at most 1,000,000 bytes).</summary>
    public const long AllocationLimit = 256L << 20;

    /// <summary>Runs <paramref name="input"/> and checks the allocation bound.</summary>
    public void RunBounded(byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(input);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationLimit)
            throw new Finding($"memory: one input of {input.Length} bytes allocated {allocated >> 20} MB");
    }
}

/// <summary>The library broke a promise on some input: a wrong value, bytes sent that should not be, unbounded
/// memory.</summary>
public sealed class Finding(string message) : Exception(message);
