namespace ImapLib.Bench;

/// <summary>ImapLib, used as a ported Python script would use it.</summary>
internal sealed class ImapLibClient : IBenchClient
{
    private IMAP4? _m;
    public string Name => "imaplib-cs";
    private IMAP4 M => _m ?? throw new InvalidOperationException("not connected");

    public void Connect(ConnInfo conn, bool tls)
    {
        _m = tls
            ? new IMAP4_SSL(conn.Host, conn.TlsPort, ssl_context: ssl.create_default_context(cafile: conn.CaFile))
            : new IMAP4(conn.Host, conn.Port);
        Check(M.login(conn.User, conn.Password).typ, "LOGIN");
    }

    public void Compress() => Check(M.compress().typ, "COMPRESS");

    public void Prepare(Scenario scenario)
    {
        if (scenario.Kind == "append")
        {
            ResetAppendBox(scenario.Mailbox);
            return;
        }
        var (typ, data) = M.select(scenario.Mailbox);
        Check(typ, "SELECT");
        int exists = int.Parse(data[^1]!.decode());
        if (exists != scenario.FolderCount) throw new InvalidOperationException($"{scenario.Mailbox} has {exists} messages, expected {scenario.FolderCount}");
    }

    private void ResetAppendBox(string box)
    {
        M.delete(box);   // NO when it does not exist: fine
        Check(M.create(box).typ, "CREATE");
    }

    public RepResult Run(Scenario scenario, IReadOnlyList<byte[]> appendMessages)
    {
        long messages = 0, bytes = 0;
        switch (scenario.Kind)
        {
            case "bulk":
            {
                var (typ, data) = M.fetch(scenario.MessageSet, "(RFC822)");
                Check(typ, "FETCH");
                foreach (var item in data)
                {
                    if (item is { IsPair: true })
                    {
                        messages++;
                        bytes += item.Body.Length;
                    }
                }
                break;
            }
            case "headers":
            {
                var (typ, data) = M.fetch(scenario.MessageSet, "(BODY.PEEK[HEADER])");
                Check(typ, "FETCH");
                foreach (var item in data)
                {
                    if (item is { IsPair: true })
                    {
                        messages++;
                        bytes += item.Body.Length;
                    }
                }
                break;
            }
            case "each":
                for (int i = 1; i <= scenario.Count; i++)
                {
                    var (typ, data) = M.fetch(i, "(RFC822)");
                    Check(typ, "FETCH");
                    foreach (var item in data)
                    {
                        if (item is { IsPair: true })
                        {
                            messages++;
                            bytes += item.Body.Length;
                        }
                    }
                }
                break;
            case "envelope":
            {
                var (typ, data) = M.fetch(scenario.MessageSet, "(ENVELOPE FLAGS)");
                Check(typ, "FETCH");
                foreach (var item in data)
                {
                    if (item is null) continue;
                    byte[] head = item.IsPair ? item.Header : item.Bytes;
                    bytes += head.Length + (item.IsPair ? item.Body.Length : 0);
                    // Each FETCH response starts with its message number; the tails after a literal do not.
                    if (head.Length > 0 && char.IsAsciiDigit((char)head[0])) messages++;
                }
                break;
            }
            case "search":
            {
                var (typ, data) = M.search(null, "ALL");
                Check(typ, "SEARCH");
                byte[] hits = data[0]!.Bytes;
                bytes = hits.Length;
                messages = hits.split().Count;
                break;
            }
            case "append":
                for (int i = 0; i < scenario.Count; i++)
                {
                    var (typ, _) = M.append(scenario.Mailbox, null, null, appendMessages[i]);
                    Check(typ, "APPEND");
                    messages++;
                    bytes += appendMessages[i].Length;
                }
                break;
            default:
                throw new ArgumentException(scenario.Kind);
        }
        return new RepResult(messages, bytes);
    }

    public void AfterRep(Scenario scenario)
    {
        if (scenario.Kind == "append") ResetAppendBox(scenario.Mailbox);
    }

    public void Logout()
    {
        _m?.logout();
        _m = null;
    }

    public Dictionary<string, object> Facts()
    {
        var facts = new Dictionary<string, object>();
        if (_m?.socket() is { } s)
        {
            facts["tcp_nodelay"] = s.NoDelay;
            facts["so_rcvbuf"] = s.ReceiveBufferSize;
            facts["so_sndbuf"] = s.SendBufferSize;
        }
        if (_m is not null)
        {
            facts["server_offers_literal_plus"] = _m.capabilities.Contains("LITERAL+");
            facts["use_literal_plus"] = _m.UseLiteralPlus;
        }
        return facts;
    }

    public void Dispose() => _m?.Dispose();

    private static void Check(string typ, string what)
    {
        if (typ != "OK") throw new InvalidOperationException($"{what} answered {typ}");
    }
}
