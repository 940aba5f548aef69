using System.Diagnostics;
using System.Text;

namespace ImapLib.Fuzzing;

/// <summary>A failing case: enough to replay it (seed and index) and to read it (mutations and exact bytes).</summary>
public sealed record FuzzFailure(ulong Seed, long Index, string Reason, string Details)
{
    public override string ToString() =>
        $"FUZZ FAILURE seed={Seed} index={Index}: {Reason}\n" +
        $"  replay: dotnet run --project ImapLib.Fuzz -c Release -- --seed {Seed} --replay {Index}\n{Details}";
}

/// <summary>The outcome of a run of many cases.</summary>
public sealed record FuzzSummary(long Cases, long Aborts, long Errors, long Completed, long BaselinesChecked, TimeSpan Elapsed, List<FuzzFailure> Failures);

/// <summary>
/// Runs cases: each builds a valid transcript, checks (for a share of cases) that the unmutated transcript gives
/// exactly the expected results, then mutates it and runs the fixed command sequence against it. Only
/// <see cref="IMAP4.error"/> (and its <see cref="IMAP4.abort"/>) may escape; results of commands answered only by
/// segments before the first mutation must equal the expected ones; a case over the time limit is a hang.
/// </summary>
public static class FuzzRunner
{
    /// <summary>Makes the client for a case; the tests swap it to prove that the runner catches what it should.</summary>
    public static Func<Stream, int, IMAP4> DefaultClient { get; } = (stream, debug) => new InMemoryIMAP4(stream, debug);

    public enum Outcome { Completed, Aborted, Error }

    /// <summary>Describes a case fully: its mutations and the exact bytes of each segment.</summary>
    public static string Describe(ulong seed, long index)
    {
        var (template, segs, log, first, debug) = Build(seed, index);
        var s = new StringBuilder();
        s.Append($"  literal+={template.LiteralPlus} debug={debug} first mutated segment={first}\n");
        foreach (var m in log) s.Append("  mutation: ").Append(m).Append('\n');
        for (int i = 0; i < segs.Count; i++) s.Append($"  segment {i}: \"{Results.Escape(segs[i])}\"\n");
        return s.ToString();
    }

    private static (Transcript template, List<byte[]> segs, List<string> log, int first, int debug) Build(ulong seed, long index)
    {
        var r = FuzzRandom.ForCase(seed, index);
        var template = Generate(r);
        var segs = new List<byte[]>(template.Segments);
        var log = new List<string>();
        int first = FuzzGenerator.Mutate(r, segs, log);
        int debug = r.Chance(0.01) ? r.Range(1, 5) : 0;
        return (template, segs, log, first, debug);
    }

    private static Transcript Generate(FuzzRandom r) => FuzzGenerator.Generate(r);

    /// <summary>Runs one case; null when it behaved, otherwise why not.</summary>
    /// <param name="debugLevel">The debug level of the mutated run; null lets the case choose (1 in 100 cases
    /// run at a level from 1 to 5, which writes to standard error).</param>
    public static FuzzFailure? RunCase(ulong seed, long index, out Outcome outcome, bool checkBaseline, Func<Stream, int, IMAP4>? client = null, int? debugLevel = null)
    {
        client ??= DefaultClient;
        var (template, segs, _, first, debug) = Build(seed, index);
        debug = debugLevel ?? debug;
        outcome = Outcome.Completed;
        if (checkBaseline)
        {
            string? problem = Run(template.Segments, template, int.MaxValue, client, 0, out var baselineOutcome);
            if (problem is null && baselineOutcome != Outcome.Completed) problem = $"the unmutated transcript did not complete ({baselineOutcome})";
            if (problem is not null)
                return new FuzzFailure(seed, index, "baseline: " + problem, Describe(seed, index) + BaselineBytes(template));
        }
        string? failure = Run(segs, template, first, client, debug, out outcome);
        return failure is null ? null : new FuzzFailure(seed, index, failure, Describe(seed, index));
    }

    private static string BaselineBytes(Transcript t) =>
        string.Concat(t.Segments.Select((s, i) => $"  unmutated segment {i}: \"{Results.Escape(s)}\"\n"));

