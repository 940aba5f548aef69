namespace ImapLib.Bench;

/// <summary>Where the server is and who logs in.</summary>
internal sealed record ConnInfo(string Host, int Port, int TlsPort, string CaFile, string User, string Password);

/// <summary>
/// One benchmark scenario. <see cref="Kind"/> is what the clients do: <c>bulk</c> (one FETCH n:m (RFC822)),
/// <c>each</c> (one FETCH i (RFC822) per message), <c>envelope</c> (one FETCH n:m (ENVELOPE FLAGS)), <c>search</c>
/// (SEARCH ALL), <c>append</c> (one APPEND per message into the scratch mailbox, emptied between repetitions),
/// <c>headers</c> (one FETCH n:m (BODY.PEEK[HEADER])).
/// </summary>
internal sealed record Scenario(string Id, string Title, string Kind, string Mailbox, int Count, int FolderCount, bool TlsToo)
{
    /// <summary>The message set: <c>1:*</c> for the whole folder, <c>1:Count</c> in quick mode.</summary>
    public string MessageSet => Count == FolderCount ? "1:*" : $"1:{Count}";

    public static List<Scenario> All(bool quick)
    {
        int n10k = quick ? 200 : Seeder.Count10K;
        int n5m = quick ? 3 : Seeder.Count5M;
        int nAppend = quick ? 100 : Seeder.CountAppend;
        return
        [
            new("fetch-bulk-10k", $"FETCH 1:* (RFC822), {n10k} x ~10 KB, one command", "bulk", Seeder.Box10K, n10k, Seeder.Count10K, true),
            new("fetch-each-10k", $"FETCH n (RFC822) x {n10k}, one command per message", "each", Seeder.Box10K, n10k, Seeder.Count10K, true),
            new("fetch-bulk-5m", $"FETCH 1:* (RFC822), {n5m} x ~5 MB, one command", "bulk", Seeder.Box5M, n5m, Seeder.Count5M, true),
            new("fetch-each-5m", $"FETCH n (RFC822) x {n5m} x ~5 MB, one per message", "each", Seeder.Box5M, n5m, Seeder.Count5M, true),
            new("fetch-envelope", $"FETCH 1:* (ENVELOPE FLAGS), {n10k} messages", "envelope", Seeder.Box10K, n10k, Seeder.Count10K, true),
            new("search-all-20k", $"SEARCH ALL on {Seeder.Count20K} messages", "search", Seeder.Box20K, Seeder.Count20K, Seeder.Count20K, false),
            new("append-1000", $"APPEND {nAppend} x ~10 KB, one command each", "append", Seeder.BoxAppend, nAppend, Seeder.CountAppend, false),
        ];
    }

    /// <summary>
    /// The scenarios run through the simulated WAN link (<see cref="WanLink"/>), over plain TCP: sized so that one
    /// repetition takes seconds, not minutes, at 10–50 Mbit/s.
    /// </summary>
    public static List<Scenario> Wan(bool quick) =>
    [
        new("wan-fetch-bulk-2k", $"FETCH 1:* (RFC822), {(quick ? 200 : 2000)} x ~10 KB text", "bulk", Seeder.Box10K, quick ? 200 : 2000, Seeder.Count10K, false),
        new("wan-fetch-headers-10k", $"FETCH 1:{(quick ? 1000 : 10000)} (BODY.PEEK[HEADER])", "headers", Seeder.Box20K, quick ? 1000 : 10000, Seeder.Count20K, false),
        new("wan-fetch-bulk-5m", $"FETCH 1:{(quick ? 1 : 5)} (RFC822), ~5 MB each", "bulk", Seeder.Box5M, quick ? 1 : 5, Seeder.Count5M, false),
        new("wan-fetch-envelope", $"FETCH 1:* (ENVELOPE FLAGS), {(quick ? 200 : 2000)} messages", "envelope", Seeder.Box10K, quick ? 200 : 2000, Seeder.Count10K, false),
        new("wan-fetch-each-200", $"FETCH n (RFC822) x {(quick ? 20 : 200)}, one command per message", "each", Seeder.Box10K, quick ? 20 : 200, Seeder.Count10K, false),
        new("wan-append-200", $"APPEND {(quick ? 20 : 200)} x ~10 KB, one command each", "append", Seeder.BoxAppend, quick ? 20 : 200, Seeder.CountAppend, false),
    ];

    /// <summary>A scenario by id, loopback or WAN.</summary>
    public static Scenario Find(string id, bool quick) => All(quick).Concat(Wan(quick)).Single(s => s.Id == id);
}

/// <summary>What one repetition did: messages (or search hits) seen and payload bytes (literal bytes for RFC822 and
/// APPEND, all response bytes for the raw reader).</summary>
internal readonly record struct RepResult(long Messages, long Bytes);

/// <summary>A client under test, driven the same way whatever library is inside.</summary>
internal interface IBenchClient : IDisposable
{
    string Name { get; }

    void Connect(ConnInfo conn, bool tls);

    /// <summary>Switches on COMPRESS=DEFLATE after login (the WAN scenarios' compressed variants).</summary>
    void Compress() => throw new NotSupportedException($"{Name} cannot compress");

    /// <summary>Selects the scenario's mailbox (or, for APPEND, makes the scratch mailbox exist and be empty).</summary>
    void Prepare(Scenario scenario);

    RepResult Run(Scenario scenario, IReadOnlyList<byte[]> appendMessages);

    /// <summary>Between repetitions, outside the timing: empties the APPEND scratch mailbox.</summary>
    void AfterRep(Scenario scenario);

    void Logout();

    /// <summary>Facts about the connection worth reporting (TCP_NODELAY, buffer sizes, LITERAL+).</summary>
    Dictionary<string, object> Facts() => [];
}
