using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ImapLib.Testing;
using ImapLib.Tests.Support;
using Transcript = ImapLib.Testing.Transcript;

namespace ImapLib.Tests;

/// <summary>
/// TLS: implicit TLS (IMAP4_SSL) and STARTTLS against the private Dovecot (certificate verification, host names,
/// client certificates), and the STARTTLS edge cases a real server will not produce (not offered, refused,
/// plain-text bytes injected after "OK Begin TLS") against the scripted fake server.
/// </summary>
[TestFixture]
public class TlsTests
{
    private static DovecotInfo Server => Dovecot.Server;

    /// <summary>An IMAP4_SSL that shows the TLS stream it reads from, to check what was negotiated.</summary>
    private sealed class InspectableSSL(string host, int port, string? keyfile = null, string? certfile = null,
        SslClientAuthenticationOptions? ssl_context = null, double? timeout = null)
        : IMAP4_SSL(host, port, keyfile, certfile, ssl_context, timeout)
    {
        public SslStream Tls => (SslStream)Stream!;
    }

    /// <summary>An IMAP4 that shows its current stream (plain before STARTTLS, TLS after).</summary>
    private sealed class InspectableIMAP4(string host, int port, double? timeout) : IMAP4(host, port, timeout)
    {
        public Stream? Current => Stream;
    }

    // ---- IMAP4_SSL against Dovecot -------------------------------------------------------------------------

    [Category("Server")]
    [Test]
    public void Implicit_tls_with_the_private_ca_logs_in_selects_and_logs_out()
    {
        var account = Dovecot.NewAccount("tls-secret");
        using var M = new InspectableSSL(Server.Host, Server.SslPort, ssl_context: ssl.create_default_context(cafile: Server.CaFile), timeout: 10);

        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        Assert.That(M.host, Is.EqualTo(Server.Host));
        Assert.That(M.port, Is.EqualTo(Server.SslPort));
        Assert.That(M.PROTOCOL_VERSION, Is.EqualTo("IMAP4REV1"));
        // Over implicit TLS there is nothing to upgrade: Dovecot does not offer STARTTLS there.
        Assert.That(M.capabilities, Does.Not.Contain("STARTTLS"));
        var sock = M.socket();
        Assert.That(sock, Is.Not.Null);
        Assert.That(sock!.Connected, Is.True);
        Assert.That(((IPEndPoint)sock.RemoteEndPoint!).Port, Is.EqualTo(Server.SslPort));
        Assert.That(M.Tls.IsAuthenticated && M.Tls.IsEncrypted, Is.True);
        Assert.That(M.Tls.RemoteCertificate!.Subject, Does.Contain("CN=localhost"));

        var (typ, _) = M.login(account.User, account.Password);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(M.state, Is.EqualTo("AUTH"));
        (typ, var data) = M.select("INBOX");
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(data[0]!.decode(), Is.EqualTo("0"));
        Assert.That(M.state, Is.EqualTo("SELECTED"));
        (typ, _) = M.logout();
        Assert.That(typ, Is.EqualTo("BYE"));
        Assert.That(M.state, Is.EqualTo("LOGOUT"));
        Assert.That(sock.Connected, Is.False, "logout closes the socket");
    }

    [Category("Server")]
    [Test]
    public void Implicit_tls_with_default_trust_refuses_the_private_certificate_and_says_how_to_trust_a_ca()
    {
        var e = Assert.Throws<IMAP4.abort>(() => new IMAP4_SSL(Server.Host, Server.SslPort, timeout: 10))!;
        Assert.That(e.Message, Does.Contain("cafile").And.Contain("create_default_context"));
        Assert.That(e.Message, Does.Contain($"{Server.Host}:{Server.SslPort}"));
        Assert.That(e.InnerException, Is.InstanceOf<System.Security.Authentication.AuthenticationException>());
    }

