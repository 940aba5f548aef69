using ImapLib.Bench;

// ImapLib's benchmark (issue 6). bench/run.sh is the entry point; the modes:
//   seed --home DIR/home/USER            write the deterministic messages into the user's Maildir (reused when present)
//   suite --out FILE --driver PY --data-dir DIR [--quick] [--reps N] [--only a,b] [--no-tls] + connection args
//   child --client imaplib-cs|mailkit|raw --scenario ID [--transport plain|tls] [--reps N] + connection args
//   breakdown --scenario ID [--transport tls] [--reps N]   ImapLib's time split into readline / read / engine / GC
//   replay --scenario ID [--reps N]   ImapLib's CPU cost alone: real responses recorded once, replayed from memory
//   engine-loop [--count N]   the engine's cost per command (NOOP after NOOP, hooks answering from memory)
//   kit-replay [--reps N] [--out FILE]   the test kit: a recorded 10,000-message FETCH session replayed vs live
//   startup --client imaplib-cs|mailkit|raw [--transport plain|tls] + connection args
//   report --json bench/results/latest.json --doc docs/performance.md   the results table into the page
// Connection args: --host 127.0.0.1 --port 14400 --tls-port 19940 --ca CA.pem --user bench --password benchpw
var a = new Args(args);
string mode = a.Positional.FirstOrDefault() ?? "";
switch (mode)
{
    case "seed":
        foreach (var line in Seeder.SeedMaildir(a.Get("home"))) Console.WriteLine("   " + line);
        return 0;
    case "suite":
        return Suite.Run(a);
    case "child":
        return Child.Run(a);
    case "replay":
        return Replay.Run(a);
    case "engine-loop":
        return EngineLoop.Run(a);
    case "kit-replay":
        return KitReplay.Run(a);
    case "breakdown":
        return Breakdown.Run(a);
    case "startup":
        return Child.Startup(a);
    case "report":
        return Suite.Report(a);
    default:
        Console.Error.WriteLine("usage: ImapLib.Bench seed|suite|child|startup ... (see bench/run.sh)");
        return 2;
}
