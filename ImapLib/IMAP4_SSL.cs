using System.Net.Security;

namespace ImapLib;

/// <summary>
/// IMAP4 over implicit TLS (port 993), Python's <c>imaplib.IMAP4_SSL</c>. Unlike CPython, the default verifies the
/// server's certificate and host name against the system trust store.
/// </summary>
public class IMAP4_SSL : IMAP4
{
    /// <summary>The TLS settings in use.</summary>
    public SslClientAuthenticationOptions ssl_context { get; }

    /// <summary>The client key file given, if any.</summary>
    public string? keyfile { get; }

    /// <summary>The client certificate file given, if any.</summary>
    public string? certfile { get; }

    /// <summary>Connects with TLS, then reads the greeting and capabilities as <see cref="IMAP4"/> does.</summary>
    /// <param name="host">Host name (also the name the certificate must carry); "" means localhost.</param>
    /// <param name="port">TCP port.</param>
    /// <param name="keyfile">PEM private key of a client certificate (not together with <paramref name="ssl_context"/>).</param>
    /// <param name="certfile">PEM client certificate (not together with <paramref name="ssl_context"/>).</param>
    /// <param name="ssl_context">TLS settings; null verifies against the system trust store.</param>
    /// <param name="timeout">Seconds for connecting and each read or write; null waits for ever.</param>
    /// <exception cref="ArgumentException">keyfile or certfile given together with ssl_context.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The host name does not resolve, or the connection is refused.</exception>
    /// <exception cref="IMAP4.abort">The TLS handshake failed: the certificate was refused (the message says how to trust
    /// a private CA), or the peer does not speak TLS. (CPython raises <c>ssl.SSLError</c>, an <c>OSError</c>.)</exception>
    /// <remarks>The parameters are exactly CPython's; the overload taking <see cref="ImapOptions"/> first takes ImapLib's
    /// own settings as well.</remarks>
    public IMAP4_SSL(string host = "", int port = imaplib.IMAP4_SSL_PORT, string? keyfile = null, string? certfile = null,
        SslClientAuthenticationOptions? ssl_context = null, double? timeout = null)
        : this(new ImapOptions(), host, port, keyfile, certfile, ssl_context, timeout)
    {
    }

    /// <summary>Connects as the constructor with CPython's parameters does, with ImapLib's own settings applied
    /// before the handshake and the greeting (so a <see cref="ImapOptions.command_timeout"/> bounds the greeting).</summary>
    /// <param name="options">Settings beyond CPython's arguments.</param>
    /// <param name="host">Host name (also the name the certificate must carry); "" means localhost.</param>
    /// <param name="port">TCP port.</param>
    /// <param name="keyfile">PEM private key of a client certificate (not together with <paramref name="ssl_context"/>).</param>
    /// <param name="certfile">PEM client certificate (not together with <paramref name="ssl_context"/>).</param>
    /// <param name="ssl_context">TLS settings; null verifies against the system trust store.</param>
    /// <param name="timeout">Seconds for connecting and each read or write; null waits for ever.</param>
    /// <exception cref="ArgumentException">keyfile or certfile given together with ssl_context, or an option is out of range.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The host name does not resolve, or the connection is refused.</exception>
    /// <exception cref="IMAP4.abort">The TLS handshake failed, or the connection broke.</exception>
    public IMAP4_SSL(ImapOptions options, string host = "", int port = imaplib.IMAP4_SSL_PORT, string? keyfile = null,
        string? certfile = null, SslClientAuthenticationOptions? ssl_context = null, double? timeout = null) : base(connect: false)
    {
        Apply(options);
        if (ssl_context is not null && keyfile is not null)
            throw new ArgumentException("ssl_context and keyfile arguments are mutually exclusive");
        if (ssl_context is not null && certfile is not null)
            throw new ArgumentException("ssl_context and certfile arguments are mutually exclusive");
        this.keyfile = keyfile;
        this.certfile = certfile;
        this.ssl_context = ssl_context ?? ssl.create_default_context(certfile: certfile, keyfile: keyfile);
        Connect(host, port, timeout);
    }

    /// <inheritdoc/>
    public override void open(string host = "", int port = imaplib.IMAP4_SSL_PORT, double? timeout = null)
    {
        this.host = host;
        this.port = port;
        var socket = _create_socket(timeout);
        try
        {
            SetStream(ssl.Handshake(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true), ssl_context, host, port), socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
