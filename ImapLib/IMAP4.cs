using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ImapLib;

/// <summary>
/// An IMAP4rev1 client connection with Python <c>imaplib.IMAP4</c>'s names and behaviour: every command is a
/// lower-case method (also callable in upper case) returning <c>(typ, data)</c>.
/// </summary>
/// <remarks>
/// The transport hooks <see cref="open"/>, <see cref="read"/>, <see cref="readline"/>, <see cref="send"/>,
/// <see cref="shutdown"/> and <see cref="socket"/> are virtual: a subclass that overrides them talks to anything.
/// Disposing logs out if the connection is still open, like Python's <c>with IMAP4(...) as M:</c>.
/// </remarks>
public partial class IMAP4 : IDisposable
{
    /// <summary>Logical errors: the program used the library wrongly, or the server said BAD or NO where that is fatal.</summary>
    public class error : Exception
    {
        /// <summary>Creates the exception with its message.</summary>
        public error(string message) : base(message) { }

        /// <summary>Creates the exception with its message and the failure beneath it.</summary>
        public error(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>Service errors: the connection is broken or out of step; close it and retry.</summary>
    public class abort : error
    {
        /// <summary>Creates the exception with its message.</summary>
        public abort(string message) : base(message) { }

        /// <summary>Creates the exception with its message and the failure beneath it.</summary>
        public abort(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>The mailbox changed from READ-WRITE to READ-ONLY; the command should be retried.
    /// (Spelt <c>IMAP4.@readonly</c> in C#, where <c>readonly</c> is a keyword.)</summary>
    public class @readonly : abort
    {
        /// <summary>Creates the exception with its message.</summary>
        public @readonly(string message) : base(message) { }
    }

    /// <summary>The debug level of this connection (0 to 5); starts at <see cref="imaplib.Debug"/>.</summary>
    public int debug = imaplib.Debug;

    /// <summary>The connection state: LOGOUT, NONAUTH, AUTH or SELECTED (IDLING while idling).</summary>
    public string state { get; protected set; } = "LOGOUT";

    /// <summary>The host given to <see cref="open"/>.</summary>
    public string host { get; protected set; } = "";

    /// <summary>The port given to <see cref="open"/>.</summary>
    public int port { get; protected set; }

    /// <summary>The server's greeting line (empty until connected).</summary>
    public PyBytes welcome { get; private set; }

    /// <summary>The capabilities the server announced, upper-cased.</summary>
    public string[] capabilities { get => _negotiated.Capabilities; protected set => _negotiated.Capabilities = value; }

    /// <summary>What the connection negotiated: capabilities and modes (see <see cref="Negotiated"/>).</summary>
    private readonly Negotiated _negotiated = new();

    /// <summary>The protocol version chosen from <see cref="capabilities"/> (IMAP4REV1 or IMAP4).</summary>
    public string? PROTOCOL_VERSION { get; private set; }

    /// <summary>Commands sent and not yet collected: tag → null, or the tagged result once it arrived. The tags are
    /// bytes, as in CPython (<c>M.tagged_commands[tag]</c> with a tag from <see cref="_new_tag"/>).</summary>
    public Dictionary<PyBytes, ImapResult?> tagged_commands { get; } = [];

    /// <summary>Untagged responses received and not yet consumed, by response name (FETCH, EXISTS, ...),
    /// including the bracketed codes of OK/NO/BAD lines (UIDVALIDITY, READ-ONLY, ...).</summary>
    public Dictionary<string, List<ImapItem?>> untagged_responses { get; protected set; } = [];

    /// <summary>The text of the last continuation request (<c>+ text</c>); empty before the first.</summary>
    public PyBytes continuation_response { get; private set; }

    /// <summary>True when the selected mailbox was opened read-only on purpose (EXAMINE).</summary>
    public bool is_readonly { get; private set; }

    /// <summary>True once UTF8=ACCEPT was enabled: arguments are sent as UTF-8 rather than ASCII.</summary>
    public bool utf8_enabled => _negotiated.Utf8;

    /// <summary>The tag prefix of this connection (four letters A–P, chosen at random as Python does).</summary>
    public PyBytes tagpre { get; private set; }

    /// <summary>
    /// Python's <c>literal</c> attribute: bytes the next command sends as a literal at the end of its line
    /// (<c>{n}</c>, then these bytes once the server's continuation came), after which it is null again. The usual
    /// use is a search term in UTF-8: <c>M.literal = "текст"u8; M.search("UTF-8", "TEXT")</c> sends
    /// <c>SEARCH CHARSET UTF-8 TEXT {10}</c> and the ten bytes. Null (the default) sends nothing extra. APPEND and
    /// AUTHENTICATE, which send literals of their own, discard it, as CPython's do.
    /// </summary>
    public PyBytes? literal { get; set; }

    /// <summary>
    /// Send APPEND literals without waiting for the server's "+" when it offers LITERAL+ (RFC 7888), saving a
    /// round trip per message. On by default; CPython always waits.
    /// </summary>
    public bool UseLiteralPlus { get; set; } = true;

    /// <summary>The timeout in seconds for connecting, reading and writing; null waits for ever.</summary>
    /// <remarks>As in CPython it bounds each read: a server that sends a byte now and then keeps a command alive.
    /// <see cref="command_timeout"/> bounds a whole command.</remarks>
    public double? timeout { get; private set; }

    /// <summary>
    /// Seconds a whole command may take, from sending it to its tagged reply (the greeting counts as one command);
    /// null (the default, CPython's behaviour) sets no bound. When it passes, the command ends in <see cref="abort"/>
    /// and the connection is unusable. IDLE is bounded while it starts and while it ends, not while it waits.
    /// </summary>
    /// <exception cref="ArgumentException">Set to zero or a negative number.</exception>
    public double? command_timeout
    {
        get => _commandTimeout;
        set
        {
            if (value is not null && !(value > 0))
                throw new ArgumentException("command_timeout must be a positive number of seconds or null", nameof(value));
            _commandTimeout = value;
        }
    }

    private double? _commandTimeout;

    private int _tagnum;
    private Socket? _sock;
    private Stream? _stream;
    private LineReader? _reader;
    private bool _disposed;

    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/> (the local host when empty), reads the greeting
    /// and the capabilities. A greeting of OK gives state NONAUTH, PREAUTH gives AUTH; anything else raises.
    /// </summary>
    /// <remarks>The parameters are exactly CPython's; <see cref="IMAP4(ImapOptions, string, int, double?)"/> takes
    /// ImapLib's own settings (such as <see cref="command_timeout"/>) as well.</remarks>
    /// <param name="host">Host name or address; "" means the local host.</param>
    /// <param name="port">TCP port.</param>
    /// <param name="timeout">Seconds to wait for connecting and for each read or write; null waits for ever.</param>
    /// <exception cref="ArgumentException"><paramref name="timeout"/> is zero or negative (non-blocking is not supported).</exception>
    /// <exception cref="SocketException">The host name does not resolve, or the connection is refused (Python raises
    /// the socket's <c>OSError</c> here too).</exception>
    /// <exception cref="TimeoutException">Connecting took longer than <paramref name="timeout"/> (Python: <c>TimeoutError</c>).</exception>
    /// <exception cref="abort">The connection broke after it was made (end of stream, reset, a timed-out read).</exception>
    /// <exception cref="error">The greeting was neither OK nor PREAUTH, or the server is not IMAP4.</exception>
    public IMAP4(string host = "", int port = imaplib.IMAP4_PORT, double? timeout = null)
        : this(new ImapOptions(), host, port, timeout)
    {
    }

    /// <summary>
    /// Connects as <see cref="IMAP4(string, int, double?)"/> does, with ImapLib's own settings applied before the
    /// greeting is read (so a <see cref="ImapOptions.command_timeout"/> bounds the greeting too).
    /// </summary>
    /// <param name="options">Settings beyond CPython's arguments.</param>
    /// <param name="host">Host name or address; "" means the local host.</param>
    /// <param name="port">TCP port.</param>
    /// <param name="timeout">Seconds to wait for connecting and for each read or write; null waits for ever.</param>
    /// <exception cref="ArgumentException"><paramref name="timeout"/> is zero or negative, or an option is out of range.</exception>
    /// <exception cref="SocketException">The host name does not resolve, or the connection is refused.</exception>
    /// <exception cref="TimeoutException">Connecting took longer than <paramref name="timeout"/>.</exception>
    /// <exception cref="abort">The connection broke after it was made, or <see cref="command_timeout"/> passed.</exception>
    /// <exception cref="error">The greeting was neither OK nor PREAUTH, or the server is not IMAP4.</exception>
    public IMAP4(ImapOptions options, string host = "", int port = imaplib.IMAP4_PORT, double? timeout = null)
        : this(connect: false)
    {
        Apply(options);
        Connect(host, port, timeout);
    }

    /// <summary>For subclasses that must set themselves up before connecting; they call <see cref="Connect"/>.</summary>
    protected IMAP4(bool connect)
    {
        _sink = new UntaggedStore(_append_untagged);
        if (connect) Connect("", imaplib.IMAP4_PORT, null);
    }

    /// <summary>Takes ImapLib's own settings (a subclass calls it before <see cref="Connect"/>).</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    protected void Apply(ImapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        command_timeout = options.command_timeout;
    }

    /// <summary>Opens the transport and reads the greeting (Python's <c>__init__</c> after its field set-up).
    /// On failure the transport is shut down and the exception propagates.</summary>
    protected void Connect(string host, int port, double? timeout)
    {
        if (timeout is not null && !(timeout > 0))
            throw new ArgumentException("Non-blocking socket (timeout=0) is not supported", nameof(timeout));
        this.timeout = timeout;
        open(host, port, timeout);
        try
        {
            StartDeadline();   // the greeting is bounded like a command
            _connect();
            StopDeadline();
        }
        catch
        {
            try { shutdown(); } catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or error) { }
            throw;
        }
    }

    // ---- Transport hooks -------------------------------------------------------------------------------

    /// <summary>Opens the connection to <paramref name="host"/>:<paramref name="port"/>, used afterwards by
    /// <see cref="read"/>, <see cref="readline"/>, <see cref="send"/> and <see cref="shutdown"/>.</summary>
    public virtual void open(string host = "", int port = imaplib.IMAP4_PORT, double? timeout = null)
    {
        this.host = host;
        this.port = port;
        var socket = _create_socket(timeout);
        SetStream(new NetworkStream(socket, ownsSocket: true), socket);
    }

    /// <summary>Connects a TCP socket with Nagle's algorithm off (IMAP is request/response: small writes must
    /// not wait) and the timeout applied to reads and writes.</summary>
    protected Socket _create_socket(double? timeout)
    {
        string target = string.IsNullOrEmpty(host) ? "localhost" : host;
        var addresses = System.Net.Dns.GetHostAddresses(target);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (timeout is null)
                {
                    socket.Connect(address, port);
                }
                else
                {
                    var connecting = socket.ConnectAsync(address, port);
                    if (!connecting.Wait(TimeSpan.FromSeconds(timeout.Value)))
                        throw new TimeoutException("timed out");
                    connecting.GetAwaiter().GetResult();
                    socket.ReceiveTimeout = socket.SendTimeout = Math.Max(1, (int)(timeout.Value * 1000));
                }
                return socket;
            }
            catch (Exception e) when (e is SocketException or TimeoutException or AggregateException)
            {
                socket.Dispose();
                last = e is AggregateException { InnerException: { } inner } ? inner : e;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Uses <paramref name="stream"/> for all further reads and writes. Bytes buffered from the previous
    /// stream are discarded: after a STARTTLS upgrade nothing sent before the handshake may be read as a response.</summary>
    protected void SetStream(Stream stream, Socket? socket)
    {
        _stream = stream;
        _sock = socket;
        _reader = new LineReader(stream, socket);
    }

    /// <summary>The stream the default hooks read and write (null before <see cref="open"/>).</summary>
    protected Stream? Stream => _stream;

    /// <summary>Reads <paramref name="size"/> bytes from the server (fewer only at end of stream).</summary>
    /// <remarks>While a streaming fetch copies a literal, this built-in hook copies the bytes straight to the
    /// caller's stream and returns an empty array; an override that returns the bytes itself is honoured too.</remarks>
    public virtual PyBytes read(int size)
    {
        if (_literalDestination is { } destination)
        {
            _literalStreamed += Reader.CopyTo(destination, size);
            return default;
        }
        return ReadBytes(size);
    }

    /// <summary>True while a streaming fetch copies a literal, when the built-in <see cref="read"/> returns nothing.
    /// For the test kit's recording connections, which must see the literal's bytes.</summary>
    internal bool StreamingLiteral => _literalDestination is not null;

    /// <summary>The built-in <see cref="read"/> without the streaming shortcut: the bytes themselves, which a caller
    /// that returns them (the test kit's recording connections) hands on to the streaming fetch.</summary>
    internal PyBytes ReadBytes(int size)
    {
        try { return Reader.Read(size); }
        catch (InvalidOperationException e) { throw StreamFailure(e); }
    }

    /// <summary>Reads one line from the server, at most <see cref="imaplib._MAXLINE"/> bytes.</summary>
    /// <exception cref="error">The line is longer than the limit.</exception>
    public virtual PyBytes readline()
    {
        byte[] line;
        try { line = Reader.ReadLine(imaplib._MAXLINE + 1); }
        catch (InvalidOperationException e) { throw StreamFailure(e); }
        if (line.Length > imaplib._MAXLINE)
            throw new error($"got more than {imaplib._MAXLINE} bytes");
        return line;
    }

    /// <summary>Sends <paramref name="data"/> to the server.</summary>
    public virtual void send(byte[] data)
    {
        var stream = _stream ?? throw new abort("socket error: connection is not open");
        try
        {
            stream.Write(data);
            stream.Flush();
        }
        catch (InvalidOperationException e) { throw StreamFailure(e); }
    }

    /// <summary>A stream that refuses an operation (SslStream after a failed handshake, a stream closed under it)
    /// has failed as a transport: reported as an <see cref="IOException"/>, which the engine turns into
    /// <see cref="abort"/>. An InvalidOperationException from an overriding hook is the caller's own and passes.</summary>
    private static IOException StreamFailure(InvalidOperationException e) => new(e.Message, e);

    /// <summary>Closes what <see cref="open"/> established.</summary>
    public virtual void shutdown()
    {
        try { _sock?.Shutdown(SocketShutdown.Both); }
        catch (SocketException) { /* the server may have closed first */ }
        catch (ObjectDisposedException) { }
        _stream?.Dispose();
        _sock?.Dispose();
    }

    /// <summary>The socket of the connection, as Python's <c>M.socket()</c>: the TCP socket (for <see cref="IMAP4_SSL"/>
    /// the one under the TLS stream), never null once connected, so <c>M.socket().Poll(...)</c> ports a
    /// <c>select.select([M.socket()], ...)</c> loop as it is.</summary>
    /// <remarks>The library itself never calls this hook. A transport without a socket raises: <see cref="IMAP4_stream"/>
    /// (CPython's has none either) and a subclass that replaces the other hooks; such a subclass may override it to
    /// return a socket of its own (one end of a connected pair, say) for code under test that polls it.</remarks>
    /// <exception cref="InvalidOperationException">The transport has no socket (not connected over TCP).</exception>
    public virtual Socket socket() =>
        _sock ?? throw new InvalidOperationException("this connection has no socket (it is not a TCP connection, or not open)");

    private LineReader Reader => _reader ?? throw new abort("socket error: connection is not open");

    /// <summary>The literals the built-in reader keeps alive for the memory behind them (for tests).</summary>
    internal LiteralAnchors? LiteralAnchors => _reader?.Anchors;

    // ---- Disposal ---------------------------------------------------------------------------------------

    /// <summary>Logs out if the connection is not already in LOGOUT state, then releases the transport.
    /// Errors while logging out are swallowed: the goal is only to release the connection.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Logs out and releases the transport; subclasses release their own resources too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing) return;
        _disposed = true;
        if (state == "LOGOUT") return;
        try
        {
            logout();
        }
        catch (Exception e) when (e is error or IOException or SocketException or ObjectDisposedException)
        {
            // logout() has already called shutdown() (in its finally): the transport is released exactly once.
        }
    }
}
