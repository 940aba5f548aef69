using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ImapLib.Tests.Support;

/// <summary>
/// A scripted IMAP server on a loopback port, for what a real server will not do (bad greetings, broken
/// lines, literals that lie). Each accepted connection runs <c>script</c> on its own thread; what the client
/// sent is recorded in <see cref="Received"/>, and an exception in the script is kept in <see cref="Failure"/>.
/// </summary>
/// <remarks>A conversation over a real socket is a transcript served by the kit's
/// <see cref="ImapLib.Testing.TranscriptServer"/> (plain or TLS, a silent server, <c>@close</c>). This server stays
/// for what a transcript cannot say: waiting for and observing the client closing its socket
/// (<see cref="Fake.ClientClosed"/>), dripping bytes on a timer or splitting them across packets,
/// a TLS handshake or a stall the script controls by hand, a reply built from the client's tag (another tag of its
/// prefix), a server that answers whatever it is sent (<see cref="Fake.OkToEverything"/>), and a server stalled in
/// the middle of a literal (a transcript's server literal must end, or end in <c>@close</c>). Some plain
/// conversations still use it and could move to transcripts.</remarks>
public sealed class FakeServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Thread _thread;
    private readonly Action<FakeSession> _script;
    private volatile bool _stopping;

    /// <summary>Everything the client sent, as Latin-1 text, in order.</summary>
    public StringBuilder Received { get; } = new();

    /// <summary>The first exception the script raised, if any (an assertion failure inside the server).</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The loopback port to connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public FakeServer(Action<FakeSession> script, int connections = 1)
    {
        _script = script;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _thread = new Thread(() => Serve(connections)) { IsBackground = true, Name = "fake IMAP server" };
        _thread.Start();
    }

    private void Serve(int connections)
    {
        for (int i = 0; i < connections && !_stopping; i++)
        {
            TcpClient client;
            try { client = _listener.AcceptTcpClient(); }
            catch (SocketException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (InvalidOperationException) { return; }   // stopped before the first accept: "not listening"
            using (client)
            {
                client.NoDelay = true;
                var session = new FakeSession(client, this);
                try { _script(session); }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException && _stopping) { }
                catch (Exception e) { Failure ??= e; }
                finally { session.Close(); }
            }
        }
    }

    internal void Record(string text)
    {
        lock (Received) Received.Append(text);
    }

    /// <summary>What the client sent so far.</summary>
    public string ReceivedText
    {
        get { lock (Received) return Received.ToString(); }
    }

    /// <summary>Waits for the script to finish (bounded) and rethrows its failure.</summary>
    public void Join(int milliseconds = 10_000)
    {
        if (!_thread.Join(milliseconds)) throw new TimeoutException("fake server script did not finish");
        if (Failure is not null)
        {
            _failureReported = true;
            throw new AssertionException("fake server script failed: " + Failure);
        }
    }

    /// <summary>Stops listening and joins the script's thread; a script that failed (an assertion in it, an
    /// unexpected command) fails the test here, even when the test never called <see cref="Join"/>.</summary>
    public void Dispose()
    {
        _stopping = true;
        _listener.Stop();
        if (!_thread.Join(10_000)) throw new AssertionException("fake server script did not finish within 10 s of the test's end");
        if (Failure is not null && !_failureReported)
        {
            _failureReported = true;
            throw new AssertionException("fake server script failed: " + Failure);
        }
    }

    private bool _failureReported;
}

/// <summary>One client connection as the script sees it.</summary>
public sealed class FakeSession
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly FakeServer _server;

    internal FakeSession(TcpClient client, FakeServer server)
    {
        _client = client;
        _stream = client.GetStream();
        _stream.ReadTimeout = 10_000;
        _server = server;
    }

    /// <summary>The underlying stream (for a TLS upgrade in a script).</summary>
    public NetworkStream Stream => _stream;

    /// <summary>Sends text as it is (Latin-1), with no line ending added.</summary>
    public void Send(string text) => SendBytes(Encoding.Latin1.GetBytes(text));

    /// <summary>Sends raw bytes.</summary>
    public void SendBytes(byte[] bytes)
    {
        _stream.Write(bytes);
        _stream.Flush();
    }

    /// <summary>Sends one line with CRLF.</summary>
    public void Line(string line) => Send(line + "\r\n");

    /// <summary>Reads one line from the client (without CRLF); null at end of stream.</summary>
    public string? ReadLine()
    {
        var bytes = new List<byte>();
        while (true)
        {
            int b = _stream.ReadByte();
            if (b < 0)
            {
                if (bytes.Count == 0) return null;
                break;
            }
            bytes.Add((byte)b);
            if (b == '\n') break;
        }
        string text = Encoding.Latin1.GetString(bytes.ToArray());
        _server.Record(text);
        return text.TrimEnd('\n').TrimEnd('\r');
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (a literal the client sends).</summary>
    public byte[] ReadBytes(int count)
    {
        var buffer = new byte[count];
        _stream.ReadExactly(buffer);
        _server.Record(Encoding.Latin1.GetString(buffer));
        return buffer;
    }

    /// <summary>Reads one command line and splits it into tag, upper-cased command name and the rest.</summary>
    public Command ReadCommand()
    {
        string line = ReadLine() ?? throw new EndOfStreamException("client closed the connection");
        var parts = line.Split(' ', 3);
        return new Command(line, parts[0], parts.Length > 1 ? parts[1].ToUpperInvariant() : "", parts.Length > 2 ? parts[2] : "");
    }

    /// <summary>Reads a command and checks its name.</summary>
    public Command Expect(string name)
    {
        var command = ReadCommand();
        if (command.Name != name) throw new InvalidOperationException($"expected {name}, got {command.Line}");
        return command;
    }

    /// <summary>The usual greeting and an answer to the CAPABILITY command that follows it.</summary>
    public void Greet(string capabilities = "IMAP4rev1", string greeting = "* OK fake server ready")
    {
        Line(greeting);
        var command = Expect("CAPABILITY");
        Line("* CAPABILITY " + capabilities);
        Line(command.Tag + " OK CAPABILITY completed");
    }

    /// <summary>Answers LOGOUT the usual way.</summary>
    public void Bye()
    {
        var command = ReadCommand();
        if (command.Name != "LOGOUT") throw new InvalidOperationException($"expected LOGOUT, got {command.Line}");
        Line("* BYE bye");
        Line(command.Tag + " OK LOGOUT completed");
    }

    public void Close()
    {
        // Idempotent: a script may close the session itself before Serve's finally does.
        try { _client.Client?.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _client.Close();
    }
}

/// <summary>A command line the client sent.</summary>
public sealed record Command(string Line, string Tag, string Name, string Args);
