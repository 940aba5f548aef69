using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ImapLib.Tests.CPython;

/// <summary>
/// The C# twin of the server side of CPython's test_imaplib: <c>socketserver.TCPServer</c> (and its TLS variant,
/// <c>SecureTCPServer</c>) serving one handler class on a loopback port, each connection on a thread that
/// <see cref="Dispose"/> joins. A failure inside a handler fails the test that owns the server.
/// </summary>
public sealed class TestTCPServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Thread _thread;
    private readonly Func<StreamRequestHandler> _handler;
    private readonly bool _tls;
    private volatile bool _stopping;
    private readonly List<Stream> _open = [];

    /// <summary>What handlers share between connections and with the test (Python sets attributes on the server).</summary>
    public string? logged;
    /// <summary>CPython main's <c>server.logged</c>: all the LOGIN arguments (3.13's held the user name only, as
    /// <see cref="logged"/> does).</summary>
    public string[]? login_args;
    /// <summary>The arguments of the last SELECT or EXAMINE; null before one and after UNSELECT (CPython main).</summary>
    public string[]? is_selected;
    public byte[]? response;
    /// <summary>The last command line the handler read, CRLF included, and its arguments as CPython main's
    /// <c>splitargs</c> cuts them (quoted strings and parenthesised lists stay whole).</summary>
    public byte[]? line;
    public string[]? args;
    /// <summary>What a test's handler keeps beyond these (Python sets any attribute on the server).</summary>
    public List<object?> kept = [];
    /// <summary>Seconds between the two halves of each line a handler sends (CPython's <c>response_delay</c>).</summary>
    public double response_delay;

    /// <summary>The first exception a handler raised, if any.</summary>
    public Exception? Failure { get; private set; }

    public TestTCPServer(Func<StreamRequestHandler> handler, bool tls)
    {
        _handler = handler;
        _tls = tls;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _thread = new Thread(serve_forever) { IsBackground = true, Name = "CPython test server" };
        _thread.Start();
    }

    /// <summary>Python's <c>server.server_address</c>: the loopback address and the port.</summary>
    public (string host, int port) server_address => ("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);

    private readonly List<Thread> _connections = [];

    private void serve_forever()
    {
        while (!_stopping)
        {
            TcpClient client;
            try { client = _listener.AcceptTcpClient(); }
            // A server stopped before this thread first reaches AcceptTcpClient raises InvalidOperationException ("not
            // listening"): the same end as a stop while waiting, and it must not escape the thread (the test host dies).
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException) { return; }
            // Each connection on its own thread (socketserver's ThreadingMixIn): a test may open a second client
            // while the first is connected, where CPython's single-threaded server waits for the handler's time-out.
            var thread = new Thread(() => Serve(client)) { IsBackground = true, Name = "CPython test connection" };
            lock (_connections) _connections.Add(thread);
            thread.Start();
        }
    }

    private void Serve(TcpClient client)
    {
        using (client)
        {
            client.NoDelay = true;
            Stream stream = client.GetStream();
            try
            {
                if (_tls)
                {
                    var tls = new SslStream(stream);
                    tls.AuthenticateAsServer(TestCertificates.Server);
                    stream = tls;
                }
                lock (_open) _open.Add(stream);
                var handler = _handler();
                handler.Attach(this, stream);
                handler.handle();
            }
            catch (Exception e) when (_stopping || e is IOException or AuthenticationException) { }
            catch (Exception e) { Failure ??= e; }
            finally
            {
                lock (_open) _open.Remove(stream);
                stream.Dispose();
            }
        }
    }

    /// <summary>Python's <c>shutdown()</c> and <c>server_close()</c>: stops accepting, ends the connection being served,
    /// joins the thread; then reports a handler's failure.</summary>
    public void Dispose()
    {
        _stopping = true;
        _listener.Stop();
        lock (_open) foreach (var stream in _open) stream.Dispose();
        Thread[] connections;
        lock (_connections) connections = [.. _connections];
        if (!_thread.Join(TimeSpan.FromSeconds(10)) || connections.Any(t => !t.Join(TimeSpan.FromSeconds(10))))
            throw new AssertionException("the test server's threads did not end within 10 s");
        if (Failure is { } failure)
            throw new AssertionException($"the test server's handler failed: {failure}");
    }
}

