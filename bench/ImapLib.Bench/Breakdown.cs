using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ImapLib.Bench;

/// <summary>
/// Where ImapLib's time goes in one scenario (a profile by stopwatch): the transport hooks <c>readline</c> and
/// <c>read</c> are virtual, so subclasses time every call; the rest of a repetition is the engine (parsing, filing,
/// result building). GC pauses and collections inside the timed region come from the runtime's own counters.
/// Usage: <c>ImapLib.Bench breakdown --scenario ID [--transport tls] [--reps N] + connection args</c>.
/// </summary>
internal static class Breakdown
{
    internal sealed class Clock
    {
        public long ReadlineTicks, ReadTicks, Readlines, Reads, ReadBytes;
    }

    private sealed class TimedIMAP4(string host, int port, Clock clock) : IMAP4(host, port)
    {
        public override PyBytes readline()
        {
            long t = Stopwatch.GetTimestamp();
            var line = base.readline();
            clock.ReadlineTicks += Stopwatch.GetTimestamp() - t;
            clock.Readlines++;
            return line;
        }

        public override PyBytes read(int size)
        {
            long t = Stopwatch.GetTimestamp();
            var data = base.read(size);
            clock.ReadTicks += Stopwatch.GetTimestamp() - t;
            clock.Reads++;
            clock.ReadBytes += data.Length;
            return data;
        }
    }

    private sealed class TimedIMAP4_SSL(string host, int port, System.Net.Security.SslClientAuthenticationOptions context, Clock clock)
        : IMAP4_SSL(host, port, ssl_context: context)
    {
        public override PyBytes readline()
        {
            long t = Stopwatch.GetTimestamp();
            var line = base.readline();
            clock.ReadlineTicks += Stopwatch.GetTimestamp() - t;
            clock.Readlines++;
            return line;
        }

        public override PyBytes read(int size)
        {
            long t = Stopwatch.GetTimestamp();
            var data = base.read(size);
            clock.ReadTicks += Stopwatch.GetTimestamp() - t;
            clock.Reads++;
            clock.ReadBytes += data.Length;
            return data;
        }
    }

    public static int Run(Args a)
    {
        var conn = a.Conn();
        bool tls = a.Get("transport", "plain") == "tls";
        int reps = a.GetInt("reps", 10);
        var scenario = Scenario.All(a.Has("quick")).Single(s => s.Id == a.Get("scenario"));
        var clock = new Clock();
        IMAP4 m = tls
            ? new TimedIMAP4_SSL(conn.Host, conn.TlsPort, ssl.create_default_context(cafile: conn.CaFile), clock)
            : new TimedIMAP4(conn.Host, conn.Port, clock);
        m.login(conn.User, conn.Password);
        m.select(scenario.Mailbox);
        var rows = new JsonArray();
        for (int r = 0; r < reps + 1; r++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var before = (clock.ReadlineTicks, clock.ReadTicks, clock.Readlines, clock.Reads, clock.ReadBytes);
            int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
            var pause0 = GC.GetTotalPauseDuration();
            long alloc0 = GC.GetTotalAllocatedBytes(true);
            long t0 = Stopwatch.GetTimestamp();
            var (typ, data) = scenario.Kind switch
            {
                "bulk" => m.fetch(scenario.MessageSet, "(RFC822)"),
                "envelope" => m.fetch(scenario.MessageSet, "(ENVELOPE FLAGS)"),
                "search" => m.search(null, "ALL"),
                "each" => EachLoop(m, scenario.Count),
                _ => throw new ArgumentException("breakdown supports bulk, each, envelope and search"),
            };
            double total = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (typ != "OK") throw new InvalidOperationException(typ);
            if (r == 0) continue;   // warm-up
            double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
            double readline = Ms(clock.ReadlineTicks - before.ReadlineTicks), read = Ms(clock.ReadTicks - before.ReadTicks);
            rows.Add(new JsonObject
            {
                ["total_ms"] = total,
                ["readline_ms"] = readline,
                ["readline_calls"] = clock.Readlines - before.Readlines,
                ["read_ms"] = read,
                ["read_calls"] = clock.Reads - before.Reads,
                ["read_bytes"] = clock.ReadBytes - before.ReadBytes,
                ["engine_ms"] = total - readline - read,
                ["gc_pause_ms"] = (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds,
                ["gen0"] = GC.CollectionCount(0) - g0,
                ["gen1"] = GC.CollectionCount(1) - g1,
                ["gen2"] = GC.CollectionCount(2) - g2,
                ["alloc_mb"] = (GC.GetTotalAllocatedBytes(true) - alloc0) / 1e6,
                ["items"] = data.Count,
            });
        }
        m.logout();
        var medians = new JsonObject { ["scenario"] = scenario.Id, ["transport"] = tls ? "tls" : "plain", ["reps"] = reps };
        foreach (var key in ((JsonObject)rows[0]!).Select(p => p.Key))
            medians[key] = Math.Round(Suite.Median(rows.Select(x => J.Double(x![key])).ToList()), 3);
        Console.WriteLine(medians.ToJsonString());
        return 0;
    }

    private static ImapResult EachLoop(IMAP4 m, int count)
    {
        var all = new List<ImapItem?>();
        for (int i = 1; i <= count; i++)
        {
            var (typ, data) = m.fetch(i, "(RFC822)");
            if (typ != "OK") return (typ, all);
            all.AddRange(data);
        }
        return ("OK", all);
    }
}
