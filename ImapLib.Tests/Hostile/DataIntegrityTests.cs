using System.Diagnostics;
using System.Text;
using ImapLib.Tests.Support;

namespace ImapLib.Tests.Hostile;

/// <summary>
/// Issue 7, "never a wrong byte, never a leak", against the real Dovecot: 10,000 random messages (every byte value
/// 1-255, bare CR, bare LF and CRLF, lines of several KB) appended and fetched back byte-exact with and without
/// LITERAL+; 50 connections at once, each seeing only its own data; and afterwards no socket, pipe or child process
/// left behind.
/// </summary>
[NonParallelizable]
[Category("Server")]
public class DataIntegrityTests
{
    /// <summary>What the server must hold: every bare CR, bare LF and CRLF as CRLF (written independently of the library).</summary>
    private static byte[] CrlfNormalised(byte[] message)
    {
        var result = new List<byte>(message.Length + 64);
        for (int i = 0; i < message.Length; i++)
        {
            if (message[i] == '\r')
            {
                result.Add((byte)'\r');
                result.Add((byte)'\n');
                if (i + 1 < message.Length && message[i + 1] == '\n') i++;
            }
            else if (message[i] == '\n')
            {
                result.Add((byte)'\r');
                result.Add((byte)'\n');
            }
            else
            {
                result.Add(message[i]);
            }
        }
        return [.. result];
    }

    /// <summary>A random message: a header (so the server sees a message), then one of several hostile bodies.</summary>
    private static byte[] RandomMessage(Random r, int n)
    {
        var header = Encoding.ASCII.GetBytes($"From: sender{n}@example.org\r\nSubject: message {n}\r\nX-Number: {n}\r\n\r\n");
        string[] endings = ["\r\n", "\n", "\r"];
        byte[] body;
        switch (n % 5)
        {
            case 0:   // every byte value 1-255, in order, then shuffled copies
                body = [.. Enumerable.Range(1, 255).Select(b => (byte)b), .. Enumerable.Range(0, r.Next(0, 300)).Select(_ => (byte)r.Next(1, 256))];
                break;
            case 1:   // random bytes 1-255: CR and LF fall anywhere
                body = Enumerable.Range(0, r.Next(1, 1500)).Select(_ => (byte)r.Next(1, 256)).ToArray();
                break;
            case 2:   // text lines with mixed endings
            {
                var text = new StringBuilder();
                int lines = r.Next(1, 40);
                for (int i = 0; i < lines; i++) text.Append("line ").Append(i).Append(' ').Append(new string('t', r.Next(0, 100))).Append(endings[r.Next(3)]);
                body = Encoding.ASCII.GetBytes(text.ToString());
                break;
            }
            case 3:   // a long line of several KB (printable and 8-bit), maybe without a final line end
            {
                body = Enumerable.Range(0, r.Next(2000, 9000)).Select(_ => (byte)(r.Next(2) == 0 ? r.Next(0x21, 0x7f) : r.Next(0x80, 0x100))).ToArray();
                if (r.Next(2) == 0) body = [.. body, .. Encoding.ASCII.GetBytes(endings[r.Next(3)])];
                break;
            }
            default:  // line ends in runs: CR CR LF, LF CR, CR at the very end
                body = Encoding.ASCII.GetBytes("a\r\r\nb\n\rc\r\n\r\nd\n\n\re\r");
                break;
        }
        return [.. header, .. body];
    }

    /// <summary>Fetches all messages and returns the body of each by its sequence number.</summary>
    private static Dictionary<int, byte[]> FetchAll(IMAP4 M)
    {
        var (typ, data) = M.fetch("1:*", "(BODY.PEEK[])");
        Assert.That(typ, Is.EqualTo("OK"));
        var bodies = new Dictionary<int, byte[]>();
        foreach (var item in data)
        {
            if (item is not { IsPair: true }) continue;
            string header = Encoding.ASCII.GetString(item.Header);
            int seq = int.Parse(header[..header.IndexOf(' ')]);
            bodies[seq] = item.Body;
        }
        return bodies;
    }

    private static int Sockets() => ProcessResources.SocketCount();

    private static int Pipes() => Directory.EnumerateFileSystemEntries("/proc/self/fd")
        .Count(fd => { try { return new FileInfo(fd).LinkTarget?.StartsWith("pipe:") == true; } catch (IOException) { return false; } });