/// <summary>Python's <c>socketserver.StreamRequestHandler</c>: one connection, its stream, and <see cref="handle"/>.</summary>
public class StreamRequestHandler
{
    public TestTCPServer server = null!;
    protected Stream stream = null!;

    internal void Attach(TestTCPServer owner, Stream connection)
    {
        server = owner;
        stream = connection;
        setup();
    }

    protected virtual void setup() { }

    public virtual void handle() { }

    /// <summary>Python's <c>self.wfile.write(...)</c>.</summary>
    protected void write(byte[] data)
    {
        stream.Write(data);
        stream.Flush();
    }
}

/// <summary>
/// CPython's <c>SimpleIMAPHandler</c>: greets, reads command lines, and answers each with its <c>cmd_NAME</c>
/// method (public, <c>(string tag, string[] args)</c>), or BAD when there is none. Where the Python handler is a
/// generator that receives the client's next line, the C# one calls <see cref="next_line"/>.
/// </summary>
public class SimpleIMAPHandler : StreamRequestHandler
{
    public virtual string capabilities => "";

    /// <summary>The greeting line (CPython main's <c>welcome</c> attribute).</summary>
    public virtual string welcome => "* OK IMAP4rev1";

    protected override void setup()
    {
        server.is_selected = null;
        server.logged = null;
    }

    protected void _send(byte[] message)
    {
        if (server.response_delay > 0 && message.Length > 1)
        {
            // The line reaches the client in two packets, the second one late.
            write(message[..(message.Length / 2)]);
            Thread.Sleep(TimeSpan.FromSeconds(server.response_delay));   // the delay is the scenario
            write(message[(message.Length / 2)..]);
            return;
        }
        write(message);
    }

    protected void _send_line(byte[] message) => _send([.. message, (byte)'\r', (byte)'\n']);

    protected void _send_textline(string message) => _send_line(Encoding.ASCII.GetBytes(message));

    protected void _send_tagged(string tag, string code, string message) => _send_textline(string.Join(' ', tag, code, message));

    /// <summary>The client's next line, CRLF included; null at end of stream.</summary>
    protected byte[]? next_line()
    {
        var line = new List<byte>();
        while (true)
        {
            int b;
            try { b = stream.ReadByte(); }
            catch (IOException) { return null; }
            if (b < 0) return null;
            line.Add((byte)b);
            if (line.Count >= 2 && line[^2] == '\r' && line[^1] == '\n') return line.ToArray();
        }
    }

    public override void handle()
    {
        _send_textline(welcome);
        while (next_line() is { } line)
        {
            server.line = line;
            // UTF-8, as CPython main decodes it (with surrogateescape: a test that needs the bytes reads server.line)
            var split = splitargs(Encoding.UTF8.GetString(line)[..^2]);
            string tag = split[0], cmd = split[1];
            string[] args = split[2..];
            server.args = args;
            if (command(tag, cmd, args)) continue;
            var method = GetType().GetMethod("cmd_" + cmd);
            if (method is null) _send_tagged(tag, "BAD", cmd + " unknown");
            else method.Invoke(this, [tag, args]);
        }
    }

    /// <summary>A command answered without a <c>cmd_NAME</c> method (CPython main's <c>make_simple_handler</c> sets
    /// one at run time); false leaves the command to the methods.</summary>
    protected virtual bool command(string tag, string cmd, string[] args) => false;

