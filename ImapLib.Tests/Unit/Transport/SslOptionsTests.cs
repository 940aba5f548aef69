using System.Net.Security;
using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ImapLib.Tests.Unit.Transport;

/// <summary>The caller's TLS options reach the handshake whole: each connection gets a copy aimed at its host.</summary>
public class SslOptionsTests
{
    /// <summary>Every public property of <see cref="SslClientAuthenticationOptions"/> this test sets; when .NET adds
    /// one, the first test fails until ssl.ForHost copies it and it is added here.</summary>
    private static readonly string[] Known =
    [
        "AllowRenegotiation", "AllowRsaPkcs1Padding", "AllowRsaPssPadding", "AllowTlsResume", "ApplicationProtocols",
        "CertificateChainPolicy", "CertificateRevocationCheckMode", "CipherSuitesPolicy", "ClientCertificateContext",
        "ClientCertificates", "EnabledSslProtocols", "EncryptionPolicy", "LocalCertificateSelectionCallback",
        "RemoteCertificateValidationCallback", "TargetHost",
    ];

    private static PropertyInfo[] Settable => typeof(SslClientAuthenticationOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToArray();

    [Test]
    public void ForHost_copies_every_property_of_the_options()
    {
        Assert.That(Settable.Select(p => p.Name).Order(), Is.EqualTo(Known.Order()), "SslClientAuthenticationOptions changed");
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new CertificateRequest("CN=client", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var context = new SslClientAuthenticationOptions
        {
            AllowRenegotiation = false,
            AllowTlsResume = false,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            CertificateChainPolicy = new X509ChainPolicy(),
            CertificateRevocationCheckMode = X509RevocationMode.Offline,
            CipherSuitesPolicy = OperatingSystem.IsWindows() ? null : new CipherSuitesPolicy([TlsCipherSuite.TLS_AES_128_GCM_SHA256]),
            ClientCertificateContext = SslStreamCertificateContext.Create(certificate, null),
            ClientCertificates = [certificate],
            EnabledSslProtocols = SslProtocols.Tls13,
            EncryptionPolicy = EncryptionPolicy.RequireEncryption,
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };
        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
        {
            context.AllowRsaPkcs1Padding = false;
            context.AllowRsaPssPadding = false;
        }
        var copy = ssl.ForHost(context, "imap.example.org");
        Assert.That(copy, Is.Not.SameAs(context));
        Assert.That(copy.TargetHost, Is.EqualTo("imap.example.org"));
        foreach (var property in Settable.Where(p => p.Name != "TargetHost"))
            Assert.That(property.GetValue(copy), Is.SameAs(property.GetValue(context)).Or.EqualTo(property.GetValue(context)), property.Name);
        // A TargetHost the caller set wins over the connection's host.
        context.TargetHost = "mail.example.org";
        Assert.That(ssl.ForHost(context, "imap.example.org").TargetHost, Is.EqualTo("mail.example.org"));
    }
}