    [Test]
    [CancelAfter(180_000)]
    public void Ten_thousand_random_messages_come_back_byte_exact_with_and_without_LITERAL_plus_and_compression()
    {
        const int connections = 4, perConnection = 2_500;
        int socketsBefore = Sockets();
        var accounts = Enumerable.Range(0, connections).Select(_ => Dovecot.NewAccount()).ToArray();
        var clock = Stopwatch.StartNew();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Parallel.For(0, connections, new ParallelOptions { MaxDegreeOfParallelism = connections }, c =>
        {
            var r = new Random(9000 + c);
            bool literalPlus = c % 2 == 0, compressed = c >= 2;   // every combination of the two
            using var M = accounts[c].Connect();
            M.UseLiteralPlus = literalPlus;
            Assert.That(M.capabilities, Does.Contain("LITERAL+"));
            if (compressed && M.compress().typ != "OK") failures.Enqueue($"connection {c}: COMPRESS DEFLATE refused");
            var expected = new byte[perConnection][];
            for (int i = 0; i < perConnection; i++)
            {
                byte[] message = RandomMessage(r, i);
                expected[i] = CrlfNormalised(message);
                var (typ, data) = M.append("INBOX", null, null, message);
                if (typ != "OK") failures.Enqueue($"connection {c}: APPEND {i} answered {typ} {data[0]}");
            }
            var (selectTyp, exists) = M.select("INBOX");
            if (exists[0]?.decode() != perConnection.ToString()) failures.Enqueue($"connection {c}: {exists[0]} messages, not {perConnection}");
            var bodies = FetchAll(M);
            for (int i = 0; i < perConnection; i++)
            {
                if (!bodies.TryGetValue(i + 1, out var got)) failures.Enqueue($"connection {c} (literal+={literalPlus}, deflate={compressed}): message {i + 1} missing");
                else if (!got.AsSpan().SequenceEqual(expected[i]))
                {
                    int at = got.AsSpan().CommonPrefixLength(expected[i]);
                    failures.Enqueue($"connection {c} (literal+={literalPlus}, deflate={compressed}): message {i + 1} differs at byte {at} of {expected[i].Length} (got {got.Length})");
                }
            }
            M.logout();
        });
        TestContext.Out.WriteLine($"{connections * perConnection} messages appended and fetched in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.That(failures, Is.Empty, () => string.Join("\n", failures.Take(20)));
        Assert.That(Sockets(), Is.LessThanOrEqualTo(socketsBefore + 2), "no socket left open");
    }

    [Test]
    [CancelAfter(120_000)]
    public void Fifty_parallel_connections_each_see_only_their_own_data_and_leave_no_socket_open()
    {
        const int connections = 50, messages = 6;
        var accounts = new Account[connections];
        Parallel.For(0, connections, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => accounts[i] = Dovecot.NewAccount());
        int socketsBefore = Sockets();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var start = new Barrier(connections);
        var threads = Enumerable.Range(0, connections).Select(c => new Thread(() =>
        {
            try
            {
                var r = new Random(500 + c);
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                using var M = accounts[c].Connect();
                M.UseLiteralPlus = c % 2 == 0;
                string owner = $"owner-{c}-{Guid.NewGuid():N}";
                var expected = new List<byte[]>();
                for (int i = 0; i < messages; i++)
                {
                    byte[] message = [.. Encoding.ASCII.GetBytes($"X-Owner: {owner}\r\nSubject: {i}\r\n\r\n"), .. RandomMessage(r, i)];
                    expected.Add(CrlfNormalised(message));
                    M.append("INBOX", null, null, message);
                }
                M.select("INBOX");
                var (_, all) = M.search(null, "ALL");
                var (_, mine) = M.search(null, "HEADER", "X-Owner", owner);
                string everything = string.Join(" ", Enumerable.Range(1, messages));
                if (all[0]!.decode() != everything) failures.Enqueue($"connection {c}: SEARCH ALL gave {all[0]}");
                if (mine[0]!.decode() != everything) failures.Enqueue($"connection {c}: SEARCH HEADER gave {mine[0]}");
                var bodies = FetchAll(M);
                if (bodies.Count != messages) failures.Enqueue($"connection {c}: fetched {bodies.Count} messages");
                for (int i = 0; i < messages; i++)
                {
                    if (!bodies.TryGetValue(i + 1, out var got) || !got.AsSpan().SequenceEqual(expected[i]))
                        failures.Enqueue($"connection {c}: message {i + 1} is not what it appended");
                }
                M.logout();
            }
            catch (Exception e)
            {
                failures.Enqueue($"connection {c}: {e}");
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        foreach (var t in threads) Assert.That(t.Join(TimeSpan.FromSeconds(90)), Is.True, "a connection hung");
        Assert.That(failures, Is.Empty, () => string.Join("\n", failures.Take(20)));
        int socketsAfter = Sockets();
        TestContext.Out.WriteLine($"sockets before {socketsBefore}, after {socketsAfter}");
        Assert.That(socketsAfter, Is.LessThanOrEqualTo(socketsBefore + 2), "no socket left open");
    }

    [Test]
    [CancelAfter(120_000)]
    public void Twenty_stream_connections_leave_no_child_process_or_pipe_behind()
    {
        var account = Dovecot.NewAccount();
        string command = Dovecot.StdioCommand(account.User);
        var descendantsBefore = ProcessResources.Descendants().Select(p => p.pid).ToHashSet();
        int pipesBefore = Pipes(), socketsBefore = Sockets();
        var pids = new List<int>();
        for (int i = 0; i < 20; i++)
        {
            var M = new IMAP4_stream(command, timeout: 30);
            pids.Add(M.process!.Id);
            if (i % 2 == 0)
            {
                M.append("INBOX", null, null, Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\nbody {i}\r\n"));
                M.select("INBOX");
                Assert.That(M.search(null, "ALL").data[0]!.decode(), Is.Not.Empty);
            }
            if (i % 4 == 1) M.logout();   // logout, then Dispose; the others only Dispose
            M.Dispose();
            Assert.That(M.process, Is.Null);
        }
        var left = ProcessResources.Descendants().Where(p => !descendantsBefore.Contains(p.pid)).ToList();
        Assert.That(left, Is.Empty, "child processes left: " + string.Join(", ", left));
        foreach (int pid in pids)
        {
            bool alive = File.Exists($"/proc/{pid}/stat") && File.ReadAllText($"/proc/{pid}/stat") is var stat
                && stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1] == Environment.ProcessId.ToString();
            Assert.That(alive, Is.False, $"process {pid} is still our child (running or a zombie)");
        }
        Assert.That(Pipes(), Is.LessThanOrEqualTo(pipesBefore + 2), "no pipe left open");
        Assert.That(Sockets(), Is.LessThanOrEqualTo(socketsBefore + 2), "no socket left open");
    }
}
