using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace ImapLib.Bench;

/// <summary>
/// ImapLib's own CPU cost with the server taken out: the real responses of a scenario are recorded once from
/// Dovecot, then replayed from memory to ImapLib (through the protected <c>SetStream</c> hook), repetition after
/// repetition. What remains is parsing, filing, copying and allocating: the part of a profile that belongs to the
/// library. A "drain" line shows the floor for the same bytes (reading them through a 64 KB buffer).
/// Usage: <c>ImapLib.Bench replay --scenario fetch-bulk-10k|fetch-bulk-5m|fetch-envelope|search-all-20k [--reps N]</c>.
/// </summary>
internal static class Replay
{
    /// <summary>A stream that answers each command line written to it with a canned response under that command's tag.</summary>
    private sealed class ReplayStream(Func<string, string, List<byte[]>> respond) : Stream
    {
        private readonly Queue<byte[]> _out = new();
        private byte[]? _current;
        private int _at;
        private readonly MemoryStream _in = new();

        public void Enqueue(byte[] bytes) => _out.Enqueue(bytes);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            while (_current is null || _at == _current.Length)
            {
                if (_out.Count == 0) return 0;
                _current = _out.Dequeue();
                _at = 0;
            }
            int n = Math.Min(destination.Length, _current.Length - _at);
            _current.AsSpan(_at, n).CopyTo(destination);
            _at += n;
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> data)
        {
            _in.Write(data);
            var all = _in.GetBuffer().AsSpan(0, (int)_in.Length);
            int lf;
            while ((lf = all.IndexOf((byte)'\n')) >= 0)
            {
                string line = Encoding.ASCII.GetString(all[..lf]).TrimEnd('\r');
                int sp = line.IndexOf(' ');
                foreach (var piece in respond(line[..sp], line[(sp + 1)..])) _out.Enqueue(piece);
                all = all[(lf + 1)..];
            }
            var rest = all.ToArray();
            _in.SetLength(0);
            _in.Write(rest);
        }

        public override void Flush() { }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class ReplayIMAP4(ReplayStream stream) : IMAP4(connect: false)
    {
        public void Start() => Connect("replay", 143, null);

        public override void open(string host = "", int port = 143, double? timeout = null)
        {
            this.host = host;
            this.port = port;
            SetStream(stream, null);
        }
    }

    /// <summary>The untagged part of the server's real response to <paramref name="command"/> (recorded over a raw socket).</summary>
    private static byte[] Record(ConnInfo conn, string mailbox, string command)
    {
        using var client = new System.Net.Sockets.TcpClient(conn.Host, conn.Port);
        var s = client.GetStream();
        var reader = new BufferedStream(s, 1 << 16);
        string ReadLine()
        {
            var sb = new List<byte>();
            int b;
            while ((b = reader.ReadByte()) >= 0) { sb.Add((byte)b); if (b == '\n') break; }
            return Encoding.Latin1.GetString(sb.ToArray());
        }
        void Send(string line) { var bytes = Encoding.ASCII.GetBytes(line + "\r\n"); s.Write(bytes); }
        void Until(string tag) { while (!ReadLine().StartsWith(tag + " ", StringComparison.Ordinal)) { } }
        ReadLine();
        Send($"a LOGIN {conn.User} {conn.Password}"); Until("a");
        Send($"b SELECT {mailbox}"); Until("b");
        Send($"c {command}");
        var captured = new MemoryStream();
        while (true)
        {
            string line = ReadLine();
            if (line.StartsWith("c ", StringComparison.Ordinal)) break;
            captured.Write(Encoding.Latin1.GetBytes(line));
            // Literal: copy its bytes verbatim.
            var m = System.Text.RegularExpressions.Regex.Match(line, @"\{(\d+)\}\r\n$");
            if (m.Success)
            {
                int n = int.Parse(m.Groups[1].Value);
                var buf = new byte[n];
                int got = 0;
                while (got < n) got += reader.Read(buf, got, n - got);
                captured.Write(buf);
            }
        }
        Send("d LOGOUT");
        return captured.ToArray();
    }

