using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ImapLib.Fuzzing;

namespace ImapLib.Tests.Hostile;

/// <summary>A self-signed "localhost" certificate made in the test, and a PEM file of it for the client to trust.</summary>
public sealed class SelfSigned : IDisposable
{
    public X509Certificate2 Certificate { get; }
    public string PemPath { get; }

    public SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Round trip through PKCS#12 so the server side of SslStream can use the key on every platform.
        Certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        PemPath = Path.Combine(Path.GetTempPath(), $"imaplib-hostile-{Guid.NewGuid():N}.pem");
        File.WriteAllText(PemPath, Certificate.ExportCertificatePem());
    }

    /// <summary>Client TLS settings that trust exactly this certificate (verification on, as by default).</summary>
    public SslClientAuthenticationOptions ClientContext() => ssl.create_default_context(cafile: PemPath);

    /// <summary>Runs the server side of the TLS handshake on a fake-server session.</summary>
    public SslStream ServerHandshake(Stream plain)
    {
        var tls = new SslStream(plain, leaveInnerStreamOpen: true);
        tls.AuthenticateAsServer(Certificate, clientCertificateRequired: false, checkCertificateRevocation: false);
        return tls;
    }

    public void Dispose()
    {
        Certificate.Dispose();
        try { File.Delete(PemPath); } catch (IOException) { }
    }
}

/// <summary>Lines over an SslStream, for fake-server scripts after a handshake.</summary>
public static class TlsLines
{
    public static void Line(this SslStream tls, string line) => tls.Send(line + "\r\n");

    public static void Send(this SslStream tls, string text)
    {
        tls.Write(Encoding.Latin1.GetBytes(text));
        tls.Flush();
    }

    public static string? ReadLine(this SslStream tls)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            int n = tls.Read(one, 0, 1);
            if (n == 0) return bytes.Count == 0 ? null : Encoding.Latin1.GetString(bytes.ToArray());
            if (one[0] == '\n') return Encoding.Latin1.GetString(bytes.ToArray()).TrimEnd('\r');
            bytes.Add(one[0]);
        }
    }
}

/// <summary>What the process holds: open sockets and child processes, from /proc.</summary>
public static class ProcessResources
{
    /// <summary>File descriptors of this process that are sockets.</summary>
    public static int SocketCount()
    {
        int count = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:", StringComparison.Ordinal)) count++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return count;
    }

    /// <summary>Processes (with their command lines) whose parent chain leads to this process.</summary>
    public static List<(int pid, string cmdline)> Descendants()
    {
        var parents = new Dictionary<int, int>();
        var cmdlines = new Dictionary<int, string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
                cmdlines[pid] = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        int self = Environment.ProcessId;
        var result = new List<(int, string)>();
        foreach (var (pid, _) in parents)
        {
            for (int p = pid, hops = 0; parents.TryGetValue(p, out int parent) && hops < 64; p = parent, hops++)
            {
                if (parent == self)
                {
                    result.Add((pid, cmdlines.GetValueOrDefault(pid, "")));
                    break;
                }
            }
        }
        return result;
    }
}

/// <summary>Helpers to build in-memory sessions for the limit tests.</summary>
public static class Scripted
{
    public const string Caps = "IMAP4rev1 LITERAL+ IDLE";

    /// <summary>Greeting, then LOGIN OK, SELECT OK, then <paramref name="afterSelect"/> as the answer to the next command.</summary>
    public static InMemoryIMAP4 Selected(params string[] afterSelect)
    {
        // A PREAUTH greeting's [CAPABILITY] code is not used (only OK/NO/BAD codes are filed, as in CPython):
        // the client asks with CAPABILITY.
        var segments = new List<byte[]>
        {
            Encoding.Latin1.GetBytes("* PREAUTH ready\r\n"),
            Encoding.Latin1.GetBytes($"* CAPABILITY {Caps}\r\n{FuzzGenerator.T} OK done\r\n"),
            Encoding.Latin1.GetBytes($"* 1 EXISTS\r\n{FuzzGenerator.T} OK [READ-WRITE] selected\r\n"),
        };
        segments.AddRange(afterSelect.Select(Encoding.Latin1.GetBytes));
        var M = new InMemoryIMAP4(new ScriptStream(segments));
        M.select("INBOX");
        return M;
    }

    public static InMemoryIMAP4 Selected(params byte[][] afterSelect)
    {
        // A PREAUTH greeting's [CAPABILITY] code is not used (only OK/NO/BAD codes are filed, as in CPython):
        // the client asks with CAPABILITY.
        var segments = new List<byte[]>
        {
            Encoding.Latin1.GetBytes("* PREAUTH ready\r\n"),
            Encoding.Latin1.GetBytes($"* CAPABILITY {Caps}\r\n{FuzzGenerator.T} OK done\r\n"),
            Encoding.Latin1.GetBytes($"* 1 EXISTS\r\n{FuzzGenerator.T} OK [READ-WRITE] selected\r\n"),
        };
        segments.AddRange(afterSelect);
        var M = new InMemoryIMAP4(new ScriptStream(segments));
        M.select("INBOX");
        return M;
    }
}