    /// <summary>Runs the step sequence against <paramref name="segs"/>; returns a problem or null.</summary>
    private static string? Run(List<byte[]> segs, Transcript template, int firstMutated, Func<Stream, int, IMAP4> client, int debug, out Outcome outcome)
    {
        outcome = Outcome.Completed;
        var stream = new ScriptStream(segs);
        IMAP4? M = null;
        string? problem = null;
        try
        {
            M = client(stream, debug);
            for (int i = 0; i < FuzzGenerator.Steps.Length; i++)
            {
                var step = FuzzGenerator.Steps[i];
                try
                {
                    var result = step.Run(M);
                    // Everything this command saw came from segments before the first mutation: it must be exact.
                    if (stream.SegmentsReleased <= firstMutated && !Results.Same(result, template.Expected[i]))
                        return $"step {step.Name} returned {Results.Show(result)}, expected {Results.Show(template.Expected[i])} (only unmutated input seen)";
                }
                catch (IMAP4.abort)
                {
                    outcome = Outcome.Aborted;
                    break;
                }
                catch (IMAP4.error)
                {
                    outcome = Outcome.Error;   // a logical error: the connection may go on
                }
            }
        }
        catch (IMAP4.error)
        {
            outcome = M is null ? Outcome.Aborted : Outcome.Error;   // from the constructor: no connection
        }
        catch (Exception e)
        {
            problem = $"{e.GetType().FullName} escaped: {e}";
        }
        finally
        {
            try { M?.Dispose(); }
            catch (Exception e) { problem ??= $"Dispose threw {e.GetType().FullName}: {e}"; }
        }
        return problem;
    }

    /// <summary>
    /// Runs cases <paramref name="start"/> .. start+count-1 of <paramref name="seed"/> on <paramref name="threads"/>
    /// threads (case i on thread i mod threads). A watchdog reports a case that runs longer than
    /// <paramref name="hangLimit"/> as a hang and ends the run (the stuck thread is left behind, in the background).
    /// </summary>
    public static FuzzSummary RunMany(ulong seed, long start, long count, int threads, TimeSpan hangLimit,
        Action<long, TimeSpan>? progress = null, int maxFailures = 10, double baselineShare = 0.25,
        Func<Stream, int, IMAP4>? client = null, Func<long, int>? debugLevel = null)
    {
        var failures = new List<FuzzFailure>();
        long done = 0, aborts = 0, errors = 0, completed = 0, baselines = 0;
        var current = new long[threads];
        var startedAt = new long[threads];
        var finished = new bool[threads];
        bool stop = false;
        var clock = Stopwatch.StartNew();
        var workers = new Thread[threads];
        int baselineEvery = baselineShare <= 0 ? int.MaxValue : (int)Math.Max(1, Math.Round(1 / baselineShare));
        for (int w = 0; w < threads; w++)
        {
            int worker = w;
            workers[w] = new Thread(() =>
            {
                try
                {
                    for (long i = start + worker; i < start + count && !Volatile.Read(ref stop); i += threads)
                    {
                        Volatile.Write(ref startedAt[worker], clock.ElapsedTicks);
                        Volatile.Write(ref current[worker], i);
                        bool baseline = i % baselineEvery == 0;
                        var failure = RunCase(seed, i, out var outcome, baseline, client, debugLevel?.Invoke(i));
                        if (baseline) Interlocked.Increment(ref baselines);
                        switch (outcome)
                        {
                            case Outcome.Aborted: Interlocked.Increment(ref aborts); break;
                            case Outcome.Error: Interlocked.Increment(ref errors); break;
                            default: Interlocked.Increment(ref completed); break;
                        }
                        Interlocked.Increment(ref done);
                        if (failure is not null)
                        {
                            lock (failures)
                            {
                                failures.Add(failure);
                                if (failures.Count >= maxFailures) Volatile.Write(ref stop, true);
                            }
                        }
                    }
                }
                finally
                {
                    Volatile.Write(ref finished[worker], true);
                }
            }, 16 * 1024 * 1024)
            { IsBackground = true, Name = $"fuzz worker {w}" };
            workers[w].Start();
        }

        var lastProgress = TimeSpan.Zero;
        while (true)
        {
            bool all = true;
            for (int w = 0; w < threads; w++)
            {
                if (Volatile.Read(ref finished[w])) continue;
                all = false;
                long since = clock.ElapsedTicks - Volatile.Read(ref startedAt[w]);
                if (since > hangLimit.TotalSeconds * Stopwatch.Frequency && workers[w].Join(0) == false)
                {
                    long index = Volatile.Read(ref current[w]);
                    Volatile.Write(ref stop, true);
                    lock (failures)
                        failures.Add(new FuzzFailure(seed, index, $"hang: case still running after {hangLimit.TotalSeconds:0.#} s", Describe(seed, index)));
                    for (int o = 0; o < threads; o++) if (o != w) workers[o].Join(hangLimit);
                    lock (failures)
                        return new FuzzSummary(Interlocked.Read(ref done), aborts, errors, completed, baselines, clock.Elapsed, [.. failures]);
                }
            }
            if (all) break;
            Thread.Sleep(20);
            if (progress is not null && clock.Elapsed - lastProgress >= TimeSpan.FromSeconds(5))
            {
                lastProgress = clock.Elapsed;
                progress(Interlocked.Read(ref done), clock.Elapsed);
            }
        }
        return new FuzzSummary(done, aborts, errors, completed, baselines, clock.Elapsed, failures);
    }
}
