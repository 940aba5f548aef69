using System.IO.Compression;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ImapLib.Testing;

/// <summary>
/// Transcripts served on a loopback port, for code that makes its own connection (<c>new IMAP4_SSL(host)</c> deep in an
/// application, or another client library): each accepted connection plays the next transcript, in order, over plain
/// TCP or TLS, with STARTTLS and COMPRESS where the transcript has <c>@starttls</c> and <c>@compress</c>. A mismatch
/// closes that connection (the client sees the connection drop) and is raised to the test by
/// <see cref="AssertComplete"/> and by <see cref="Dispose"/>, never lost on the server's thread.
/// <see cref="Record"/> makes a recording proxy instead.
/// </summary>
/// <example>
/// <code>
/// using var server = TranscriptServer.Start(Transcript.Load("inbox.imap"), tls: true);
/// using var M = new IMAP4_SSL(server.Host, server.Port, ssl_context: server.SslContext);
/// ...
/// server.AssertComplete();
/// </code>
/// </example>
public sealed class TranscriptServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Queue<Transcript> _queue;
    private readonly int _expected;
    private readonly bool _tls;
    private readonly (string host, int port)? _upstream;
    private readonly Thread _acceptor;
    private readonly object _gate = new();
    private readonly List<Connection> _connections = [];
    private readonly List<Exception> _failures = [];
    private readonly X509Certificate2? _certificate;
    private bool _reported, _disposed;

    private TranscriptServer(IEnumerable<Transcript> transcripts, bool tls, (string, int)? upstream)
    {
        _queue = new Queue<Transcript>(transcripts);
        _expected = _queue.Count;
        _tls = tls;
        _upstream = upstream;
        if (tls || _queue.Any(t => t.Steps.Any(s => s.Kind == TranscriptStepKind.StartTls)))
        {
            _certificate = MakeCertificate();
            SslContext = TrustOnly(_certificate);
        }
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptor = new Thread(Accept) { IsBackground = true, Name = "TranscriptServer accept" };
        _acceptor.Start();
    }

    /// <summary>Serves <paramref name="transcript"/> to the first connection.</summary>
    /// <param name="transcript">The conversation.</param>
    /// <param name="tls">True: TLS from the first byte (as <c>IMAP4_SSL</c> expects), with a certificate made for this
    /// server; <see cref="SslContext"/> trusts it.</param>
    public static TranscriptServer Start(Transcript transcript, bool tls = false) => Start([transcript], tls);

    /// <summary>Serves one transcript per accepted connection, in order.</summary>
    /// <param name="transcripts">The conversations, in the order the connections are expected.</param>
    /// <param name="tls">True: TLS from the first byte.</param>
    public static TranscriptServer Start(IEnumerable<Transcript> transcripts, bool tls = false)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        return new TranscriptServer(transcripts, tls, null);
    }

    /// <summary>A recording proxy: each connection accepted here is passed on to <paramref name="host"/>:
    /// <paramref name="port"/> (plain TCP) and recorded into <see cref="Recorded"/>. A session that starts TLS or
    /// COMPRESS cannot be seen through a proxy: record it in-process with <see cref="RecordingIMAP4"/>.</summary>
    public static TranscriptServer Record(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new TranscriptServer([], tls: false, (host, port));
    }

    /// <summary>The address to connect to: <c>127.0.0.1</c>.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The port, chosen by the system.</summary>
    public int Port { get; }

    /// <summary>TLS settings that trust this server's certificate and nothing else (pass them as <c>ssl_context</c>);
    /// null when no transcript uses TLS.</summary>
    public SslClientAuthenticationOptions? SslContext { get; }

    /// <summary>The certificate the server presents (made in-process for <c>localhost</c> and 127.0.0.1), or null.</summary>
    public X509Certificate2? Certificate => _certificate;

    /// <summary>How long the server waits for the client's next line before giving up (30 seconds).</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The sessions a recording proxy (<see cref="Record"/>) saw, one per connection, in order.</summary>
    public IReadOnlyList<Transcript> Recorded
    {
        get
        {
            lock (_gate) return _connections.Select(c => c.Recorder?.ToTranscript()).OfType<Transcript>().ToList();
        }
    }

    /// <summary>Waits (up to <see cref="ClientTimeout"/>) until every connection has played its transcript, then
    /// raises the first mismatch, or one for a transcript not played to its end or never connected.</summary>
    /// <exception cref="TranscriptMismatchException">The clients did not follow the transcripts.</exception>
    public void AssertComplete()
    {
        List<Connection> connections;
        lock (_gate) connections = [.. _connections];
        foreach (var connection in connections) connection.Finished.Wait(ClientTimeout);
        lock (_gate)
        {
            if (_failures.Count > 0)
            {
                _reported = true;
                throw _failures[0];
            }
            foreach (var connection in connections) connection.Player?.AssertComplete();
            if (_upstream is null && connections.Count < _expected)
                throw new TranscriptMismatchException(_queue.Peek().Source, 1, null, null,
                    $"{_expected - connections.Count} of {_expected} transcripts were never played: the client made {connections.Count} connection(s)");
        }
    }

    /// <summary>Stops listening, closes every connection, joins the server's threads, and raises the first mismatch
    /// of a connection if <see cref="AssertComplete"/> has not reported it.</summary>
    /// <exception cref="TranscriptMismatchException">A client did not follow its transcript.</exception>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _listener.Stop();
        _acceptor.Join();
        List<Connection> connections;
        lock (_gate) connections = [.. _connections];
        foreach (var connection in connections) connection.Close();
        foreach (var connection in connections) connection.Join();
        _certificate?.Dispose();
        lock (_gate)
        {
            if (!_reported && _failures.Count > 0 && _failures[0] is TranscriptMismatchException mismatch)
            {
                _reported = true;
                throw mismatch;
            }
        }
    }

    private void Accept()
    {
        while (true)
        {
            Socket client;
            try { client = _listener.AcceptSocket(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException) { return; }
            client.NoDelay = true;
            Connection connection;
            lock (_gate)
            {
                if (_upstream is null && _queue.Count == 0)
                {
                    _failures.Add(new TranscriptMismatchException(null, 1, null, null,
                        $"the client made connection {_connections.Count + 1}, but the server has only {_expected} transcript(s)"));
                    client.Dispose();
                    continue;
                }
                connection = _upstream is { } upstream
                    ? new Connection(this, client, null, upstream)
                    : new Connection(this, client, _queue.Dequeue(), null);
                _connections.Add(connection);
            }
            connection.Start();
        }
    }

    private void Failed(Exception failure)
    {
        lock (_gate) _failures.Add(failure);
    }

    /// <summary>One accepted connection: a replay of its transcript, or a recording proxy.</summary>
    private sealed class Connection
    {
        private readonly TranscriptServer _server;
        private readonly Socket _client;
        private readonly (string host, int port)? _upstream;
        private readonly List<Thread> _threads = [];
        private Socket? _upstreamSocket;

        public Connection(TranscriptServer server, Socket client, Transcript? transcript, (string, int)? upstream)
        {
            _server = server;
            _client = client;
            _upstream = upstream;
            if (transcript is not null) Player = new TranscriptPlayer(transcript);
            else Recorder = new TranscriptRecorder();
        }

        public TranscriptPlayer? Player { get; }
        public TranscriptRecorder? Recorder { get; }
        public ManualResetEventSlim Finished { get; } = new();

        public void Start()
        {
            if (Player is not null)
            {
                Run(Replay, "replay");
                return;
            }
            try
            {
                var (host, port) = _upstream!.Value;
                _upstreamSocket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                _upstreamSocket.Connect(host, port);
            }
            catch (SocketException e)
            {
                _server.Failed(e);
                Close();
                Finished.Set();
                return;
            }
            Run(() => Pump(_client, _upstreamSocket, Recorder!.Client, fromServer: false), "record client");
            Run(() => Pump(_upstreamSocket, _client, Recorder!.Server, fromServer: true), "record server");
        }

        private void Run(Action body, string name)
        {
            var thread = new Thread(() =>
            {
                try { body(); }
                finally { Finished.Set(); }
            })
            { IsBackground = true, Name = $"TranscriptServer {name}" };
            _threads.Add(thread);
            thread.Start();
        }

        public void Close()
        {
            try { _client.Shutdown(SocketShutdown.Both); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
            _client.Dispose();
            _upstreamSocket?.Dispose();
        }

        public void Join()
        {
            foreach (var thread in _threads) thread.Join();
        }

        /// <summary>Plays the transcript: writes the server's lines as soon as they are next, reads and matches the
        /// client's lines, performs the directives, and at the end waits for the client to close.</summary>
        private void Replay()
        {
            var player = Player!;
            Stream stream = new NetworkStream(_client, ownsSocket: false);
            _client.ReceiveTimeout = (int)_server.ClientTimeout.TotalMilliseconds;
            var buffer = new byte[64 * 1024];
            try
            {
                if (_server._tls) stream = Secure(stream);
                while (true)
                {
                    player.ReleaseServer();
                    if (player.OutputLength > 0)
                    {
                        stream.Write(player.TakeOutput());
                        stream.Flush();
                    }
                    if (player.Closed) return;
                    var next = player.Next;
                    if (next?.Kind == TranscriptStepKind.StartTls)
                    {
                        player.Directive(TranscriptStepKind.StartTls, "starts TLS");
                        stream = Secure(stream);
                        continue;
                    }
                    if (next?.Kind == TranscriptStepKind.Compress)
                    {
                        player.Directive(TranscriptStepKind.Compress, "starts compression");
                        stream = new DeflateDuplex(stream);
                        continue;
                    }
                    int read = stream.Read(buffer);
                    if (read == 0)
                    {
                        if (next is not null)
                            throw new TranscriptMismatchException(player.Source, next.LineNumber, next.Text, null,
                                "the client closed the connection before this step of the transcript");
                        return;
                    }
                    player.ClientSent(buffer.AsSpan(0, read));
                }
            }
            catch (TranscriptMismatchException e)
            {
                _server.Failed(e);
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut })
            {
                _server.Failed(new TranscriptMismatchException(player.Source, player.Next?.LineNumber ?? 0, player.Next?.Text, null,
                    $"the client sent nothing for {_server.ClientTimeout.TotalSeconds:0} s"));
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
            {
                // The client went away (or the server is being disposed): what is left shows in AssertComplete.
                if (player.Failure is null && player.Next is { } step && !_server._disposed)
                    _server.Failed(new TranscriptMismatchException(player.Source, step.LineNumber, step.Text, null, $"the connection failed: {e.Message}"));
            }
            finally
            {
                Close();
            }
        }

        private SslStream Secure(Stream stream)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            tls.AuthenticateAsServer(_server._certificate!, clientCertificateRequired: false, checkCertificateRevocation: false);
            return tls;
        }

        /// <summary>Copies one direction of a proxied session, recording it; at the end closes both sides.</summary>
        private void Pump(Socket from, Socket to, Action<ReadOnlySpan<byte>> record, bool fromServer)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    int read = from.Receive(buffer);
                    if (read == 0)
                    {
                        if (fromServer) Recorder!.ServerClosed();
                        break;
                    }
                    record(buffer.AsSpan(0, read));
                    if (Recorder!.Switch is { } command)
                    {
                        _server.Failed(new NotSupportedException(
                            $"the recording proxy cannot see inside {command}: record this session with RecordingIMAP4"));
                        break;
                    }
                    to.Send(buffer.AsSpan(0, read));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // One side closed; the other pump ends too.
            }
            try { to.Shutdown(SocketShutdown.Send); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        }
    }

    /// <summary>COMPRESS=DEFLATE's raw deflate both ways over one stream; each write is flushed to the client.</summary>
    private sealed class DeflateDuplex(Stream inner) : Stream
    {
        private readonly DeflateStream _reader = new(inner, CompressionMode.Decompress, leaveOpen: true);
        private readonly DeflateStream _writer = new(inner, CompressionLevel.Fastest, leaveOpen: true);

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _reader.Read(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => _writer.Write(buffer, offset, count);
        public override void Flush() => _writer.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A throw-away certificate for <c>localhost</c> and 127.0.0.1, made in-process (ECDSA P-256, one day).</summary>
    private static X509Certificate2 MakeCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12, so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Client settings that trust exactly <paramref name="certificate"/>.</summary>
    private static SslClientAuthenticationOptions TrustOnly(X509Certificate2 certificate)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(certificate.RawData));
        return new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
    }
}