    /// <summary>Minor page faults of this process so far (/proc/self/stat field 10): first touches of fresh memory.</summary>
    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7]);
    }

    private static ImapResult EachLoop(IMAP4 m, int count)
    {
        for (int i = 1; i <= count; i++)
        {
            var (typ, data) = m.fetch(i, "(RFC822)");
            if (typ != "OK") return (typ, data);
        }
        return ("OK", []);
    }

    public static int Run(Args a)
    {
        var conn = a.Conn();
        int reps = a.GetInt("reps", 30);
        var scenario = Scenario.All(false).Single(s => s.Id == a.Get("scenario"));
        string command = scenario.Kind switch
        {
            "bulk" => $"FETCH {scenario.MessageSet} (RFC822)",
            "envelope" => $"FETCH {scenario.MessageSet} (ENVELOPE FLAGS)",
            "search" => "SEARCH ALL",
            "each" => "FETCH 1 (RFC822)",   // recorded once, answered to every FETCH n
            _ => throw new ArgumentException("replay supports bulk, envelope and search scenarios"),
        };
        byte[] body = Record(conn, scenario.Mailbox, command);
        List<byte[]> Respond(string tag, string line)
        {
            string upper = line.ToUpperInvariant();
            if (upper.StartsWith("CAPABILITY")) return [Encoding.ASCII.GetBytes($"* CAPABILITY IMAP4rev1 LITERAL+ IDLE\r\n{tag} OK done\r\n")];
            if (upper.StartsWith("LOGIN")) return [Encoding.ASCII.GetBytes($"{tag} OK Logged in\r\n")];
            if (upper.StartsWith("SELECT")) return [Encoding.ASCII.GetBytes($"* {scenario.FolderCount} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1] UIDs valid\r\n{tag} OK [READ-WRITE] Select completed.\r\n")];
            if (upper.StartsWith("LOGOUT")) return [Encoding.ASCII.GetBytes($"* BYE Logging out\r\n{tag} OK Logout completed.\r\n")];
            return [body, Encoding.ASCII.GetBytes($"{tag} OK Completed.\r\n")];
        }
        var stream = new ReplayStream(Respond);
        stream.Enqueue("* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] ready.\r\n"u8.ToArray());
        var m = new ReplayIMAP4(stream);
        m.Start();
        m.login(conn.User, conn.Password);
        m.select(scenario.Mailbox);

        var imaplib = new List<(double wall, double cpu, double alloc)>();
        var faults = new List<double>();
        var drain = new List<double>();
        var buffer = new byte[64 * 1024];
        bool collect = !a.Has("no-collect");
        for (int r = 0; r < reps + 2; r++)
        {
            if (collect)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
            }
            long alloc0 = GC.GetTotalAllocatedBytes(true);
            long flt0 = MinorFaults();
            var cpu0 = Environment.CpuUsage.TotalTime;
            long t0 = Stopwatch.GetTimestamp();
            var (typ, _) = scenario.Kind switch
            {
                "search" => m.search(null, "ALL"),
                "each" => EachLoop(m, scenario.Count),
                _ => m.fetch(scenario.MessageSet, command.Split(' ', 3)[2]),
            };
            double wall = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            double cpu = (Environment.CpuUsage.TotalTime - cpu0).TotalMilliseconds;
            double alloc = (GC.GetTotalAllocatedBytes(true) - alloc0) / 1e6;
            long flt = MinorFaults() - flt0;
            if (typ != "OK") throw new InvalidOperationException(typ);
            // The floor for the same bytes: drain them through a 64 KB buffer.
            var floorStream = new ReplayStream((_, _) => []);
            for (int k = 0; k < (scenario.Kind == "each" ? scenario.Count : 1); k++) floorStream.Enqueue(body);
            long f0 = Stopwatch.GetTimestamp();
            while (floorStream.Read(buffer) > 0) { }
            double floor = Stopwatch.GetElapsedTime(f0).TotalMilliseconds;
            if (r < 2) continue;
            imaplib.Add((wall, cpu, alloc));
            faults.Add(flt);
            drain.Add(floor);
        }
        int messages = scenario.Kind == "search" ? scenario.Count : scenario.Count;
        double med(IEnumerable<double> xs) => Suite.Median(xs.ToList());
        var o = new JsonObject
        {
            ["scenario"] = scenario.Id,
            ["response_bytes"] = body.Length,
            ["imaplib_ms"] = Math.Round(med(imaplib.Select(x => x.wall)), 3),
            ["imaplib_cpu_ms"] = Math.Round(med(imaplib.Select(x => x.cpu)), 3),
            ["imaplib_alloc_mb"] = Math.Round(med(imaplib.Select(x => x.alloc)), 3),
            ["imaplib_minor_page_faults"] = med(faults),
            ["drain_floor_ms"] = Math.Round(med(drain), 3),
            ["imaplib_us_per_message"] = Math.Round(med(imaplib.Select(x => x.wall)) * 1000 / messages, 3),
            ["imaplib_mb_s_without_server"] = Math.Round(body.Length / med(imaplib.Select(x => x.wall)) / 1000, 0),
        };
        Console.WriteLine(o.ToJsonString());
        return 0;
    }
}
