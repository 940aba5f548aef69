using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ImapLib;

/// <summary>
/// The .NET stand-in for Python's <c>ssl.SSLContext</c>: TLS settings are a
/// <see cref="SslClientAuthenticationOptions"/>. These helpers build the common ones, so
/// <c>ssl.create_default_context(cafile=CA)</c> ports as <c>ssl.create_default_context(cafile: CA)</c>.
/// </summary>
public static class ssl
{
    /// <summary>
    /// Verifying TLS settings: the server's certificate must chain to a trusted root and match the host name.
    /// Without <paramref name="cafile"/> the system trust store decides; with it, only the PEM certificates in
    /// that file are trusted roots (a private CA).
    /// </summary>
    /// <param name="cafile">A PEM file of CA certificates to trust instead of the system store.</param>
    /// <param name="certfile">A PEM client certificate (chain) to present, for servers that ask for one.</param>
    /// <param name="keyfile">The PEM private key of <paramref name="certfile"/>, when it is not in that file.</param>
    public static SslClientAuthenticationOptions create_default_context(string? cafile = null, string? certfile = null, string? keyfile = null)
    {
        var options = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.None,   // the operating system's secure defaults (TLS 1.2 and 1.3)
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (cafile is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(cafile);
            if (roots.Count == 0) throw new ArgumentException($"no PEM certificate in {cafile}", nameof(cafile));
            options.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(roots, certificate, errors);
        }
        if (certfile is not null || keyfile is not null)
            options.ClientCertificates = [load_cert_chain(certfile ?? throw new ArgumentException("keyfile needs a certfile", nameof(keyfile)), keyfile)];
        return options;
    }

    /// <summary>TLS settings that accept any certificate: CPython's unverified default. Only for tests against a
    /// server you control; anyone on the path can read and change the session.</summary>
    public static SslClientAuthenticationOptions _create_unverified_context() => new()
    {
        RemoteCertificateValidationCallback = (_, _, _, _) => true,
    };

    /// <summary>Loads a PEM client certificate and its key (Python's <c>SSLContext.load_cert_chain</c>).</summary>
    public static X509Certificate2 load_cert_chain(string certfile, string? keyfile = null)
    {
        using var ephemeral = X509Certificate2.CreateFromPemFile(certfile, keyfile);
        // SslStream needs the key in a form it can use on every platform: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A certificate is trusted when its name matches and it chains to one of <paramref name="roots"/>.</summary>
    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    /// <summary>A per-connection copy of <paramref name="context"/> aimed at <paramref name="host"/>.</summary>
    internal static SslClientAuthenticationOptions ForHost(SslClientAuthenticationOptions context, string host)
    {
        // Every setting of the caller's options is carried over; only an empty TargetHost is filled in.
        // (SslOptionsTests.ForHost_copies_every_property_of_the_options fails when .NET adds one this misses.)
        var copy = new SslClientAuthenticationOptions
        {
            TargetHost = string.IsNullOrEmpty(context.TargetHost) ? host : context.TargetHost,
            AllowRenegotiation = context.AllowRenegotiation,
            AllowTlsResume = context.AllowTlsResume,
            ApplicationProtocols = context.ApplicationProtocols,
            CertificateChainPolicy = context.CertificateChainPolicy,
            CertificateRevocationCheckMode = context.CertificateRevocationCheckMode,
            CipherSuitesPolicy = context.CipherSuitesPolicy,
            ClientCertificateContext = context.ClientCertificateContext,
            ClientCertificates = context.ClientCertificates,
            EnabledSslProtocols = context.EnabledSslProtocols,
            EncryptionPolicy = context.EncryptionPolicy,
            LocalCertificateSelectionCallback = context.LocalCertificateSelectionCallback,
            RemoteCertificateValidationCallback = context.RemoteCertificateValidationCallback,
        };
        // The RSA padding switches exist only where the platform's TLS lets them be set.
        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
        {
            copy.AllowRsaPkcs1Padding = context.AllowRsaPkcs1Padding;
            copy.AllowRsaPssPadding = context.AllowRsaPssPadding;
        }
        return copy;
    }

    /// <summary>Runs the client handshake over <paramref name="inner"/>; a refused certificate becomes an
    /// <see cref="IMAP4.abort"/> that says how to trust a private server.</summary>
    internal static SslStream Handshake(Stream inner, SslClientAuthenticationOptions context, string host, int port)
    {
        var tls = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            tls.AuthenticateAsClient(ForHost(context, string.IsNullOrEmpty(host) ? "localhost" : host));
            return tls;
        }
        catch (AuthenticationException e)
        {
            tls.Dispose();
            throw new IMAP4.abort(
                $"TLS handshake with {host}:{port} failed: {e.Message} The server's certificate is verified by default. " +
                "To trust a private CA, pass ssl_context: ssl.create_default_context(cafile: \"ca.pem\"); " +
                "or set RemoteCertificateValidationCallback in your SslClientAuthenticationOptions.", e);
        }
        catch (IOException e)
        {
            tls.Dispose();
            throw new IMAP4.abort($"socket error: TLS handshake with {host}:{port} failed: {e.Message}", e);
        }
    }
}