    /// <summary>CPython main's <c>splitargs</c>: a command line cut into IMAP arguments — quoted strings, balanced
    /// (possibly nested) parenthesised lists and bare atoms.</summary>
    public static string[] splitargs(string line)
    {
        var args = new List<string>();
        int i = 0, n = line.Length;
        while (i < n)
        {
            if (line[i] == ' ')
            {
                i++;
                continue;
            }
            int start = i, depth = 0;
            while (i < n && (depth > 0 || line[i] != ' '))
            {
                char c = line[i];
                if (c == '"')
                {
                    i++;
                    while (i < n && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
                    i = Math.Min(i + 1, n);
                    continue;
                }
                if (c == '(') depth++;
                else if (c == ')') depth--;
                i++;
            }
            args.Add(line[start..i]);
        }
        return [.. args];
    }

    /// <summary>CPython main's <c>_read_literal(handler, marker)</c>: the literal announced by <paramref name="marker"/>
    /// (<c>{N}</c>, or <c>(~{N}</c> in UTF-8 mode), read after sending the continuation. (Python also checks that the
    /// client sent nothing before the "+"; a client that did would make this read take the wrong bytes, and the test
    /// fail on them.)</summary>
    protected byte[] _read_literal(string marker)
    {
        int size = int.Parse(System.Text.RegularExpressions.Regex.Match(marker, @"\{(\d+)\}").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        _send_textline("+");
        var literal = new byte[size];
        stream.ReadExactly(literal);
        return literal;
    }

    public virtual void cmd_CAPABILITY(string tag, string[] args)
    {
        string caps = capabilities.Length > 0 ? "IMAP4rev1 " + capabilities : "IMAP4rev1";
        _send_textline("* CAPABILITY " + caps);
        _send_tagged(tag, "OK", "CAPABILITY completed");
    }

    public virtual void cmd_LOGOUT(string tag, string[] args)
    {
        server.logged = null;
        _send_textline("* BYE IMAP4ref1 Server logging out");
        _send_tagged(tag, "OK", "LOGOUT completed");
    }

    public virtual void cmd_LOGIN(string tag, string[] args)
    {
        server.logged = args[0];
        server.login_args = args;
        _send_tagged(tag, "OK", "LOGIN completed");
    }

    public virtual void cmd_SELECT(string tag, string[] args)
    {
        server.is_selected = args;
        _send_line("* 2 EXISTS"u8.ToArray());
        _send_tagged(tag, "OK", "[READ-WRITE] SELECT completed.");
    }

    public virtual void cmd_EXAMINE(string tag, string[] args)
    {
        server.is_selected = args;
        _send_line("* 2 EXISTS"u8.ToArray());
        _send_tagged(tag, "OK", "[READ-ONLY] EXAMINE completed.");
    }

    public virtual void cmd_UNSELECT(string tag, string[] args)
    {
        if (server.is_selected is not null)
        {
            server.is_selected = null;
            _send_tagged(tag, "OK", "Returned to authenticated state. (Success)");
        }
        else
        {
            _send_tagged(tag, "BAD", "No mailbox selected");
        }
    }
}

/// <summary>
/// CPython main's <c>make_simple_handler(command, untagged_response, completed)</c>: a <see cref="SimpleIMAPHandler"/>
/// that answers <paramref name="name"/> with the untagged lines (read when the command comes, so a test may change the
/// list between commands, as Python's <c>response[:] = [...]</c>) and a tagged OK.
/// </summary>
public sealed class MadeHandler(string name, IReadOnlyList<string>? untagged_response = null, string? completed = null) : SimpleIMAPHandler
{
    public static Func<StreamRequestHandler> make_simple_handler(string command, IReadOnlyList<string>? untagged_response = null,
        string? completed = null) => () => new MadeHandler(command, untagged_response, completed);

    protected override bool command(string tag, string cmd, string[] args)
    {
        if (cmd != name) return false;
        foreach (var msg in untagged_response ?? []) _send_textline(msg);
        _send_tagged(tag, "OK", completed ?? $"{name} completed");
        return true;
    }
}

/// <summary>CPython's <c>keycert3.pem</c> and <c>pycacert.pem</c>: a server certificate for <c>localhost</c> (and no IP
/// address, so that a verifying client connecting to 127.0.0.1 refuses it), and a PEM file that trusts it.</summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> Certificate = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(2));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    });

    private static readonly Lazy<string> CaFile = new(() =>
    {
        string path = Path.Combine(Path.GetTempPath(), $"imaplib-cpython-ca-{Environment.ProcessId}.pem");
        File.WriteAllText(path, Certificate.Value.ExportCertificatePem());
        return path;
    });

    /// <summary>The server's certificate and key.</summary>
    public static X509Certificate2 Server => Certificate.Value;

    /// <summary>A PEM file holding the certificate to trust (CPython's <c>CAFILE</c>).</summary>
    public static string CAFILE => CaFile.Value;
}