    [Category("Server")]
    [Test]
    public void Implicit_tls_refuses_a_certificate_for_another_host_name()
    {
        var context = ssl.create_default_context(cafile: Server.CaFile);
        // A copy of the verifying context aimed at a name the server's certificate does not carry.
        var wrong = new SslClientAuthenticationOptions
        {
            TargetHost = "wrong.example",
            EnabledSslProtocols = context.EnabledSslProtocols,
            CertificateRevocationCheckMode = context.CertificateRevocationCheckMode,
            RemoteCertificateValidationCallback = context.RemoteCertificateValidationCallback,
        };
        var e = Assert.Throws<IMAP4.abort>(() => new IMAP4_SSL("127.0.0.1", Server.SslPort, ssl_context: wrong, timeout: 10))!;
        Assert.That(e.Message, Does.Contain("TLS handshake"));

        // The same context without the wrong name verifies 127.0.0.1 (an IP SAN of the certificate): it was the name.
        using var M = new IMAP4_SSL("127.0.0.1", Server.SslPort, ssl_context: context, timeout: 10);
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
    }

    [Category("Server")]
    [Test]
    public void Client_certificate_files_without_a_context_still_verify_the_server_with_default_trust()
    {
        // keyfile/certfile build a context with the system trust store, which does not know the private CA.
        var e = Assert.Throws<IMAP4.abort>(() =>
            new IMAP4_SSL(Server.Host, Server.SslPort, keyfile: Server.ClientKey, certfile: Server.ClientCert, ssl_context: null, timeout: 10))!;
        Assert.That(e.Message, Does.Contain("cafile"));
    }

