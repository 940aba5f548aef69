using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ImapLib.Bench;

/// <summary>A simulated link: one-way delay in each direction and a bandwidth cap (0 = no cap).</summary>
internal sealed record LinkProfile(string Id, double OneWayDelayMs, double Mbit)
{
    public double RttMs => 2 * OneWayDelayMs;

    public string Title => Mbit > 0 ? $"{RttMs:0} ms RTT, {Mbit:0} Mbit/s" : $"{RttMs:0} ms RTT, no bandwidth cap";

    /// <summary>The proxy alone, adding nothing: what the raw reader measures through it is the proxy's own cost.</summary>
    public static readonly LinkProfile Zero = new("zero", 0, 0);
    public static readonly LinkProfile Near = new("30ms-50mbit", 15, 50);
    public static readonly LinkProfile Far = new("80ms-10mbit", 40, 10);
}

/// <summary>
/// A userspace TCP proxy on loopback that behaves like a WAN link between the client and the server: every chunk it
/// reads leaves after the chunks before it have been "serialised" at the capped bandwidth, and arrives the one-way
/// delay later, in each direction separately. No kernel tools (tc/netem) are needed, so it runs anywhere the
/// benchmark runs. Bytes are counted in each direction, so compression shows as fewer bytes on the link.
/// </summary>
/// <remarks>
/// A real link also has a bottleneck buffer: the queue of one direction is bounded (<see cref="QueueChunks"/> ×
/// <see cref="ChunkSize"/>, well above the bandwidth-delay product of the profiles used), so a fast sender is slowed
/// by TCP's own flow control instead of filling memory.
/// </remarks>
internal sealed class WanLink : IDisposable
{
    private const int ChunkSize = 16 * 1024;
    private const int QueueChunks = 512;   // 8 MiB: 80 ms at 50 Mbit/s is 0.5 MB in flight

    private readonly LinkProfile _profile;
    private readonly IPEndPoint _target;
    private readonly TcpListener _listener;
    private readonly Thread _acceptor;
    private readonly List<Thread> _pumps = [];
    private readonly List<Socket> _sockets = [];
    private readonly Lock _lock = new();
    private volatile bool _stopping;
    private long _toServer, _toClient;

    public WanLink(LinkProfile profile, string host, int port)
    {
        _profile = profile;
        _target = new IPEndPoint(IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host), port);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptor = new Thread(Accept) { IsBackground = true, Name = "wan-accept" };
        _acceptor.Start();
    }

    /// <summary>The loopback port clients connect to instead of the server's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes carried client → server and server → client since the last <see cref="ResetCounters"/>.</summary>
    public (long ToServer, long ToClient) Counters => (Interlocked.Read(ref _toServer), Interlocked.Read(ref _toClient));

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _toServer, 0);
        Interlocked.Exchange(ref _toClient, 0);
    }

    private void Accept()
    {
        while (!_stopping)
        {
            Socket client;
            try { client = _listener.AcceptSocket(); }
            catch (SocketException) { return; }
            catch (ObjectDisposedException) { return; }
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try { server.Connect(_target); }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }
            lock (_lock)
            {
                _sockets.Add(client);
                _sockets.Add(server);
                foreach (var (from, to, up) in new[] { (client, server, true), (server, client, false) })
                {
                    var pump = new Direction(this, from, to, up);
                    _pumps.AddRange(pump.Start());
                }
            }
        }
    }

    /// <summary>One direction of one connection: a reader that stamps each chunk with its arrival time, and a writer
    /// that hands it on at that time.</summary>
    private sealed class Direction(WanLink link, Socket from, Socket to, bool toServer)
    {
        private readonly BlockingCollection<(long due, byte[] data, int length)> _queue = new(QueueChunks);

        public Thread[] Start()
        {
            var reader = new Thread(Read) { IsBackground = true, Name = "wan-read" };
            var writer = new Thread(Write) { IsBackground = true, Name = "wan-write" };
            reader.Start();
            writer.Start();
            return [reader, writer];
        }

        private void Read()
        {
            double ticksPerByte = link._profile.Mbit > 0 ? Stopwatch.Frequency * 8.0 / (link._profile.Mbit * 1e6) : 0;
            long delay = (long)(link._profile.OneWayDelayMs * Stopwatch.Frequency / 1000);
            long lineFree = 0;   // when the link has finished serialising what it was given so far
            try
            {
                while (true)
                {
                    var buffer = new byte[ChunkSize];
                    int n = from.Receive(buffer);
                    if (n == 0) break;
                    long now = Stopwatch.GetTimestamp();
                    lineFree = Math.Max(now, lineFree) + (long)(n * ticksPerByte);
                    if (toServer) Interlocked.Add(ref link._toServer, n);
                    else Interlocked.Add(ref link._toClient, n);
                    _queue.Add((lineFree + delay, buffer, n));
                }
            }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
            _queue.CompleteAdding();
        }

        private void Write()
        {
            try
            {
                foreach (var (due, data, length) in _queue.GetConsumingEnumerable())
                {
                    WaitUntil(due);
                    int sent = 0;
                    while (sent < length) sent += to.Send(data, sent, length - sent, SocketFlags.None);
                }
                to.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
        }

        /// <summary>Sleeps whole milliseconds while at least one is left, then yields for the rest: sleeping the
        /// remainder too would add up to a millisecond per chunk, several per cent of these round trips.</summary>
        private static void WaitUntil(long due)
        {
            while (true)
            {
                long left = due - Stopwatch.GetTimestamp();
                if (left <= 0) return;
                double ms = left * 1000.0 / Stopwatch.Frequency;
                if (ms >= 1) Thread.Sleep((int)ms);
                else Thread.Yield();
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _listener.Stop();
        _acceptor.Join();
        Socket[] sockets;
        Thread[] pumps;
        lock (_lock)
        {
            sockets = [.. _sockets];
            pumps = [.. _pumps];
        }
        foreach (var s in sockets) s.Dispose();
        foreach (var t in pumps) t.Join();
    }
}
