using ImapLib.Fuzzing;
using static ImapLib.Fuzz.Guided.Session;

namespace ImapLib.Fuzz.Guided;

/// <summary>
/// Target 1, the response path: the input is everything the server says (segments split at 0x1E), read through
/// the library's own hooks and line reader (<see cref="InMemoryIMAP4"/>), while a fixed sequence runs: connect
/// (CAPABILITY when the greeting lacks it), LOGIN, SELECT, FETCH with literals, SEARCH, LIST, STATUS, APPEND, IDLE
/// (two pushed responses, then DONE), COMPRESS, and after it NOOP, SELECT, UID FETCH, IDLE, SEARCH and LOGOUT
/// through the deflate layer (the harness compresses the segments that follow an OK to COMPRESS).
/// </summary>
public sealed class ResponsePathTarget() : FuzzTarget("response",
    "server bytes through the hooks: login, select, fetch, search, list, status, append, IDLE, COMPRESS")
{
    /// <summary>The blind runner's first seven commands (FuzzGenerator.Steps: LOGIN to APPEND), then IDLE, COMPRESS
    /// and the commands after it.</summary>
    public static readonly Step[] Steps =
    [
        .. FuzzGenerator.Steps.Take(7).Select(s => new Step(s.Name.ToUpperInvariant(), M => s.Run(M))),
        new("IDLE", M => Compressed.Single(s => s.Command == "IDLE").Run(M)),
        new("DONE", _ => { }),
        Compress,
        .. Compressed,
    ];

    public override void Run(byte[] input) => Session.Run(new ScriptStream(Split(input)), Steps);

    /// <summary>What a well-behaved server says to each step (LITERAL+ announced, so APPEND takes one segment).</summary>
    public static readonly Dictionary<string, string> Defaults = new()
    {
        ["GREETING"] = "* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS ESEARCH COMPRESS=DEFLATE] ready\r\n",
        ["LOGIN"] = $"{Tag} OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS ESEARCH COMPRESS=DEFLATE] Logged in\r\n",
        ["SELECT"] = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Flags\r\n" +
            $"* 2 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1700000000] UIDs\r\n* OK [UIDNEXT 3] next\r\n{Tag} OK [READ-WRITE] Select completed\r\n",
        ["FETCH"] = "* 1 FETCH (FLAGS (\\Seen) BODY[] {12}\r\nHello\r\nthere)\r\n* 2 FETCH (FLAGS () BODY[] {0}\r\n)\r\n" +
            $"{Tag} OK Fetch completed\r\n",
        ["SEARCH"] = $"* SEARCH 1 2\r\n{Tag} OK Search completed\r\n",
        ["LIST"] = "* LIST (\\HasNoChildren) \"/\" INBOX\r\n* LIST (\\HasNoChildren) \"/\" {7}\r\nSent \"x\r\n" +
            $"* ESEARCH (TAG \"A1\") UID ALL 1:2\r\n{Tag} OK List completed\r\n",
        ["STATUS"] = $"* STATUS INBOX (MESSAGES 2 UIDNEXT 3)\r\n{Tag} OK Status completed\r\n",
        ["APPEND"] = $"{Tag} OK [APPENDUID 1700000000 3] Append completed\r\n",
        ["IDLE"] = "+ idling\r\n* 3 EXISTS\r\n* 1 FETCH (FLAGS (\\Seen))\r\n",
        ["DONE"] = $"{Tag} OK Idle completed\r\n",
        ["COMPRESS"] = $"{Tag} OK DEFLATE active\r\n",
        ["NOOP"] = $"* 3 EXISTS\r\n* 1 EXPUNGE\r\n{Tag} OK NOOP completed\r\n",
        ["UID FETCH"] = "* 1 FETCH (UID 2 FLAGS (\\Seen) BODY[] {5}\r\nhello)\r\n" + $"{Tag} OK Fetch completed\r\n",
        ["LOGOUT"] = $"* BYE Logging out\r\n{Tag} OK Logout completed\r\n",
    };

    /// <summary>The default conversation, then one seed per recorded transcript: its answers to the same commands
    /// (before or after its COMPRESS) in place of the defaults.</summary>
    public override IEnumerable<(string name, byte[] input)> Seeds(string repository)
    {
        var greeting = new Step("GREETING", _ => { });
        yield return ("default", Join(Seed([greeting, .. Steps], new Dictionary<string, byte[]>(), Defaults)));
        foreach (var (name, transcript) in Recorded(repository))
        {
            var responses = Responses(transcript);
            foreach (var (command, bytes) in responses.Where(r => r.Key.StartsWith('+')).ToList())
                responses.TryAdd(command[1..], bytes);
            // A recorded IDLE with no pushed response would end the session there: push one.
            if (responses.TryGetValue("IDLE", out var idle) && idle.AsSpan().IndexOf("\n*"u8) < 0)
                responses["IDLE"] = [.. idle, .. "* 1 RECENT\r\n"u8];
            // The recorded greeting's capabilities stay; the fixed sequence still needs IDLE and COMPRESS, which
            // a greeting without them refuses, and that is part of what is fuzzed.
            yield return (name, Join(Seed([greeting, .. Steps], responses, Defaults)));
        }
    }
}
