using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ImapLib.Bench;

/// <summary>
/// One client running one scenario in a process of its own (so that its peak RSS means something): connect,
/// prepare, one untimed warm-up repetition, then N timed repetitions. Prints one JSON object on stdout.
/// </summary>
internal static class Child
{
    public static IBenchClient Create(string client, int bufferSize) => client switch
    {
        "imaplib-cs" => new ImapLibClient(),
        "mailkit" => CreateMailKit(),
        "raw" => new RawClient(bufferSize),
        _ => throw new ArgumentException($"unknown client {client}"),
    };

    // Kept apart so that MailKit's assemblies load only when MailKit is the client.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static IBenchClient CreateMailKit() => new MailKitClient();

    public static int Run(Args a)
    {
        var conn = a.Conn();
        string clientName = a.Get("client");
        bool tls = a.Get("transport", "plain") == "tls";
        int reps = a.GetInt("reps", 5);
        int warmup = a.GetInt("warmup", 1);
        var scenario = Scenario.Find(a.Get("scenario"), a.Has("quick"));
        bool compress = a.Has("compress");
        IReadOnlyList<byte[]> appendMessages = scenario.Kind == "append" ? Seeder.ReadMessageFile(a.Get("append-file")) : [];

        using var client = Create(clientName, a.GetInt("buffer", 64 * 1024));
        long baseRss = Rss.CurrentKb();
        client.Connect(conn, tls);
        if (compress) client.Compress();
        client.Prepare(scenario);
        if (client is MailKitClient mk && scenario.Kind == "append") mk.Preload(appendMessages);

        var times = new JsonArray();
        var allocs = new JsonArray();
        var pauses = new JsonArray();
        var cpus = new JsonArray();
        var gens = new JsonArray();
        var faults = new JsonArray();
        long messages = 0, bytes = 0;
        // Warm-up: at least `warmup` repetitions, and more (up to MaxExtraWarmup) while the JIT is still compiling:
        // tiered compilation promotes hot methods in the background some time after they got hot, so one repetition
        // of a per-message loop was measured still paying for it (CPU 3-4x the steady state). CPython has no JIT;
        // each client is measured in its steady state, and the cold cost is the start-up scenario's.
        const int MaxExtraWarmup = 5;
        long jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        int extraWarmup = 0;
        for (int r = 0; r < warmup + reps; r++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long alloc0 = GC.GetTotalAllocatedBytes(precise: true);
            var pause0 = GC.GetTotalPauseDuration();
            int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
            var cpu0 = Environment.CpuUsage.TotalTime;
            long faults0 = Rss.MinorFaults();
            var sw = Stopwatch.StartNew();
            var result = client.Run(scenario, appendMessages);
            sw.Stop();
            var cpu = Environment.CpuUsage.TotalTime - cpu0;
            long faulted = Rss.MinorFaults() - faults0;
            long alloc1 = GC.GetTotalAllocatedBytes(precise: true);
            var pause = GC.GetTotalPauseDuration() - pause0;
            string gc = $"{GC.CollectionCount(0) - g0}/{GC.CollectionCount(1) - g1}/{GC.CollectionCount(2) - g2}";
            client.AfterRep(scenario);
            if (r < warmup)
            {
                long now = System.Runtime.JitInfo.GetCompiledMethodCount();
                if (r == warmup - 1 && now != jitted && extraWarmup < MaxExtraWarmup)
                {
                    extraWarmup++;
                    warmup++;   // one more untimed repetition
                }
                jitted = now;
                continue;
            }
            times.Add(sw.Elapsed.TotalSeconds);
            allocs.Add(alloc1 - alloc0);
            pauses.Add(pause.TotalSeconds);
            cpus.Add(cpu.TotalSeconds);
            gens.Add(gc);
            faults.Add(faulted);
            messages = result.Messages;
            bytes = result.Bytes;
        }
        var facts = client.Facts();
        client.Logout();

        var output = new JsonObject
        {
            ["client"] = clientName + (compress ? "+deflate" : ""),
            ["scenario"] = scenario.Id,
            ["transport"] = tls ? "tls" : "plain",
            ["times_s"] = times,
            ["alloc_bytes"] = allocs,
            // Inside the timed region: GC pause time, and collections as gen0/gen1/gen2 counts.
            ["gc_pause_s"] = pauses,
            // CPU time (user + system, all threads) this process spent in the timed region.
            ["cpu_s"] = cpus,
            ["gc_collections"] = gens,
            // Untimed repetitions run beyond the asked-for warm-up because the JIT was still compiling.
            ["extra_warmup_reps"] = extraWarmup,
            // Minor page faults in the timed region: fresh memory touched (a 4 KiB page each).
            ["minor_faults"] = faults,
            ["messages"] = messages,
            ["bytes"] = bytes,
            ["peak_rss_kb"] = Rss.PeakKb(),
            ["base_rss_kb"] = baseRss,
            // At the end: private (anonymous) memory and file-backed pages (code of the runtime and native libraries).
            ["rss_anon_kb"] = Rss.Field("RssAnon"),
            ["rss_file_kb"] = Rss.Field("RssFile"),
            ["gc_gen0"] = GC.CollectionCount(0),
            ["gc_gen2"] = GC.CollectionCount(2),
            ["facts"] = JsonSerializerFacts(facts),
        };
        Console.Out.Write(output.ToJsonString());
        Console.Out.Flush();
        return 0;
    }

    private static JsonObject JsonSerializerFacts(Dictionary<string, object> facts)
    {
        var o = new JsonObject();
        foreach (var (k, v) in facts) o[k] = JsonValue.Create(v);
        return o;
    }

    /// <summary>Connect + login + select + logout, once; the suite times the whole process from outside.</summary>
    public static int Startup(Args a)
    {
        var conn = a.Conn();
        bool tls = a.Get("transport", "plain") == "tls";
        string client = a.Get("client");
        switch (client)
        {
            case "imaplib-cs":
            {
                using IMAP4 m = tls
                    ? new IMAP4_SSL(conn.Host, conn.TlsPort, ssl_context: ssl.create_default_context(cafile: conn.CaFile))
                    : new IMAP4(conn.Host, conn.Port);
                m.login(conn.User, conn.Password);
                m.select(Seeder.Box10K);
                m.logout();
                break;
            }
            default:
            {
                using var c = Create(client, 64 * 1024);
                c.Connect(conn, tls);
                c.Prepare(Scenario.All(false).First(s => s.Mailbox == Seeder.Box10K));
                c.Logout();
                break;
            }
        }
        Console.Out.Write(new JsonObject
        {
            ["peak_rss_kb"] = Rss.PeakKb(),
            // Start-up profile: methods the JIT compiled and the time it spent, process CPU so far.
            ["jit_methods"] = System.Runtime.JitInfo.GetCompiledMethodCount(),
            ["jit_ms"] = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,
            ["cpu_ms"] = Environment.CpuUsage.TotalTime.TotalMilliseconds,
        }.ToJsonString());
        return 0;
    }
}

internal static class Rss
{
    public static long Field(string name)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
                return long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0]);
        }
        return -1;
    }

    /// <summary>Peak resident set size (VmHWM), KiB — what getrusage's ru_maxrss reports on Linux.</summary>
    public static long PeakKb() => Field("VmHWM");

    public static long CurrentKb() => Field("VmRSS");

    /// <summary>Minor page faults of this process so far (field 10 of /proc/self/stat).</summary>
    public static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7]);   // fields after the name start at field 3 (state)
    }
}
