using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImapLib.Bench;

/// <summary>
/// The WAN benchmark: the same clients run the <see cref="Scenario.Wan"/> scenarios through a <see cref="WanLink"/>
/// (delay and bandwidth cap in each direction), ImapLib and MailKit each with and without COMPRESS=DEFLATE, CPython's
/// imaplib without (it cannot compress). The proxy's own cost is measured first: the raw reader's loopback bulk fetch
/// directly and through a link that adds nothing. Writes bench/results/wan.json (and a chart) for the report.
/// </summary>
internal static class Wan
{
    public static readonly string[] Clients = ["imaplib-cs", "imaplib-cs+deflate", "python", "mailkit", "mailkit+deflate"];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Which links each scenario runs over: all on the near link, the bulk text fetch on the far one too.</summary>
    private static IEnumerable<(Scenario, LinkProfile)> Plan(bool quick)
    {
        foreach (var s in Scenario.Wan(quick))
        {
            yield return (s, LinkProfile.Near);
            if (s.Id is "wan-fetch-bulk-2k" or "wan-fetch-headers-10k") yield return (s, LinkProfile.Far);
        }
    }

    public static JsonObject Run(ConnInfo conn, string python, string driver, string appendFile, bool quick, string[] only,
        int rounds, int repsPerRound, int warmup)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var rows = new JsonArray();
        var proxyCost = ProxyCost(conn, quick, rounds * repsPerRound, appendFile);
        foreach (var (scenario, link) in Plan(quick))
        {
            if (only.Length > 0 && !only.Contains(scenario.Id) && !only.Contains("wan")) continue;
            using var wan = new WanLink(link, conn.Host, conn.Port);
            var through = conn with { Port = wan.Port };
            var runs = Clients.ToDictionary(c => c, _ => new List<JsonObject>());
            var wire = Clients.ToDictionary(c => c, _ => new List<(long up, long down)>());
            for (int round = 0; round < rounds; round++)
            {
                foreach (var client in Suite.Rotate(Clients, round))
                {
                    Console.Error.Write($"-- {scenario.Id} over {link.Id} {client} round {round + 1}/{rounds} ... ");
                    var sw = System.Diagnostics.Stopwatch.StartNew();
                    var common = Suite.ChildArgs(scenario, "plain", through, repsPerRound, warmup, appendFile, quick);
                    if (client.EndsWith("+deflate")) common.Add("--compress");
                    wan.ResetCounters();
                    JsonObject r = Suite.RunClient(client.Replace("+deflate", ""), common, python, driver);
                    var (up, down) = wan.Counters;
                    // Per repetition, login and SELECT included (a few hundred bytes): what the link carried.
                    wire[client].Add((up / (repsPerRound + warmup), down / (repsPerRound + warmup)));
                    Console.Error.WriteLine($"median {Suite.Median(Suite.Times(r)) * 1000:F0} ms, {down / 1e6:F1} MB down ({sw.Elapsed.TotalSeconds:F0} s)");
                    runs[client].Add(r);
                }
            }
            rows.Add(Summarise(scenario, link, runs, wire));
        }
        var doc = new JsonObject
        {
            ["generated_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", Inv),
            ["quick"] = quick,
            ["reps"] = rounds * repsPerRound,
            ["rounds"] = rounds,
            ["warmup_reps"] = warmup,
            ["warmup_policy"] = Suite.WarmupPolicy,
            ["machine"] = Suite.Machine(python),
            ["proxy_cost"] = proxyCost,
            ["scenarios"] = rows,
        };
        doc["targets"] = Targets(rows);
        doc["wall_seconds"] = Math.Round(started.Elapsed.TotalSeconds, 1);
        return doc;
    }

    /// <summary>The raw reader's loopback bulk fetch, directly and through a link adding no delay and no cap: the
    /// difference is what the proxy itself costs, to be read against the WAN figures.</summary>
    private static JsonObject ProxyCost(ConnInfo conn, bool quick, int reps, string appendFile)
    {
        var bulk = Scenario.Find("wan-fetch-bulk-2k", quick);
        JsonObject Measure(ConnInfo c) => Suite.RunClient("raw", Suite.ChildArgs(bulk, "plain", c, reps, 1, appendFile, quick), "", "");
        double direct = Suite.Median(Suite.Times(Measure(conn)));
        double through;
        using (var zero = new WanLink(LinkProfile.Zero, conn.Host, conn.Port))
            through = Suite.Median(Suite.Times(Measure(conn with { Port = zero.Port })));
        Console.Error.WriteLine($"-- proxy cost: raw bulk fetch {direct * 1000:F0} ms direct, {through * 1000:F0} ms through the zero-delay link");
        return new JsonObject
        {
            ["scenario"] = "wan-fetch-bulk-2k",
            ["raw_direct_s"] = direct,
            ["raw_through_proxy_s"] = through,
            ["added_s"] = through - direct,
        };
    }

    private static JsonObject Summarise(Scenario scenario, LinkProfile link, Dictionary<string, List<JsonObject>> runs,
        Dictionary<string, List<(long up, long down)>> wire)
    {
        var clients = new JsonObject();
        var medians = new Dictionary<string, double>();
        foreach (var client in Clients)
        {
            var r = Suite.Merge(runs[client]);
            var times = Suite.Times(r);
            double median = Suite.Median(times);
            medians[client] = median;
            var o = new JsonObject
            {
                ["median_s"] = median,
                ["min_s"] = times.Min(),
                ["max_s"] = times.Max(),
                ["times_s"] = r["times_s"]!.DeepClone(),
                ["spread_over_20_percent"] = median > 0 && (times.Max() - times.Min()) / median > 0.2,
                ["messages"] = r["messages"]!.DeepClone(),
                ["bytes"] = r["bytes"]!.DeepClone(),
                ["wire_up_bytes_per_rep"] = (long)wire[client].Average(w => w.up),
                ["wire_down_bytes_per_rep"] = (long)wire[client].Average(w => w.down),
                ["peak_rss_mb"] = J.Long(r["peak_rss_kb"]!) / 1024.0,
            };
            if (r["extra_warmup_reps"] is { } extra) o["extra_warmup_reps"] = extra.DeepClone();
            if (r["cpu_s"] is JsonArray cpu) o["cpu_s_median"] = Suite.Median(cpu.Select(x => J.Double(x)).ToList());
            if (r["minor_faults"] is JsonArray mf) o["minor_faults_median"] = Suite.Median(mf.Select(x => J.Double(x)).ToList());
            if (r["rss_anon_kb"] is { } anon) o["rss_anon_mb"] = J.Long(anon) / 1024.0;
            if (r["rss_file_kb"] is { } file) o["rss_file_mb"] = J.Long(file) / 1024.0;
            clients[client] = o;
        }
        long messages = J.Long(clients["python"]!["messages"]!);
        foreach (var (_, c) in clients) c!["same_messages_as_python"] = J.Long(c["messages"]!) == messages;
        return new JsonObject
        {
            ["id"] = scenario.Id,
            ["title"] = scenario.Title,
            ["kind"] = scenario.Kind,
            ["link"] = link.Id,
            ["link_title"] = link.Title,
            ["clients"] = clients,
            ["ratios"] = new JsonObject
            {
                // < 1 means ImapLib is faster.
                ["imaplib_over_python"] = medians["imaplib-cs"] / medians["python"],
                ["imaplib_over_mailkit"] = medians["imaplib-cs"] / medians["mailkit"],
                ["imaplib_deflate_over_python"] = medians["imaplib-cs+deflate"] / medians["python"],
                ["imaplib_deflate_over_mailkit_deflate"] = medians["imaplib-cs+deflate"] / medians["mailkit+deflate"],
            },
        };
    }

    private static JsonObject Targets(JsonArray rows)
    {
        var t = new JsonObject();
        var bulk = new JsonObject();
        var plain = new JsonObject();
        bool bulkMet = true, plainMet = true;
        foreach (var row in rows.Select(n => n!.AsObject()))
        {
            string key = $"{row["id"]}@{row["link"]}";
            var ratios = row["ratios"]!;
            if (row["id"]!.GetValue<string>() == "wan-fetch-bulk-2k")
            {
                double vsPython = J.Double(ratios["imaplib_deflate_over_python"]), vsMailKit = J.Double(ratios["imaplib_deflate_over_mailkit_deflate"]);
                bool met = vsPython <= 0.4 && vsMailKit <= 1.0;
                bulk[key] = new JsonObject { ["deflate_over_python"] = Math.Round(vsPython, 3), ["deflate_over_mailkit_deflate"] = Math.Round(vsMailKit, 3), ["met"] = met };
                bulkMet &= met;
            }
            // Uncompressed, every client moves the same bytes: most rows tie at the link's floor, where ratios
            // wander by a few tenths of a per cent between runs. Within 1 % counts as met (equal at the floor).
            double p = J.Double(ratios["imaplib_over_python"]), m = J.Double(ratios["imaplib_over_mailkit"]);
            bool ok = p <= 1.01 && m <= 1.01;
            plain[key] = new JsonObject { ["over_python"] = Math.Round(p, 3), ["over_mailkit"] = Math.Round(m, 3), ["met"] = ok };
            plainMet &= ok;
        }
        t["bulk_text_deflate_le_0.4x_python_and_le_1.0x_mailkit_deflate"] = new JsonObject { ["met"] = bulkMet, ["per_scenario"] = bulk };
        t["uncompressed_le_1.0x_python_and_mailkit_within_1pct"] = new JsonObject { ["met"] = plainMet, ["per_scenario"] = plain };
        // Compression's own CPU: the compressed run's extra client CPU per MB of payload it inflated.
        var cost = new JsonObject();
        foreach (var row in rows.Select(n => n!.AsObject()).Where(r => r["kind"]!.GetValue<string>() is "bulk" or "append"))
        {
            var c = row["clients"]!;
            double extra = J.Double(c["imaplib-cs+deflate"]!["cpu_s_median"]) - J.Double(c["imaplib-cs"]!["cpu_s_median"]);
            double mb = J.Long(c["imaplib-cs"]!["bytes"]!) / 1e6;
            double Delta(string key) => c["imaplib-cs+deflate"]![key] is { } with && c["imaplib-cs"]![key] is { } without
                ? Math.Round(J.Double(with) - J.Double(without), 2) : double.NaN;
            double rss = Delta("peak_rss_mb");
            cost[$"{row["id"]}@{row["link"]}"] = new JsonObject
            {
                ["direction"] = row["kind"]!.GetValue<string>() == "append" ? "compress" : "decompress",
                ["extra_cpu_ms_per_mb"] = Math.Round(extra * 1000 / mb, 2),
                ["extra_peak_rss_mb"] = rss,
                // The split at the end of the run: private memory, and file-backed pages (the zlib library's code).
                ["extra_anon_rss_mb"] = Delta("rss_anon_mb"),
                ["extra_file_rss_mb"] = Delta("rss_file_mb"),
                ["met"] = rss <= 1.0,
            };
        }
        t["deflate_peak_rss_le_1mb_above_uncompressed"] = new JsonObject { ["met"] = cost.All(kv => kv.Value!["met"]!.GetValue<bool>()), ["per_scenario"] = cost };
        return t;
    }

    private static readonly Dictionary<string, string> Names = new()
    {
        ["imaplib-cs"] = "ImapLib",
        ["imaplib-cs+deflate"] = "ImapLib + DEFLATE",
        ["python"] = "CPython imaplib",
        ["mailkit"] = "MailKit",
        ["mailkit+deflate"] = "MailKit + DEFLATE",
    };

    /// <summary>The WAN results as Markdown: one row per scenario, link and client.</summary>
    public static string Markdown(JsonObject doc)
    {
        var sb = new StringBuilder();
        var m = doc["machine"]!;
        var pc = doc["proxy_cost"]!;
        sb.AppendLine(string.Create(Inv, $"Run {doc["generated_utc"]}: {m["nproc"]} × {m["cpu"]}, {m["dotnet"]}, {m["python"]}, {m["dovecot"]}, MailKit {m["mailkit"]}, load average {m["load_average"]}. "
            + $"{doc["reps"]} timed repetitions ({doc["rounds"]} interleaved rounds, each after {doc["warmup_reps"]} warm-up{Suite.WarmupNote(doc)}){(doc["quick"]!.GetValue<bool>() ? " (QUICK MODE: fewer messages)" : "")}; whole run {doc["wall_seconds"]} s. "
            + $"The proxy's own cost: the raw reader's bulk fetch takes {J.Double(pc["raw_direct_s"]) * 1000:F0} ms directly and {J.Double(pc["raw_through_proxy_s"]) * 1000:F0} ms through a link adding nothing."));
        sb.AppendLine();
        sb.AppendLine("| scenario | link | client | median s | min–max s | × CPython | MB down/rep on the link | client CPU ms/rep | peak RSS MB |");
        sb.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in doc["scenarios"]!.AsArray())
        {
            double python = J.Double(row!["clients"]!["python"]!["median_s"]);
            foreach (var (name, c) in row["clients"]!.AsObject())
            {
                string flags = (c!["same_messages_as_python"]!.GetValue<bool>() ? "" : " ⚠ count differs")
                    + (c["spread_over_20_percent"]!.GetValue<bool>() ? " ⚠ spread > 20 %" : "");
                string cpu = c["cpu_s_median"] is { } v ? (J.Double(v) * 1000).ToString("F0", Inv) : "";
                sb.AppendLine(string.Create(Inv, $"| {row["id"]} | {row["link"]} | {Names[name]}{Suite.LikeForLike(row["kind"]!.GetValue<string>(), name)}{flags} | {J.Double(c["median_s"]):F2} | {J.Double(c["min_s"]):F2}–{J.Double(c["max_s"]):F2} | "
                    + $"{J.Double(c["median_s"]) / python:F2} | {J.Long(c["wire_down_bytes_per_rep"]!) / 1e6:F1} | {cpu} | {J.Double(c["peak_rss_mb"]):F0} |"));
            }
        }
        sb.AppendLine();
        sb.Append(Suite.LikeForLikeNotes);
        sb.AppendLine();
        sb.AppendLine("| target | met | detail |");
        sb.AppendLine("| --- | --- | --- |");
        // Recomputed from the rows, so the report follows the targets' definition, not the one of the run's day.
        foreach (var (name, t) in Targets(doc["scenarios"]!.AsArray()))
        {
            var per = t!["per_scenario"]!.AsObject();
            // Each scenario's figures as name=value, the ✗ where it misses.
            string detail = string.Join("; ", per.Select(p => p.Key + ": " + string.Join(" ", p.Value!.AsObject().Where(kv => kv.Key != "met")
                .Select(kv => $"{kv.Key}={kv.Value!.ToString().Trim('"')}")) + (p.Value["met"]!.GetValue<bool>() ? "" : " ✗")));
            sb.AppendLine($"| {name} | {(t["met"]!.GetValue<bool>() ? "yes" : "NO")} | {detail} |");
        }
        return sb.ToString();
    }

    /// <summary>
    /// A bar chart of the WAN results as SVG: one group per scenario and link, one bar per client, its length the
    /// client's median time over CPython's (1.0 = CPython; shorter is faster). Generated from the JSON only.
    /// </summary>
    public static string Svg(JsonObject doc)
    {
        string[] colours = ["#1f77b4", "#6baed6", "#7f7f7f", "#d62728", "#ff9896"];
        var rows = doc["scenarios"]!.AsArray().Select(n => n!.AsObject()).ToList();
        const int left = 260, barHeight = 11, gap = 14, width = 760, scaleWidth = 420;
        double max = Math.Max(1.2, rows.SelectMany(r => Clients.Select(c => J.Double(r["clients"]![c]!["median_s"]) / J.Double(r["clients"]!["python"]!["median_s"]))).Max());
        int height = 50 + rows.Count * (Clients.Length * barHeight + gap) + 30;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">"));
        sb.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        sb.AppendLine("<text x=\"10\" y=\"18\" font-size=\"13\" font-weight=\"bold\">Simulated WAN: median wall time relative to CPython imaplib (shorter is faster)</text>");
        int y = 40;
        for (int i = 0; i < Clients.Length; i++)
        {
            sb.AppendLine(string.Create(Inv, $"<rect x=\"{10 + i * 150}\" y=\"{y - 9}\" width=\"10\" height=\"10\" fill=\"{colours[i]}\"/><text x=\"{24 + i * 150}\" y=\"{y}\">{Names[Clients[i]]}</text>"));
        }
        y += 14;
        double oneX = left + scaleWidth / max;
        int top = y;
        foreach (var row in rows)
        {
            double python = J.Double(row["clients"]!["python"]!["median_s"]);
            sb.AppendLine(string.Create(Inv, $"<text x=\"10\" y=\"{y + Clients.Length * barHeight / 2 + 4}\">{row["id"]} @ {row["link"]}</text>"));
            for (int i = 0; i < Clients.Length; i++)
            {
                double ratio = J.Double(row["clients"]![Clients[i]]!["median_s"]) / python;
                double w = ratio / max * scaleWidth;
                sb.AppendLine(string.Create(Inv, $"<rect x=\"{left}\" y=\"{y}\" width=\"{w:F1}\" height=\"{barHeight - 2}\" fill=\"{colours[i]}\"/>"
                    + $"<text x=\"{left + w + 4:F1}\" y=\"{y + barHeight - 3}\" font-size=\"9\">{ratio:F2}</text>"));
                y += barHeight;
            }
            y += gap;
        }
        sb.AppendLine(string.Create(Inv, $"<line x1=\"{oneX:F1}\" y1=\"{top - 4}\" x2=\"{oneX:F1}\" y2=\"{y}\" stroke=\"black\" stroke-dasharray=\"3,3\"/>"));
        sb.AppendLine(string.Create(Inv, $"<text x=\"{oneX - 30:F1}\" y=\"{y + 12}\">CPython = 1.0</text>"));
        sb.AppendLine("</svg>");
        return sb.ToString();
    }

    public static void Write(JsonObject doc, string outPath)
    {
        File.WriteAllText(outPath, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        string table = Markdown(doc);
        Console.WriteLine(table);
        File.WriteAllText(Path.ChangeExtension(outPath, ".md"), table);
    }
}
