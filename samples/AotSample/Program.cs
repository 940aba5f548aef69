// The session a cron-job script runs, as a NativeAOT program: connect, log in, select, fetch (in memory and
// streamed to a stream), a timed IDLE, log out. Settings come from the environment like the porting examples':
// IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASSWORD. Prints each result as Python's print() would.
// With --startup it only connects, logs in and logs out (compared with session.py --startup for start-up time).
using System.Diagnostics;
using ImapLib;

string Env(string name, string? fallback = null) =>
    Environment.GetEnvironmentVariable(name) ?? fallback ?? throw new InvalidOperationException($"set {name}");

var clock = Stopwatch.StartNew();
using var M = new IMAP4(Env("IMAP_HOST", "127.0.0.1"), int.Parse(Env("IMAP_PORT", "143")), timeout: 30);
Console.WriteLine(M.login(Env("IMAP_USER"), Env("IMAP_PASSWORD")).typ);
if (args.Contains("--startup"))
{
    Console.WriteLine(M.logout().typ);
    return;
}
Console.WriteLine(M.append("INBOX", "(\\Seen)", null, "Subject: aot\r\n\r\nhello from NativeAOT\r\n"u8.ToArray()));
Console.WriteLine(M.select("INBOX"));
var (typ, data) = M.fetch("1", "(BODY[])");
Console.WriteLine($"{typ} {data[0]![1]!.Length} bytes");

using var streamed = new MemoryStream();
var (styp, sdata) = M.fetch("1", "(BODY[])", literal_sink: _ => streamed);
Console.WriteLine($"{styp} streamed {streamed.Length} bytes, pair {sdata[0]}");

using (var idler = M.idle(duration: 0.3))
{
    foreach (var response in idler) Console.WriteLine($"idle: {response}");
}
Console.WriteLine(M.logout().typ);
Console.Error.WriteLine($"session took {clock.Elapsed.TotalMilliseconds:F0} ms");
