using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImapLib.Bench;

/// <summary>
/// The whole benchmark: checks the seeded data, then for every scenario and transport runs each client in a child
/// process (ImapLib, MailKit and the raw reader as modes of this program, CPython's imaplib through
/// bench/python_driver.py), times whole-process start-ups, prints a Markdown table and writes the JSON results.
/// </summary>
internal static class J
{
    public static long Long(JsonNode? n) => n is JsonValue v
        ? v.TryGetValue<long>(out var l) ? l : v.TryGetValue<int>(out var i) ? i : (long)v.GetValue<double>()
        : throw new InvalidOperationException("not a number");

    public static double Double(JsonNode? n) => n is JsonValue v
        ? v.TryGetValue<double>(out var d) ? d : Long(v)
        : throw new InvalidOperationException("not a number");
}

internal static class Suite
{
    private static readonly string[] Clients = ["imaplib-cs", "mailkit", "python", "raw"];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(Args a)
    {
        var conn = a.Conn();
        bool quick = a.Has("quick");
        int rounds = a.GetInt("rounds", quick ? 1 : 3);
        int repsPerRound = (a.GetInt("reps", quick ? 1 : 9) + rounds - 1) / rounds;
        int reps = repsPerRound * rounds;
        int warmup = a.GetInt("warmup", quick ? 0 : 1);
        string python = a.Get("python", "python3");
        string driver = a.Get("driver");
        string outPath = a.Get("out");
        string dataDir = a.Get("data-dir");
        string[] only = a.Has("only") ? a.Get("only").Split(',') : [];
        bool noTls = a.Has("no-tls");
        var total = Stopwatch.StartNew();

        Directory.CreateDirectory(dataDir);
        string appendFile = Path.Combine(dataDir, "append-messages.bin");
        var appendMessages = Seeder.AppendMessages(Seeder.CountAppend);
        Seeder.WriteMessageFile(appendFile, appendMessages);

        Console.Error.WriteLine("== warming the server's caches and checking the seeded data");
        var checks = WarmAndCheck(conn);

        // "--only wan" or wan-* ids select the WAN scenarios; a run without --only does both parts.
        bool wanSelected = only.Length == 0 || only.Any(id => id.StartsWith("wan", StringComparison.Ordinal));
        bool loopbackSelected = only.Length == 0 || only.Any(id => !id.StartsWith("wan", StringComparison.Ordinal));
        if (wanSelected)
        {
            int wanRounds = a.GetInt("wan-rounds", quick ? 1 : 3);
            int wanRepsPerRound = (a.GetInt("wan-reps", quick ? 1 : 3) + wanRounds - 1) / wanRounds;
            var wanDoc = Wan.Run(conn, python, driver, appendFile, quick, only, wanRounds, wanRepsPerRound, warmup);
            Wan.Write(wanDoc, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outPath))!, quick ? "wan-quick.json" : "wan.json"));
        }
        if (!loopbackSelected)
        {
            Console.Error.WriteLine($"== WAN only, done in {total.Elapsed.TotalSeconds:F0} s");
            return 0;
        }

        var results = new JsonArray();
        foreach (var scenario in Scenario.All(quick))
        {
            if (only.Length > 0 && !only.Contains(scenario.Id)) continue;
            foreach (var transport in scenario.TlsToo && !noTls ? new[] { "plain", "tls" } : ["plain"])
            {
                // Rounds, each running every client in a rotated order, spread the drift of a busy machine
                // over all clients instead of charging it to whichever ran during a burst.
                var runs = Clients.ToDictionary(c => c, _ => new List<JsonObject>());
                for (int round = 0; round < rounds; round++)
                {
                    foreach (var client in Rotate(Clients, round))
                    {
                        Console.Error.Write($"-- {scenario.Id} {transport} {client} round {round + 1}/{rounds} ... ");
                        var sw = Stopwatch.StartNew();
                        var common = ChildArgs(scenario, transport, conn, repsPerRound, warmup, appendFile, quick);
                        JsonObject r = RunClient(client, common, python, driver);
                        Console.Error.WriteLine($"median {Median(Times(r)) * 1000:F1} ms ({sw.Elapsed.TotalSeconds:F1} s)");
                        runs[client].Add(r);
                    }
                }
                var perClient = new JsonObject();
                foreach (var client in Clients) perClient[client] = Merge(runs[client]);
                results.Add(Summarise(scenario, transport, perClient));
            }
        }

        JsonArray startup = [];
        if (only.Length == 0 || only.Contains("startup"))
        {
            foreach (var transport in noTls ? new[] { "plain" } : ["plain", "tls"])
                startup.Add(StartupScenario(conn, transport, python, quick ? 1 : reps, quick ? 0 : 1));
        }

        JsonArray sweep = [];
        if (!quick && (only.Length == 0 || only.Contains("buffer-sweep")))
            sweep = BufferSweep(conn, reps);

        var doc = new JsonObject
        {
            ["generated_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", Inv),
            ["quick"] = quick,
            ["reps"] = reps,
            ["rounds"] = rounds,
            ["warmup_reps"] = warmup,
            ["warmup_policy"] = WarmupPolicy,
            ["machine"] = Machine(python),
            ["checks"] = checks,
            ["scenarios"] = results,
            ["startup"] = startup,
            ["buffer_sweep"] = sweep,
        };
        doc["targets"] = Targets(doc);
        doc["wall_seconds"] = Math.Round(total.Elapsed.TotalSeconds, 1);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        File.WriteAllText(outPath, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        string table = Markdown(doc);
        Console.WriteLine(table);
        File.WriteAllText(Path.ChangeExtension(outPath, ".md"), table);
        Console.Error.WriteLine($"== wrote {outPath} in {total.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    private const string ResultsBegin = "<!-- bench:results:begin (written by bench/run.sh from bench/results/latest.json: do not edit by hand) -->";
    private const string ResultsEnd = "<!-- bench:results:end -->";

    /// <summary>
    /// <c>report --json FILE --doc FILE</c>: writes the results table of <paramref name="a"/>'s JSON into the document
    /// between its two markers, so the figures in docs/performance.md are always the committed JSON's.
    /// </summary>
    public static int Report(Args a)
    {
        string path = a.Get("doc");
        string text = File.ReadAllText(path);
        string updated = text;
        if (a.Has("json") && !Between(ref updated, ResultsBegin, ResultsEnd, Markdown(Load(a.Get("json")))))
        {
            Console.Error.WriteLine($"{path} has no results markers");
            return 1;
        }
        if (a.Has("wan-json") && File.Exists(a.Get("wan-json")))
        {
            var wan = Load(a.Get("wan-json"));
            if (!Between(ref updated, WanBegin, WanEnd, Wan.Markdown(wan)))
            {
                Console.Error.WriteLine($"{path} has no WAN markers");
                return 1;
            }
            // The chart sits beside the page, generated from the same JSON.
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "images", "wan-benchmark.svg"), Wan.Svg(wan));
        }
        File.WriteAllText(path, updated);
        Console.Error.WriteLine(updated == text ? $"== {path} already shows these results" : $"== wrote the results into {path}");
        return 0;
    }

    private const string WanBegin = "<!-- bench:wan:begin (written by bench/run.sh from bench/results/wan.json: do not edit by hand) -->";
    private const string WanEnd = "<!-- bench:wan:end -->";

    private static JsonObject Load(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    /// <summary>Replaces what lies between two markers of <paramref name="text"/>; false when they are missing.</summary>
    private static bool Between(ref string text, string beginMarker, string endMarker, string content)
    {
        int begin = text.IndexOf(beginMarker, StringComparison.Ordinal), end = text.IndexOf(endMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin) return false;
        text = text[..(begin + beginMarker.Length)] + "\n\n" + content.TrimEnd() + "\n\n" + text[end..];
        return true;
    }

    // ---- Children ----------------------------------------------------------------------------------------------

    /// <summary>The arguments every client process takes for one scenario (the Python driver's are the same).</summary>
    internal static List<string> ChildArgs(Scenario scenario, string transport, ConnInfo conn, int reps, int warmup, string appendFile, bool quick)
    {
        var args = new List<string> { "--scenario", scenario.Id, "--transport", transport, "--reps", reps.ToString(Inv),
            "--warmup", warmup.ToString(Inv), "--append-file", appendFile };
        args.AddRange(Args.ConnArgs(conn));
        if (quick) args.Add("--quick");
        return args;
    }

    /// <summary>Runs one client in a process of its own: CPython through its driver, the others as this program's
    /// <c>child</c> mode; returns the JSON it printed.</summary>
    internal static JsonObject RunClient(string client, List<string> args, string python, string driver) => client == "python"
        ? RunJson(python, [driver, .. args])
        : RunJson(SelfExe(), [.. SelfArgs(), "child", "--client", client, .. args]);

    internal static string SelfExe()
    {
        string path = Environment.ProcessPath!;
        return path;
    }

    /// <summary>When started as <c>dotnet ImapLib.Bench.dll</c>, the children need the dll too.</summary>
    internal static string[] SelfArgs() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet" ? [typeof(Suite).Assembly.Location] : [];

    internal static (int code, string stdout, string stderr, double seconds) Exec(string file, IEnumerable<string> args, int timeoutSeconds = 600)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} ran over {timeoutSeconds} s");
        }
        p.WaitForExit();
        double seconds = sw.Elapsed.TotalSeconds;
        return (p.ExitCode, stdout.Result, stderr.Result, seconds);
    }

    internal static JsonObject RunJson(string file, IEnumerable<string> args)
    {
        var (code, stdout, stderr, _) = Exec(file, args);
        if (code != 0) throw new InvalidOperationException($"{file} exited {code}:\n{stderr}\n{stdout}");
        return JsonNode.Parse(stdout)!.AsObject();
    }

    internal static IEnumerable<string> Rotate(string[] items, int by) => items.Skip(by % items.Length).Concat(items.Take(by % items.Length));

    /// <summary>One client's rounds as one result: all timings, the highest peak RSS.</summary>
    internal static JsonObject Merge(List<JsonObject> runs)
    {
        var merged = runs[^1].DeepClone().AsObject();
        merged["times_s"] = new JsonArray(runs.SelectMany(r => r["times_s"]!.AsArray()).Select(n => n!.DeepClone()).ToArray());
        foreach (var key in new[] { "alloc_bytes", "gc_pause_s", "gc_collections", "cpu_s", "minor_faults" })
        {
            if (runs[0][key] is not null)
                merged[key] = new JsonArray(runs.SelectMany(r => r[key]!.AsArray()).Select(n => n!.DeepClone()).ToArray());
        }
        merged["peak_rss_kb"] = runs.Max(r => J.Long(r["peak_rss_kb"]));
        if (runs[0]["base_rss_kb"] is not null) merged["base_rss_kb"] = runs.Min(r => J.Long(r["base_rss_kb"]));
        return merged;
    }

    // ---- Warm-up and checks ------------------------------------------------------------------------------------

    /// <summary>Selects every seeded folder (Dovecot indexes new Maildir files on the first SELECT), fetches what the
    /// scenarios fetch once so the server's caches are warm for every client alike, checks the counts, and checks on
    /// the wire that APPEND sends no synchronising literal when LITERAL+ is offered.</summary>
    private static JsonObject WarmAndCheck(ConnInfo conn)
    {
        var checks = new JsonObject();
        using (var m = new IMAP4(conn.Host, conn.Port))
        {
            m.login(conn.User, conn.Password);
            foreach (var folder in Seeder.Folders)
            {
                var sw = Stopwatch.StartNew();
                var (typ, data) = m.select(folder.Name);
                int exists = typ == "OK" ? int.Parse(data[^1]!.decode(), Inv) : -1;
                if (exists != folder.Count)
                    throw new InvalidOperationException($"{folder.Name}: {exists} messages, expected {folder.Count}: run bench/run.sh to (re)seed");
                m.fetch("1:*", "(ENVELOPE FLAGS RFC822.SIZE)");
                var (_, sizes) = m.fetch("1:*", "(RFC822.SIZE)");
                long bytes = sizes.Where(i => i is not null).Sum(i => long.Parse(Encoding.ASCII.GetString(i!.Bytes).Split(' ')[^1].TrimEnd(')'), Inv));
                if (folder.Name != Seeder.Box20K) m.fetch("1:*", "(RFC822)");
                checks[folder.Name] = new JsonObject { ["messages"] = exists, ["bytes"] = bytes, ["warm_seconds"] = Math.Round(sw.Elapsed.TotalSeconds, 2) };
                Console.Error.WriteLine($"   {folder.Name}: {exists} messages, {bytes / 1e6:F1} MB ({sw.Elapsed.TotalSeconds:F1} s)");
            }
            m.logout();
        }
        checks["literal_plus"] = LiteralPlusCheck(conn);
        GC.Collect();   // the warm-up fetched ~125 MB: give it back before forking the children
        return checks;
    }

    /// <summary>Counts the continuation requests ("+ ...") the server sends during 5 APPENDs, with LITERAL+ used
    /// (expected 0) and with it switched off (expected 5, showing the counter works).</summary>
    private static JsonObject LiteralPlusCheck(ConnInfo conn)
    {
        var messages = Seeder.AppendMessages(5);
        var result = new JsonObject();
        foreach (bool use in new[] { true, false })
        {
            using var m = new CountingIMAP4(conn.Host, conn.Port) { UseLiteralPlus = use };
            m.login(conn.User, conn.Password);
            m.delete("benchcheck");
            m.create("benchcheck");
            m.Continuations = 0;
            foreach (var msg in messages) m.append("benchcheck", null, null, msg);
            result[use ? "continuations_with_literal_plus" : "continuations_without"] = m.Continuations;
            result["server_offers_literal_plus"] = m.capabilities.Contains("LITERAL+");
            m.delete("benchcheck");
            m.logout();
        }
        return result;
    }

    private sealed class CountingIMAP4(string host, int port) : IMAP4(host, port)
    {
        public int Continuations;

        public override PyBytes readline()
        {
            var line = base.readline();
            if (line.Length > 0 && line[0] == '+') Continuations++;
            return line;
        }
    }

    // ---- Start-up ------------------------------------------------------------------------------------------------

    private const string PythonStartup =
        "import imaplib, sys\n" +
        "h, p, u, w, box, ca = sys.argv[1:7]\n" +
        "if ca:\n    import ssl\n    M = imaplib.IMAP4_SSL(h, int(p), ssl_context=ssl.create_default_context(cafile=ca))\n" +
        "else:\n    M = imaplib.IMAP4(h, int(p))\n" +
        "M.login(u, w); M.select(box); M.logout()\n" +
        "print('{\"peak_rss_kb\": %s}' % [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')][0])\n";

    private static JsonObject StartupScenario(ConnInfo conn, string transport, string python, int reps, int warmup)
    {
        bool tls = transport == "tls";
        var times = Clients.ToDictionary(c => c, _ => new JsonArray());
        var rss = Clients.ToDictionary(c => c, _ => 0L);
        Console.Error.Write($"-- startup {transport}: {warmup} + {reps} launches of each client, interleaved ... ");
        for (int r = 0; r < warmup + reps; r++)
        {
            foreach (var client in Rotate(Clients, r))
            {
                (int code, string stdout, string stderr, double seconds) run = client == "python"
                    ? Exec(python, ["-c", PythonStartup, conn.Host, (tls ? conn.TlsPort : conn.Port).ToString(Inv), conn.User, conn.Password, Seeder.Box10K, tls ? conn.CaFile : ""])
                    : Exec(SelfExe(), [.. SelfArgs(), "startup", "--client", client, "--transport", transport, .. Args.ConnArgs(conn)]);
                if (run.code != 0) throw new InvalidOperationException($"startup {client} exited {run.code}: {run.stderr}");
                if (r < warmup) continue;
                times[client].Add(run.seconds);
                rss[client] = Math.Max(rss[client], J.Long(JsonNode.Parse(run.stdout)!["peak_rss_kb"]));
            }
        }
        Console.Error.WriteLine(string.Join(", ", Clients.Select(c => $"{c} {Median(ToList(times[c])) * 1000:F0} ms")));
        var perClient = new JsonObject();
        foreach (var client in Clients)
            perClient[client] = new JsonObject { ["client"] = client, ["times_s"] = times[client], ["peak_rss_kb"] = rss[client], ["messages"] = 0, ["bytes"] = 0 };
        var scenario = new Scenario("startup", "new process: connect + login + SELECT + logout", "startup", Seeder.Box10K, 0, 0, true);
        return Summarise(scenario, transport, perClient);
    }

    // ---- Buffer sweep ----------------------------------------------------------------------------------------------

    /// <summary>The raw reader's read-buffer size against throughput: what a client's buffer should be.</summary>
    private static JsonArray BufferSweep(ConnInfo conn, int reps)
    {
        var rows = new JsonArray();
        foreach (var id in new[] { "fetch-bulk-10k", "fetch-bulk-5m" })
        {
            foreach (int size in new[] { 4096, 16384, 65536, 262144, 1048576 })
            {
                var r = RunJson(SelfExe(), [.. SelfArgs(), "child", "--client", "raw", "--buffer", size.ToString(Inv), "--scenario", id,
                    "--transport", "plain", "--reps", reps.ToString(Inv), "--warmup", "1", .. Args.ConnArgs(conn)]);
                double median = Median(Times(r));
                long bytes = J.Long(r["bytes"]!);
                rows.Add(new JsonObject { ["scenario"] = id, ["buffer"] = size, ["median_s"] = median, ["mb_s"] = Math.Round(bytes / median / 1e6, 1) });
                Console.Error.WriteLine($"-- sweep {id} raw buffer {size}: {median * 1000:F1} ms");
            }
        }
        return rows;
    }

    // ---- Statistics ------------------------------------------------------------------------------------------------

    private static List<double> ToList(JsonArray a) => a.Select(n => J.Double(n!)).ToList();
    internal static List<double> Times(JsonObject r) => ToList(r["times_s"]!.AsArray());

    public static double Median(List<double> xs) => Quantile(xs, 0.5);

    internal static double Quantile(List<double> xs, double q)
    {
        if (xs.Count == 0) return double.NaN;
        var s = xs.OrderBy(x => x).ToList();
        double pos = (s.Count - 1) * q;
        int lo = (int)Math.Floor(pos), hi = (int)Math.Ceiling(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    private static JsonObject Summarise(Scenario scenario, string transport, JsonObject perClient)
    {
        var clients = new JsonObject();
        double imaplibMedian = Median(Times(perClient["imaplib-cs"]!.AsObject()));
        // Payload for throughput: the raw reader's count (literal bytes for RFC822/APPEND, response bytes otherwise).
        long payload = perClient["raw"]?["bytes"] is { } pb ? J.Long(pb) : 0;
        long expectedMessages = perClient["raw"]?["messages"] is { } em ? J.Long(em) : 0;
        foreach (var (name, node) in perClient)
        {
            var r = node!.AsObject();
            var times = Times(r);
            double median = Median(times);
            var o = new JsonObject
            {
                ["median_s"] = median,
                ["min_s"] = times.Min(),
                ["max_s"] = times.Max(),
                ["q1_s"] = Quantile(times, 0.25),
                ["q3_s"] = Quantile(times, 0.75),
                ["times_s"] = r["times_s"]!.DeepClone(),
                ["ratio_to_imaplib"] = median / imaplibMedian,
                // Spread of the repetitions relative to their median: above 20 % the figure is flagged, not trusted.
                ["spread"] = median > 0 ? (times.Max() - times.Min()) / median : 0,
                ["spread_over_20_percent"] = median > 0 && (times.Max() - times.Min()) / median > 0.2,
                ["mb_s"] = payload > 0 ? payload / median / 1e6 : null,
                ["peak_rss_mb"] = J.Long(r["peak_rss_kb"]!) / 1024.0,
                ["base_rss_mb"] = r["base_rss_kb"] is { } b ? J.Long(b) / 1024.0 : null,
                ["messages"] = r["messages"]!.DeepClone(),
                ["bytes"] = r["bytes"]!.DeepClone(),
                ["same_messages_as_raw"] = scenario.Kind == "startup" || J.Long(r["messages"]!) == expectedMessages,
            };
            if (r["alloc_bytes"] is JsonArray allocs)
            {
                double alloc = Median(allocs.Select(x => (double)J.Long(x!)).ToList());
                o["alloc_bytes_median"] = alloc;
                if (payload > 0) o["alloc_per_payload_byte"] = alloc / payload;
            }
            if (r["cpu_s"] is JsonArray cpuArr)
            {
                o["cpu_s_median"] = Median(cpuArr.Select(x => J.Double(x)).ToList());
                o["cpu_fraction_of_wall"] = J.Double(o["cpu_s_median"]) / median;
            }
            if (r["minor_faults"] is JsonArray mf)
                o["minor_faults_median"] = Median(mf.Select(x => J.Double(x)).ToList());
            if (r["rss_anon_kb"] is { } anon) o["rss_anon_mb"] = J.Long(anon) / 1024.0;
            if (r["rss_file_kb"] is { } file) o["rss_file_mb"] = J.Long(file) / 1024.0;
            if (r["gc_pause_s"] is JsonArray gcp)
            {
                o["gc_pause_s_median"] = Median(gcp.Select(x => J.Double(x)).ToList());
                o["gc_collections"] = r["gc_collections"]!.DeepClone();
            }
            if (r["facts"] is JsonObject facts && facts.Count > 0) o["facts"] = facts.DeepClone();
            if (r["extra_warmup_reps"] is { } extra) o["extra_warmup_reps"] = extra.DeepClone();
            if (r["python"] is { } pv) o["python"] = pv.DeepClone();
            clients[name] = o;
        }
        return new JsonObject
        {
            ["id"] = scenario.Id,
            ["title"] = scenario.Title,
            ["kind"] = scenario.Kind,
            ["transport"] = transport,
            ["messages"] = expectedMessages,
            ["payload_bytes"] = payload,
            ["clients"] = clients,
            ["ratios"] = new JsonObject
            {
                // < 1 means ImapLib is faster.
                ["imaplib_over_python"] = imaplibMedian / Median(Times(perClient["python"]!.AsObject())),
                ["imaplib_over_mailkit"] = imaplibMedian / Median(Times(perClient["mailkit"]!.AsObject())),
                // Fraction of the floor's throughput that ImapLib reaches (1 = as fast as the raw reader).
                ["imaplib_throughput_vs_raw"] = Median(Times(perClient["raw"]!.AsObject())) / imaplibMedian,
                // The floor against CPython: no client can beat this ratio against this server. Above 0.5,
                // the 0.5x-CPython target cannot be met here by any client.
                ["raw_over_python"] = Median(Times(perClient["raw"]!.AsObject())) / Median(Times(perClient["python"]!.AsObject())),
            },
        };
    }

    // ---- Targets ---------------------------------------------------------------------------------------------------

    private static JsonObject Targets(JsonObject doc)
    {
        var t = new JsonObject();
        var scen = doc["scenarios"]!.AsArray().Select(n => n!.AsObject()).ToList();
        var vsPython = new JsonObject();
        var vsMailKit = new JsonObject();
        bool allPython = true, allMailKit = true;
        foreach (var s in scen)
        {
            string key = $"{s["id"]}/{s["transport"]}";
            double rp = J.Double(s["ratios"]!["imaplib_over_python"]!);
            double rm = J.Double(s["ratios"]!["imaplib_over_mailkit"]!);
            double floor = J.Double(s["ratios"]!["raw_over_python"]);
            vsPython[key] = new JsonObject { ["ratio"] = Math.Round(rp, 3), ["met"] = rp <= 0.5, ["raw_floor_ratio"] = Math.Round(floor, 3) };
            vsMailKit[key] = new JsonObject { ["ratio"] = Math.Round(rm, 3), ["met"] = rm <= 1.0 };
            allPython &= rp <= 0.5;
            allMailKit &= rm <= 1.0;
        }
        t["imaplib_le_0.5x_python"] = new JsonObject { ["met"] = allPython, ["per_scenario"] = vsPython };
        // Issue 15's loopback targets: wall time within 1.15x of the raw reader (the floor the server allows), client
        // CPU of the plain bulk fetches at most half of CPython's and of MailKit's, and nowhere above CPython's.
        var vsRaw = new JsonObject();
        bool rawMet = true;
        foreach (var s in scen)
        {
            double r = 1 / J.Double(s["ratios"]!["imaplib_throughput_vs_raw"]!);
            vsRaw[$"{s["id"]}/{s["transport"]}"] = new JsonObject { ["ratio"] = Math.Round(r, 3), ["met"] = r <= 1.15 };
            rawMet &= r <= 1.15;
        }
        t["imaplib_le_1.15x_raw"] = new JsonObject { ["met"] = rawMet, ["per_scenario"] = vsRaw };
        double Cpu(JsonObject s, string client) => s["clients"]![client]?["cpu_s_median"] is { } c ? J.Double(c) : double.NaN;
        var bulkCpu = new JsonObject();
        bool bulkCpuMet = true;
        foreach (var s in scen.Where(s => s["kind"]!.GetValue<string>() == "bulk" && s["transport"]!.GetValue<string>() == "plain"))
        {
            double cs = Cpu(s, "imaplib-cs"), worst = Math.Max(cs / Cpu(s, "python"), cs / Cpu(s, "mailkit"));
            bulkCpu[$"{s["id"]}/{s["transport"]}"] = new JsonObject { ["ratio"] = Math.Round(worst, 3), ["met"] = worst <= 0.5 };
            bulkCpuMet &= worst <= 0.5;
        }
        t["plain_bulk_client_cpu_le_0.5x_python_and_mailkit"] = new JsonObject { ["met"] = bulkCpuMet, ["per_scenario"] = bulkCpu };
        var cpuVsPython = new JsonObject();
        bool cpuMet = true;
        foreach (var s in scen)
        {
            double r = Cpu(s, "imaplib-cs") / Cpu(s, "python");
            cpuVsPython[$"{s["id"]}/{s["transport"]}"] = new JsonObject { ["ratio"] = Math.Round(r, 3), ["met"] = r <= 1.0 };
            cpuMet &= r <= 1.0;
        }
        t["client_cpu_le_1.0x_python"] = new JsonObject { ["met"] = cpuMet, ["per_scenario"] = cpuVsPython };
        t["imaplib_le_1.0x_mailkit"] = new JsonObject { ["met"] = allMailKit, ["per_scenario"] = vsMailKit };
        var bulk = new JsonObject();
        bool bulkMet = true;
        foreach (var s in scen.Where(s => s["kind"]!.GetValue<string>() == "bulk"))
        {
            double f = J.Double(s["ratios"]!["imaplib_throughput_vs_raw"]!);
            bulk[$"{s["id"]}/{s["transport"]}"] = new JsonObject { ["fraction"] = Math.Round(f, 3), ["met"] = f >= 0.8 };
            bulkMet &= f >= 0.8;
        }
        t["bulk_fetch_ge_80pct_raw"] = new JsonObject { ["met"] = bulkMet, ["per_scenario"] = bulk };
        var alloc = new JsonObject();
        bool allocMet = true;
        foreach (var s in scen.Where(s => s["id"]!.GetValue<string>().EndsWith("-5m")))
        {
            double per = s["clients"]!["imaplib-cs"]!["alloc_per_payload_byte"] is { } ap ? J.Double(ap) : double.NaN;
            alloc[$"{s["id"]}/{s["transport"]}"] = new JsonObject { ["alloc_per_literal_byte"] = Math.Round(per, 3), ["met"] = per <= 1.5 };
            allocMet &= per <= 1.5;
        }
        t["5mb_literal_alloc_le_1.5x"] = new JsonObject { ["met"] = allocMet, ["per_scenario"] = alloc };
        var lp = doc["checks"]!["literal_plus"]!;
        t["append_uses_literal_plus"] = new JsonObject
        {
            ["met"] = lp["server_offers_literal_plus"]!.GetValue<bool>() && lp["continuations_with_literal_plus"]!.GetValue<int>() == 0,
            ["continuations_with_literal_plus"] = lp["continuations_with_literal_plus"]!.DeepClone(),
            ["continuations_without"] = lp["continuations_without"]!.DeepClone(),
        };
        var facts = scen.Select(s => s["clients"]!["imaplib-cs"]!["facts"]).FirstOrDefault(f => f?["tcp_nodelay"] is not null);
        t["tcp_nodelay"] = new JsonObject { ["met"] = facts?["tcp_nodelay"]?.GetValue<bool>() == true };
        return t;
    }

    // ---- Report ----------------------------------------------------------------------------------------------------

    internal static JsonObject Machine(string python)
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "?";
        string mem = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal")).Split(':', 2)[1].Trim();
        string os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME="))?.Split('=', 2)[1].Trim('"') ?? "?"
            : RuntimeInformation.OSDescription;
        string Version(string file, params string[] args)
        {
            try { var r = Exec(file, args, 30); return (r.stdout + r.stderr).Trim().Split('\n')[0]; }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException) { return "?"; }
        }
        return new JsonObject
        {
            ["nproc"] = Environment.ProcessorCount,
            ["cpu"] = cpu,
            ["memory"] = mem,
            ["os"] = os,
            ["kernel"] = File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["python"] = Version(python, "--version"),
            ["python_executable"] = python,
            // Load while the run starts (1, 5 and 15 minutes): a busy machine explains spread between repetitions.
            ["load_average"] = File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?",
            ["dovecot"] = Version("/usr/sbin/dovecot", "--version"),
            ["mailkit"] = typeof(MailKit.Net.Imap.ImapClient).Assembly.GetName().Version?.ToString() ?? "?",
        };
    }

    private static readonly Dictionary<string, string> ClientNames = new()
    {
        ["imaplib-cs"] = "ImapLib",
        ["mailkit"] = "MailKit",
        ["python"] = "CPython imaplib",
        ["raw"] = "raw reader",
    };

    /// <summary>A footnote mark where MailKit does more than the others in a row (it has no call that returns the
    /// bytes only).</summary>
    public static string LikeForLike(string kind, string client) => client.StartsWith("mailkit", StringComparison.Ordinal)
        ? kind switch { "envelope" => " ¹", "append" => " ²", "headers" => " ³", _ => "" }
        : "";

    public const string LikeForLikeNotes =
        "¹ MailKit parses each ENVELOPE into objects (`Fetch(..., Envelope | Flags)`); the others return the response bytes.  \n" +
        "² MailKit appends a `MimeMessage` (parsed before the timing) and serialises it again while appending; the others send the stored bytes.  \n" +
        "³ MailKit parses each header block into a `HeaderList` (`Fetch(..., Headers)`); the others return the literal bytes.\n";

    /// <summary>What the run's warm-up was beyond the fixed count, when it recorded one.</summary>
    public static string WarmupNote(JsonObject doc) => doc["warmup_policy"] is { } policy ? $"; {policy}" : "";

    /// <summary>The warm-up rule of <see cref="Child"/>, recorded in every result file.</summary>
    public const string WarmupPolicy = "the .NET clients warmed up to 5 more repetitions while the JIT still compiled";

    public static string Markdown(JsonObject doc)
    {
        var sb = new StringBuilder();
        var m = doc["machine"]!;
        sb.AppendLine($"Run {doc["generated_utc"]}: {m["nproc"]} × {m["cpu"]}, {m["memory"]}, {m["os"]}, {m["dotnet"]}, {m["python"]}{(m["python_executable"] is { } exe ? $" ({exe})" : "")}, {m["dovecot"]}, MailKit {m["mailkit"]}{(m["load_average"] is { } load ? $", load average {load}" : "")}. "
            + $"{doc["reps"]} timed repetitions ({doc["rounds"]} interleaved rounds, each after {doc["warmup_reps"]} warm-up{WarmupNote(doc)}){(doc["quick"]!.GetValue<bool>() ? " (QUICK MODE: fewer messages)" : "")}; whole run {doc["wall_seconds"]} s.");
        sb.AppendLine();
        sb.AppendLine("| scenario | transport | client | median ms | min–max ms | × ImapLib | MB/s | client CPU ms/rep | peak RSS MB | managed alloc MB/rep | GC pause ms/rep |");
        sb.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in doc["scenarios"]!.AsArray().Concat(doc["startup"]!.AsArray()))
        {
            foreach (var (name, c) in s!["clients"]!.AsObject())
            {
                string mbs = c!["mb_s"] is { } v ? J.Double(v).ToString("F0", Inv) : "";
                string alloc = c["alloc_bytes_median"] is { } al ? (J.Double(al) / 1e6).ToString("F1", Inv) : "";
                string cpuMs = c["cpu_s_median"] is { } cm ? (J.Double(cm) * 1000).ToString("F1", Inv) : "";
                string pause = c["gc_pause_s_median"] is { } gp ? (J.Double(gp) * 1000).ToString("F1", Inv) : "";
                string ok = c["same_messages_as_raw"]!.GetValue<bool>() ? "" : " ⚠ count differs";
                if (c["spread_over_20_percent"]?.GetValue<bool>() == true) ok += " ⚠ spread > 20 %";
                sb.AppendLine(string.Create(Inv, $"| {s["id"]} | {s["transport"]} | {ClientNames[name]}{LikeForLike(s["kind"]!.GetValue<string>(), name)}{ok} | {J.Double(c["median_s"]!) * 1000:F1} | "
                    + $"{J.Double(c["min_s"]!) * 1000:F1}–{J.Double(c["max_s"]!) * 1000:F1} | {J.Double(c["ratio_to_imaplib"]!):F2} | {mbs} | {cpuMs} | "
                    + $"{J.Double(c["peak_rss_mb"]!):F0} | {alloc} | {pause} |"));
            }
        }
        sb.AppendLine();
        sb.Append(LikeForLikeNotes);
        sb.AppendLine();
        sb.AppendLine("| target | met | detail |");
        sb.AppendLine("| --- | --- | --- |");
        // Recomputed from the rows, so the report follows the targets' definition, not the one of the run's day.
        foreach (var (name, t) in Targets(doc))
        {
            string detail = "";
            if (t!["per_scenario"] is JsonObject per)
                detail = string.Join(", ", per.Select(p => $"{p.Key} {(p.Value!["ratio"] ?? p.Value["fraction"] ?? p.Value["alloc_per_literal_byte"])}"
                    + $"{(p.Value["met"]!.GetValue<bool>() ? "" : " ✗")}{(p.Value["raw_floor_ratio"] is { } f ? $" (floor {f})" : "")}"));
            else if (t["continuations_with_literal_plus"] is { } c)
                detail = $"continuation requests in 5 APPENDs: {c} with LITERAL+, {t["continuations_without"]} without";
            sb.AppendLine($"| {name} | {(t["met"]!.GetValue<bool>() ? "yes" : "NO")} | {detail} |");
        }
        if (doc["buffer_sweep"] is JsonArray sweep && sweep.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("| raw reader buffer | " + string.Join(" | ", sweep.Select(r => r!["scenario"]!.GetValue<string>()).Distinct()) + " |");
            sb.AppendLine("| ---: |" + string.Concat(sweep.Select(r => r!["scenario"]!.GetValue<string>()).Distinct().Select(_ => " ---: |")));
            foreach (var size in sweep.Select(r => r!["buffer"]!.GetValue<int>()).Distinct())
            {
                var cells = sweep.Where(r => r!["buffer"]!.GetValue<int>() == size).Select(r => $"{J.Double(r!["median_s"]!) * 1000:F1} ms ({r["mb_s"]} MB/s)");
                sb.AppendLine($"| {size / 1024} KiB | {string.Join(" | ", cells)} |");
            }
        }
        return sb.ToString();
    }
}
