using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace ImapLib.Bench;

/// <summary>
/// MailKit through the lowest-level calls that do the same IMAP work: <c>GetStreams</c>/<c>GetStream</c> for raw
/// bodies (no MIME parsing), <c>Fetch</c> with ENVELOPE|FLAGS summaries, <c>Search(SearchQuery.All)</c>, <c>Append</c>.
/// To make it send the same commands as the others it logs in with LOGIN (SASL mechanisms cleared; it would
/// otherwise pick SCRAM) and has ESEARCH disabled (it would otherwise ask for a compact <c>RETURN (ALL)</c> range
/// instead of 20,000 numbers). MailKit still sends its own extra set-up commands (NAMESPACE, LIST) after login.
/// </summary>
internal sealed class MailKitClient : IBenchClient
{
    private ImapClient? _client;
    private IMailFolder? _folder;
    private List<MimeMessage>? _parsed;
    public string Name => "mailkit";
    private ImapClient C => _client ?? throw new InvalidOperationException("not connected");

    public void Connect(ConnInfo conn, bool tls)
    {
        _client = new ImapClient();
        if (tls)
        {
            var trust = ssl.create_default_context(cafile: conn.CaFile).RemoteCertificateValidationCallback!;
            C.ServerCertificateValidationCallback = trust;
            C.CheckCertificateRevocation = false;
            C.Connect(conn.Host, conn.TlsPort, SecureSocketOptions.SslOnConnect);
        }
        else
        {
            C.Connect(conn.Host, conn.Port, SecureSocketOptions.None);
        }
        C.AuthenticationMechanisms.Clear();   // plain LOGIN, as the other clients
        C.Authenticate(conn.User, conn.Password);
        C.Capabilities &= ~ImapCapabilities.ESearch;
    }

    public void Compress() => C.Compress();

    public void Prepare(Scenario scenario)
    {
        if (scenario.Kind == "append")
        {
            ResetAppendBox(scenario.Mailbox);
            return;
        }
        _folder = C.GetFolder(scenario.Mailbox);
        _folder.Open(FolderAccess.ReadWrite);
        if (_folder.Count != scenario.FolderCount)
            throw new InvalidOperationException($"{scenario.Mailbox} has {_folder.Count} messages, expected {scenario.FolderCount}");
    }

    private void ResetAppendBox(string box)
    {
        try { C.GetFolder(box).Delete(); }
        catch (FolderNotFoundException) { }
        catch (ImapCommandException) { }
        var root = C.GetFolder(C.PersonalNamespaces[0]);
        _folder = root.Create(box, true);
    }

    public RepResult Run(Scenario scenario, IReadOnlyList<byte[]> appendMessages)
    {
        long messages = 0, bytes = 0;
        var folder = (ImapFolder)(_folder ?? throw new InvalidOperationException("no folder"));
        switch (scenario.Kind)
        {
            case "bulk":
                folder.GetStreams(0, scenario.Count == scenario.FolderCount ? -1 : scenario.Count - 1, (_, _, _, stream) =>
                {
                    messages++;
                    bytes += stream.Length;
                });
                break;
            case "each":
                for (int i = 0; i < scenario.Count; i++)
                {
                    using var stream = folder.GetStream(i, "");
                    messages++;
                    bytes += stream.Length;
                }
                break;
            case "envelope":
            {
                var summaries = folder.Fetch(0, scenario.Count == scenario.FolderCount ? -1 : scenario.Count - 1,
                    MessageSummaryItems.Envelope | MessageSummaryItems.Flags);
                foreach (var s in summaries)
                {
                    if (s.Envelope is not null) messages++;
                }
                break;
            }
            case "headers":
            {
                // MailKit parses each header block into a HeaderList: the nearest call to a raw BODY.PEEK[HEADER].
                var summaries = folder.Fetch(0, scenario.Count == scenario.FolderCount ? -1 : scenario.Count - 1, MessageSummaryItems.Headers);
                foreach (var s in summaries)
                {
                    if (s.Headers is not null) messages++;
                }
                break;
            }
            case "search":
                messages = folder.Search(SearchQuery.All).Count;
                break;
            case "append":
            {
                // Parsing into MimeMessage happens once, outside the timing (MailKit only appends MimeMessages).
                _parsed ??= appendMessages.Select(m => MimeMessage.Load(new MemoryStream(m))).ToList();
                for (int i = 0; i < scenario.Count; i++)
                {
                    folder.Append(new AppendRequest(_parsed[i], MessageFlags.None));
                    messages++;
                    bytes += appendMessages[i].Length;
                }
                break;
            }
            default:
                throw new ArgumentException(scenario.Kind);
        }
        return new RepResult(messages, bytes);
    }

    /// <summary>Parses the APPEND messages before the timed repetitions.</summary>
    public void Preload(IReadOnlyList<byte[]> appendMessages) =>
        _parsed ??= appendMessages.Select(m => MimeMessage.Load(new MemoryStream(m))).ToList();

    public void AfterRep(Scenario scenario)
    {
        if (scenario.Kind == "append") ResetAppendBox(scenario.Mailbox);
    }

    public void Logout()
    {
        _client?.Disconnect(true);
    }

    public void Dispose() => _client?.Dispose();
}
