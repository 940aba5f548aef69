using System.Globalization;
using ImapLib.Fuzzing;

// Fuzzes ImapLib's response path: valid server transcripts, mutated, fed through an in-memory transport while a
// fixed command sequence runs. Only IMAP4.error / IMAP4.abort may escape; a case over 2 s is a hang.
//
//   dotnet run --project ImapLib.Fuzz -c Release -- --cases 1000000 --seed 7 [--start 0] [--threads N]
//   dotnet run --project ImapLib.Fuzz -c Release -- --seed 7 --replay 123456      (one case, its bytes and outcome)
//
// Exit status: 0 when every case behaved, 1 when some did not (each printed with its seed, index and bytes).
//
// With a mode word first (afl, run, seeds, edges, blind) it is the coverage-guided fuzzer's harness instead: see
// Guided/Cli.cs and scripts/fuzz.sh.

if (args.Length > 0 && ImapLib.Fuzz.Guided.Cli.Modes.Contains(args[0])) return ImapLib.Fuzz.Guided.Cli.Start(args);

long cases = 1_000_000, start = 0;
ulong seed = 1;
long? replay = null;
int threads = Environment.ProcessorCount;
double hangSeconds = 2;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--cases": cases = long.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = ulong.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--start": start = long.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--hang-seconds": hangSeconds = double.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--replay": replay = long.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "-h" or "--help":
            Console.WriteLine("usage: ImapLib.Fuzz [--cases N] [--seed S] [--start I] [--threads T] [--hang-seconds X] [--replay INDEX]");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}");
            return 2;
    }
}

// Cases with a debug level write to standard error; keep the report on standard output readable.
var stderr = Console.Error;
Console.SetError(TextWriter.Null);

if (replay is { } index)
{
    Console.WriteLine($"case seed={seed} index={index}");
    Console.Write(FuzzRunner.Describe(seed, index));
    var failure = FuzzRunner.RunCase(seed, index, out var outcome, checkBaseline: true);
    Console.WriteLine(failure is null ? $"OK ({outcome})" : failure.ToString());
    return failure is null ? 0 : 1;
}

Console.WriteLine($"fuzzing {cases:N0} cases from index {start} with seed {seed} on {threads} threads (hang limit {hangSeconds} s)");
var summary = FuzzRunner.RunMany(seed, start, cases, threads, TimeSpan.FromSeconds(hangSeconds),
    progress: (done, elapsed) => Console.WriteLine($"  {done:N0} cases, {elapsed.TotalSeconds:0} s, {done / Math.Max(elapsed.TotalSeconds, 0.001):N0}/s"),
    maxFailures: 20);
foreach (var failure in summary.Failures) Console.WriteLine(failure);
Console.WriteLine($"done: {summary.Cases:N0} cases in {summary.Elapsed.TotalSeconds:0.0} s " +
    $"({summary.Cases / Math.Max(summary.Elapsed.TotalSeconds, 0.001):N0}/s): {summary.Completed:N0} completed, " +
    $"{summary.Aborts:N0} ended in abort, {summary.Errors:N0} with an error, {summary.BaselinesChecked:N0} unmutated baselines checked; " +
    $"{summary.Failures.Count} failure(s)");
Console.SetError(stderr);
Console.Out.Flush();
// A hung worker thread is a background thread: it does not keep the process alive.
return summary.Failures.Count == 0 ? 0 : 1;
