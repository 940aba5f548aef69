using System.Diagnostics;
using ImapLib.Fuzzing;

namespace ImapLib.Tests.Hostile;

/// <summary>
/// Issue 7, promise "never a hang, never a wrong byte" on the response path: valid transcripts, mutated, fed through
/// the library's own transport hooks (an in-memory stream behind <c>SetStream</c>) while login, select, fetch, search,
/// list, status, append, noop and logout run. Only IMAP4.error / IMAP4.abort may escape, results computed only from
/// unmutated input must be exact, and no case may run over 2 s. The long run is
/// <c>dotnet run --project ImapLib.Fuzz -c Release -- --cases 1000000 --seed N</c>.
/// </summary>
[NonParallelizable]
public class FuzzTests
{
    private const ulong Seed = 20_240_707;
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(2);
    private static int Threads => Math.Clamp(Environment.ProcessorCount, 1, 4);

    private static void AssertClean(FuzzSummary summary, long expectedCases)
    {
        TestContext.Out.WriteLine($"{summary.Cases:N0} cases in {summary.Elapsed.TotalSeconds:0.0} s: {summary.Completed:N0} completed, " +
            $"{summary.Aborts:N0} aborted, {summary.Errors:N0} errors, {summary.BaselinesChecked:N0} baselines");
        Assert.That(summary.Failures, Is.Empty, () => string.Join("\n", summary.Failures.Select(f => f.ToString())));
        Assert.That(summary.Cases, Is.EqualTo(expectedCases));
    }

    [Test]
    [CancelAfter(120_000)]
    public void Hundred_thousand_mutated_transcripts_raise_only_error_or_abort_and_never_hang()
    {
        var summary = FuzzRunner.RunMany(Seed, 0, 100_000, Threads, HangLimit, baselineShare: 0.1, debugLevel: _ => 0);
        AssertClean(summary, 100_000);
        // The mutations must bite: most cases end in an abort, and some still complete.
        Assert.That(summary.Aborts, Is.GreaterThan(summary.Cases / 3));
        Assert.That(summary.Completed, Is.GreaterThan(summary.Cases / 10));
    }

    [Test]
    public void Unmutated_transcripts_give_exactly_the_expected_results()
    {
        var summary = FuzzRunner.RunMany(Seed + 1, 0, 3_000, Threads, HangLimit, baselineShare: 1.0, debugLevel: _ => 0);
        AssertClean(summary, 3_000);
        Assert.That(summary.BaselinesChecked, Is.EqualTo(3_000));
    }

    [Test]
    public void Mutated_transcripts_with_debug_output_on_raise_only_error_or_abort()
    {
        // Debug levels 1-5 format hostile bytes for standard error (repr, print_log on abort): that path must hold too.
        var previous = Console.Error;
        var sink = new StringWriter();
        Console.SetError(sink);
        try
        {
            var summary = FuzzRunner.RunMany(Seed + 2, 0, 3_000, Threads, HangLimit, baselineShare: 0, debugLevel: i => (int)(i % 5) + 1);
            AssertClean(summary, 3_000);
        }
        finally
        {
            Console.SetError(previous);
        }
        Assert.That(sink.ToString(), Does.Contain("< ").And.Contain("> "), "debug level 4+ traced the session");
    }

    [Test]
    public void A_case_is_deterministic_and_its_description_gives_seed_index_and_bytes()
    {
        string a = FuzzRunner.Describe(Seed, 12345), b = FuzzRunner.Describe(Seed, 12345);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Does.Contain("segment 0: \"").And.Contain("mutation: "));
        Assert.That(FuzzRunner.Describe(Seed, 12346), Is.Not.EqualTo(a));
    }

    // ---- The harness can fail: a broken client is caught, and so is a wrong byte and a hang. ----

    /// <summary>A client that throws a non-IMAP exception when a response line holds a NUL byte.</summary>
    private sealed class ThrowsOnNul(Stream s, int d) : InMemoryIMAP4(s, d)
    {
        public override PyBytes readline()
        {
            var line = base.readline();
            if (line.Contains((byte)0)) throw new FormatException("NUL in a line");
            return line;
        }
    }

    /// <summary>A client that flips the first byte of every literal: a wrong byte.</summary>
    private sealed class CorruptsLiterals(Stream s, int d) : InMemoryIMAP4(s, d)
    {
        public override PyBytes read(int size)
        {
            byte[] data = base.read(size);   // the array itself: the flip must reach the library
            if (data.Length > 0) data[0] ^= 0x20;
            return data;
        }
    }

    /// <summary>A client that spins on a line holding a NUL byte: a hang.</summary>
    private sealed class SpinsOnNul(Stream s, int d) : InMemoryIMAP4(s, d)
    {
        public override PyBytes readline()
        {
            var line = base.readline();
            if (line.Contains((byte)0))
            {
                var spin = Stopwatch.StartNew();
                while (spin.Elapsed < TimeSpan.FromSeconds(1.5)) Thread.SpinWait(1000);
            }
            return line;
        }
    }

    [Test]
    public void The_runner_reports_an_escaping_exception_with_seed_index_and_replay_command()
    {
        var summary = FuzzRunner.RunMany(Seed, 0, 2_000, 1, HangLimit, maxFailures: 1, baselineShare: 0, client: (s, d) => new ThrowsOnNul(s, d), debugLevel: _ => 0);
        Assert.That(summary.Failures, Has.Count.EqualTo(1));
        string report = summary.Failures[0].ToString();
        Assert.That(report, Does.Contain("System.FormatException escaped").And.Contain($"seed={Seed} index=").And.Contain("--replay"));
        Assert.That(report, Does.Contain("\\u0000"), "the exact bytes, NUL included, are printed");
    }

    [Test]
    public void The_runner_reports_a_wrong_byte_in_results_from_unmutated_input()
    {
        var summary = FuzzRunner.RunMany(Seed, 0, 200, 1, HangLimit, maxFailures: 1, baselineShare: 1.0, client: (s, d) => new CorruptsLiterals(s, d), debugLevel: _ => 0);
        Assert.That(summary.Failures, Has.Count.EqualTo(1));
        Assert.That(summary.Failures[0].Reason, Does.Match("step (fetch|list) returned .* expected "));
    }

    [Test]
    public void The_runner_reports_a_hang()
    {
        var summary = FuzzRunner.RunMany(Seed, 0, 2_000, 1, TimeSpan.FromSeconds(0.3), baselineShare: 0, client: (s, d) => new SpinsOnNul(s, d), debugLevel: _ => 0);
        Assert.That(summary.Failures, Has.Count.EqualTo(1));
        Assert.That(summary.Failures[0].Reason, Does.StartWith("hang"));
        Assert.That(summary.Failures[0].ToString(), Does.Contain("\\u0000"));
    }
}