    [Category("Server")]
    [Test]
    public void Client_certificate_through_create_default_context_is_presented_and_the_session_works()
    {
        var account = Dovecot.NewAccount("cert-secret");
        var context = ssl.create_default_context(cafile: Server.CaFile, certfile: Server.ClientCert, keyfile: Server.ClientKey);
        Assert.That(context.ClientCertificates, Has.Count.EqualTo(1));
        Assert.That(((X509Certificate2)context.ClientCertificates![0]).HasPrivateKey, Is.True);

        using var M = new InspectableSSL(Server.Host, Server.SslPort, ssl_context: context, timeout: 10);
        // Dovecot asks for a client certificate (ssl_verify_client_cert): ours was the one sent.
        var expected = X509Certificate2.CreateFromPemFile(Server.ClientCert, Server.ClientKey);
        Assert.That(M.Tls.LocalCertificate, Is.Not.Null, "the client certificate was not presented");
        Assert.That(M.Tls.LocalCertificate!.GetCertHashString(), Is.EqualTo(expected.GetCertHashString()));
        Assert.That(M.login(account.User, account.Password).typ, Is.EqualTo("OK"));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));
    }

    [Category("Server")]
    [Test]
    public void Keyfile_or_certfile_together_with_ssl_context_is_an_argument_error_before_connecting()
    {
        var context = ssl.create_default_context(cafile: Server.CaFile);
        // Port 1 on loopback: if the check came after connecting, the error would be a socket error instead.
        Assert.Throws<ArgumentException>(() => new IMAP4_SSL("127.0.0.1", 1, keyfile: Server.ClientKey, ssl_context: context));
        Assert.Throws<ArgumentException>(() => new IMAP4_SSL("127.0.0.1", 1, certfile: Server.ClientCert, ssl_context: context));
        Assert.Throws<ArgumentException>(() => new IMAP4_SSL("127.0.0.1", 1, keyfile: Server.ClientKey, certfile: Server.ClientCert, ssl_context: context));
    }

    [Category("Server")]
    [Test]
    public void Unverified_context_connects_to_the_private_server()
    {
        using var M = new IMAP4_SSL("127.0.0.1", Server.SslPort, ssl_context: ssl._create_unverified_context(), timeout: 10);
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));
    }

    // ---- STARTTLS against Dovecot --------------------------------------------------------------------------

    [Category("Server")]
    [Test]
    public void Starttls_with_the_private_ca_upgrades_rereads_capabilities_and_logs_in()
    {
        var account = Dovecot.NewAccount("starttls-secret");
        using var M = new InspectableIMAP4(Server.Host, Server.Port, timeout: 10);
        Assert.That(M.capabilities, Does.Contain("STARTTLS"));
        Assert.That(M.Current, Is.Not.InstanceOf<SslStream>());
        var sock = M.socket();

        var (typ, _) = M.starttls(ssl.create_default_context(cafile: Server.CaFile));
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(M.Current, Is.InstanceOf<SslStream>());
        Assert.That(((SslStream)M.Current!).IsEncrypted, Is.True);
        Assert.That(M.socket(), Is.SameAs(sock), "the same TCP connection carries the TLS session");
        Assert.That(M.capabilities, Does.Not.Contain("STARTTLS"), "capabilities were not re-read after the handshake");
        Assert.That(M.capabilities, Does.Not.Contain("LOGINDISABLED"));
        Assert.That(M.capabilities, Does.Contain("IMAP4REV1"));
        Assert.That(M.state, Is.EqualTo("NONAUTH"));

        var e = Assert.Throws<IMAP4.abort>(() => M.starttls(ssl.create_default_context(cafile: Server.CaFile)))!;
        Assert.That(e.Message, Is.EqualTo("TLS session already established"));

        Assert.That(M.login(account.User, account.Password).typ, Is.EqualTo("OK"));
        Assert.That(M.select().typ, Is.EqualTo("OK"));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));
    }

    [Category("Server")]
    [Test]
    public void Starttls_with_default_trust_aborts_and_leaves_nothing_usable_in_plain_text()
    {
        using var M = new IMAP4(Server.Host, Server.Port, timeout: 10);
        var sock = M.socket();
        var e = Assert.Throws<IMAP4.abort>(() => M.starttls())!;
        Assert.That(e.Message, Does.Contain("cafile"));
        Assert.That(M.state, Is.EqualTo("LOGOUT"));
        Assert.That(sock.Connected, Is.False, "the socket must be closed after a failed handshake");
        // No command (and in particular no LOGIN with a password) can follow in plain text.
        var login = Assert.Throws<IMAP4.error>(() => M.login("someone", "password"))!;
        Assert.That(login.Message, Does.Contain("illegal in state LOGOUT"));
        // NOOP is legal in every state: it must fail on the closed transport, not reach the server.
        Assert.That(() => M.noop(), Throws.InstanceOf<IMAP4.error>());
    }

    // ---- STARTTLS against the scripted server --------------------------------------------------------------

    [Test]
    public void Starttls_not_advertised_aborts_without_sending_anything()
    {
        // The next command must be LOGOUT: a STARTTLS would be a mismatch.
        using var server = TranscriptServer.Start(Transcript.Parse("""
            S: * OK fake server ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 AUTH=PLAIN
            S: {tag} OK CAPABILITY completed
            C: {tag} LOGOUT
            S: * BYE bye
            S: {tag} OK LOGOUT completed
            """));
        using var M = new IMAP4(server.Host, server.Port, 5);
        var e = Assert.Throws<IMAP4.abort>(() => M.starttls(ssl._create_unverified_context()))!;
        Assert.That(e.Message, Is.EqualTo("TLS not supported by server"));
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));
        server.AssertComplete();
    }

    [Test]
    public void Starttls_answered_no_is_an_error_and_the_plain_session_goes_on()
    {
        using var server = TranscriptServer.Start(Transcript.Parse("""
            S: * OK fake server ready
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1 STARTTLS
            S: {tag} OK CAPABILITY completed
            C: {tag} STARTTLS
            S: {tag} NO [UNAVAILABLE] TLS is down today
            C: {tag} NOOP
            S: {tag} OK still plain
            C: {tag} LOGOUT
            S: * BYE bye
            S: {tag} OK LOGOUT completed
            """));
        using var M = new IMAP4(server.Host, server.Port, 5);
        var e = Assert.Throws<IMAP4.error>(() => M.starttls(ssl._create_unverified_context()))!;
        Assert.That(e, Is.Not.InstanceOf<IMAP4.abort>());
        Assert.That(e.Message, Is.EqualTo("Couldn't establish TLS session"));
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));
        server.AssertComplete();
    }

    [Test]
    public void Plain_text_injected_after_begin_tls_is_discarded_and_the_tls_session_continues()
    {
        using var serverCert = SelfSigned("localhost");
        byte[] trusted = serverCert.GetCertHash();
        var context = new SslClientAuthenticationOptions
        {
            // Trust exactly the fake server's certificate, nothing else.
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHash().AsSpan().SequenceEqual(trusted),
        };
        var overTls = new List<string>();
        using var server = new FakeServer(s =>
        {
            s.Greet("IMAP4rev1 STARTTLS");
            var starttls = s.Expect("STARTTLS");
            // A man in the middle appends plain-text responses to the server's OK, in the same segment.
            s.Send(starttls.Tag + " OK Begin TLS negotiation now\r\n* 1 EXISTS\r\n* OK [ALERT] injected\r\n* CAPABILITY IMAP4rev1 INJECTED\r\n");
            using var tls = new SslStream(s.Stream, leaveInnerStreamOpen: true);
            tls.AuthenticateAsServer(new SslServerAuthenticationOptions { ServerCertificate = serverCert });
            while (true)
            {
                string? line = ReadTlsLine(tls);
                if (line is null) return;
                lock (overTls) overTls.Add(line);
                var parts = line.Split(' ', 3);
                string tag = parts[0], name = parts.Length > 1 ? parts[1].ToUpperInvariant() : "";
                switch (name)
                {
                    case "CAPABILITY":
                        WriteTls(tls, "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + " OK CAPABILITY completed\r\n");
                        break;
                    case "NOOP":
                        WriteTls(tls, tag + " OK NOOP completed\r\n");
                        break;
                    case "LOGOUT":
                        WriteTls(tls, "* BYE bye\r\n" + tag + " OK LOGOUT completed\r\n");
                        return;
                    default:
                        WriteTls(tls, tag + " BAD unexpected\r\n");
                        break;
                }
            }
        });

        using var M = new InspectableIMAP4("127.0.0.1", server.Port, timeout: 5);
        var (typ, _) = M.starttls(context);
        Assert.That(typ, Is.EqualTo("OK"));
        Assert.That(M.Current, Is.InstanceOf<SslStream>());
        Assert.That(M.untagged_responses.Keys, Has.None.EqualTo("EXISTS").And.None.EqualTo("ALERT"),
            "plain-text bytes sent after 'OK Begin TLS' were read as responses of the TLS session");
        Assert.That(M.capabilities, Is.EquivalentTo(new[] { "IMAP4REV1", "AUTH=PLAIN" }),
            "capabilities must come from the TLS session, not from injected plain text");
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        Assert.That(M.untagged_responses.Keys, Has.None.EqualTo("EXISTS").And.None.EqualTo("ALERT"));
        Assert.That(M.response("ALERT").data, Is.EqualTo(new ImapItem?[] { null }));
        Assert.That(M.logout().typ, Is.EqualTo("BYE"));
        server.Join();
        lock (overTls)
        {
            Assert.That(overTls.Select(l => l.Split(' ')[1]), Is.EqualTo(new[] { "CAPABILITY", "NOOP", "LOGOUT" }));
        }
    }

    // ---- Helpers ------------------------------------------------------------------------------------------

    /// <summary>A throw-away self-signed server certificate with its key, usable by SslStream on any platform.</summary>
    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    private static string? ReadTlsLine(Stream stream)
    {
        var bytes = new List<byte>();
        while (true)
        {
            int b = stream.ReadByte();
            if (b < 0) return bytes.Count == 0 ? null : Encoding.Latin1.GetString(bytes.ToArray());
            if (b == '\n') return Encoding.Latin1.GetString(bytes.ToArray()).TrimEnd('\r');
            bytes.Add((byte)b);
        }
    }

    private static void WriteTls(Stream stream, string text)
    {
        stream.Write(Encoding.Latin1.GetBytes(text));
        stream.Flush();
    }
}
