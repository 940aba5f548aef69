using System.Net.Security;

namespace ImapLib;

public partial class IMAP4
{
    private bool _tls_established;

    /// <summary>
    /// Upgrades the connection to TLS with STARTTLS (RFC 3501 section 6.2.1), then re-reads the capabilities.
    /// The certificate is verified by default (unlike CPython). Anything the server sent before the handshake
    /// is discarded, so it cannot pose as a response from the secure session.
    /// </summary>
    /// <param name="ssl_context">TLS settings; null verifies against the system trust store.</param>
    /// <exception cref="abort">TLS is already on, the server does not offer STARTTLS, or the handshake failed.</exception>
    /// <exception cref="error">The server refused STARTTLS.</exception>
    public ImapResult starttls(SslClientAuthenticationOptions? ssl_context = null)
    {
        const string name = "STARTTLS";
        if (_tls_established) throw new abort("TLS session already established");
        if (!capabilities.Contains(name)) throw new abort("TLS not supported by server");
        var context = ssl_context ?? ssl.create_default_context();
        var plain = Stream ?? throw new error("STARTTLS needs the default socket transport");
        var result = _simple_command(name);
        if (result.typ != "OK") throw new error("Couldn't establish TLS session");
        try
        {
            // SetStream drops whatever was buffered after the OK line: it was sent in the clear.
            SetStream(ssl.Handshake(plain, context, host, port), socket());
        }
        catch
        {
            try { shutdown(); } catch (Exception e) when (IsTransportFailure(e)) { }
            state = "LOGOUT";
            throw;
        }
        _tls_established = true;
        _get_capabilities();
        return _untagged_response(result, name);
    }
}
