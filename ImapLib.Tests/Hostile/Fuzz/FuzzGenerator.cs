using System.Text;

namespace ImapLib.Fuzzing;

/// <summary>SplitMix64: a tiny deterministic generator, independent of the .NET version's <see cref="Random"/>.</summary>
public sealed class FuzzRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>0 ≤ result &lt; max.</summary>
    public int Int(int max) => max <= 1 ? 0 : (int)(Next() % (ulong)max);

    /// <summary>lo ≤ result ≤ hi.</summary>
    public int Range(int lo, int hi) => lo + Int(hi - lo + 1);

    public bool Chance(double p) => (Next() >> 11) * (1.0 / (1UL << 53)) < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Int(items.Count)];

    public byte[] Bytes(int length, int lo = 0, int hi = 255)
    {
        var b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte)Range(lo, hi);
        return b;
    }

    /// <summary>The generator of case <paramref name="index"/> of a run with <paramref name="seed"/>.</summary>
    public static FuzzRandom ForCase(ulong seed, long index) =>
        new(seed * 0xD1B54A32D192ED03UL ^ (ulong)index * 0x9E3779B97F4A7C15UL ^ 0x5851F42D4C957F2DUL);
}

/// <summary>One command of the fixed client sequence every case runs.</summary>
public sealed record FuzzStep(string Name, Func<IMAP4, (string typ, List<ImapItem?> data)> Run);

/// <summary>A valid server transcript for <see cref="FuzzGenerator.Steps"/> and the results the client must return.</summary>
public sealed class Transcript
{
    /// <summary>Server output, one segment per client line (segment 0 is the greeting); tags as placeholders.</summary>
    public List<byte[]> Segments { get; } = [];

    /// <summary>The exact result of each step, by step index.</summary>
    public (string typ, List<ImapItem?> data)[] Expected { get; } = new (string, List<ImapItem?>)[FuzzGenerator.Steps.Length];

    public bool LiteralPlus { get; set; }
}

/// <summary>
/// Builds valid transcripts (greeting, CAPABILITY, LOGIN, SELECT with FLAGS/EXISTS/RECENT/UIDVALIDITY/PERMANENTFLAGS,
/// FETCH with one or several literals per response, SEARCH, LIST with quoted, atom and literal names, STATUS,
/// APPEND with or without LITERAL+ (then with a continuation), NOOP, BYE) and mutates them.
/// </summary>
public static class FuzzGenerator
{
    public const string T = "\u0001T\u0001", P = "\u0001P\u0001", N = "\u0001N\u0001", X = "\u0001X\u0001";

    public static readonly byte[] AppendMessage = "From: fuzz@example.org\r\nSubject: fuzz\r\n\r\nbody\r\n"u8.ToArray();

    public static readonly FuzzStep[] Steps =
    [
        new("login", M => M.login("fuzzuser", "fuzz-pass")),
        new("select", M => M.select("INBOX")),
        new("fetch", M => M.fetch("1:*", "(FLAGS BODY[])")),
        new("search", M => M.search(null, "ALL")),
        new("list", M => M.list()),
        new("status", M => M.status("INBOX", "(MESSAGES UIDNEXT)")),
        new("append", M => M.append("INBOX", null, null, AppendMessage)),
        new("noop", M => M.noop()),
        new("response", M => M.response("EXISTS")),
        new("logout", M => M.logout()),
    ];

    private static byte[] L(string latin1) => Encoding.Latin1.GetBytes(latin1);
    private static ImapItem B(string latin1) => ImapItem.FromBytes(L(latin1));

    /// <summary>An untagged response: <c>* head chunk0 {n0}CRLF lit0 chunk1 {n1}CRLF lit1 ... tail CRLF</c>;
    /// adds its bytes to <paramref name="seg"/> and its data items (as the engine files them) to <paramref name="items"/>.</summary>
    private static void Untagged(MemoryStream seg, List<ImapItem?> items, string head, IReadOnlyList<(string text, byte[] literal)> chunks, string tail)
    {
        // head is "TYPE" or "n TYPE"; the filed data starts after "TYPE " (with "n " kept in front).
        string[] parts = head.Split(' ');
        string dataPrefix = parts.Length == 2 ? parts[0] + " " : "";
        seg.Write(L("* " + head + " "));
        for (int i = 0; i < chunks.Count; i++)
        {
            var (text, literal) = chunks[i];
            string announced = text + "{" + literal.Length + "}";
            seg.Write(L(announced + "\r\n"));
            seg.Write(literal);
            items.Add(ImapItem.Pair(L((i == 0 ? dataPrefix : "") + announced), literal));
        }
        seg.Write(L(tail + "\r\n"));
        items.Add(B((chunks.Count == 0 ? dataPrefix : "") + tail));
    }

    private static byte[] Body(FuzzRandom r)
    {
        int kind = r.Int(6);
        int len = r.Range(0, kind == 0 ? 400 : 80);
        byte[] b = kind switch
        {
            0 or 1 => r.Bytes(len),                   // anything, NUL and 8-bit included
            2 => r.Bytes(len, 0x20, 0x7e),
            _ => L(string.Join("\r\n", Enumerable.Range(0, r.Range(1, 4)).Select(_ => "line " + r.Int(1000)))),
        };
        if (r.Chance(0.3)) b = [.. b, (byte)'\r', (byte)'\n'];   // a literal ending in CRLF, then ")"
        return NoPlaceholders(b);
    }

    /// <summary>Random data must not spell a tag placeholder (\x01 c \x01): byte 1 becomes 2.</summary>
    private static byte[] NoPlaceholders(byte[] b)
    {
        for (int i = 0; i < b.Length; i++) if (b[i] == 1) b[i] = 2;
        return b;
    }

    public static Transcript Generate(FuzzRandom r)
    {
        var t = new Transcript { LiteralPlus = r.Chance(0.5) };
        string caps = "IMAP4rev1" + (t.LiteralPlus ? " LITERAL+" : "") + (r.Chance(0.5) ? " IDLE UIDPLUS" : "");
        var seg = new MemoryStream();
        void Next() { t.Segments.Add(seg.ToArray()); seg.SetLength(0); }

        // Greeting, with or without its capabilities (without them the client asks with CAPABILITY).
        if (r.Chance(0.5))
        {
            seg.Write(L($"* OK [CAPABILITY {caps}] Fuzz ready.\r\n"));
            Next();
        }
        else
        {
            seg.Write(L("* OK Fuzz ready.\r\n"));
            Next();
            seg.Write(L($"* CAPABILITY {caps}\r\n{T} OK Capability completed.\r\n"));
            Next();
        }

        // LOGIN
        string loginText;
        if (r.Chance(0.5))
        {
            loginText = $"[CAPABILITY {caps}] Logged in";
            seg.Write(L($"{T} OK {loginText}\r\n"));
        }
        else
        {
            loginText = "Logged in";
            seg.Write(L($"* CAPABILITY {caps}\r\n{T} OK {loginText}\r\n"));
        }
        Next();
        t.Expected[0] = ("OK", [B(loginText)]);

        // SELECT
        int count = r.Range(1, 4);
        long uidvalidity = r.Range(1, int.MaxValue);
        seg.Write(L("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"));
        seg.Write(L($"* {count} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY {uidvalidity}] UIDs valid\r\n"));
        seg.Write(L($"* OK [UIDNEXT {count + 1}] Predicted next UID\r\n* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"));
        seg.Write(L($"{T} OK [READ-WRITE] Select completed.\r\n"));
        Next();
        t.Expected[1] = ("OK", [B(count.ToString())]);

        // FETCH: one literal, several literals, or none per response.
        var fetched = new List<ImapItem?>();
        for (int i = 1; i <= count; i++)
        {
            switch (r.Int(3))
            {
                case 0:
                    Untagged(seg, fetched, $"{i} FETCH", [("(FLAGS (\\Seen) BODY[] ", Body(r))], ")");
                    break;
                case 1:
                    Untagged(seg, fetched, $"{i} FETCH", [($"(UID {i} BODY[HEADER] ", Body(r)), (" BODY[TEXT] ", Body(r)), (" BODY[1] ", Body(r))], " FLAGS ())");
                    break;
                default:
                    Untagged(seg, fetched, $"{i} FETCH", [], "(FLAGS (\\Seen) BODY[] \"quoted \\\" body\")");
                    break;
            }
        }
        seg.Write(L($"{T} OK Fetch completed.\r\n"));
        Next();
        t.Expected[2] = ("OK", fetched);

        // SEARCH
        string hits = string.Join(" ", Enumerable.Range(1, count).Where(_ => r.Chance(0.7)));
        seg.Write(L(hits.Length == 0 ? "* SEARCH\r\n" : $"* SEARCH {hits}\r\n"));
        seg.Write(L($"{T} OK Search completed.\r\n"));
        Next();
        t.Expected[3] = ("OK", [B(hits)]);

        // LIST: quoted, atom and literal names.
        var listed = new List<ImapItem?>();
        Untagged(seg, listed, "LIST", [], "(\\HasNoChildren) \"/\" INBOX");
        Untagged(seg, listed, "LIST", [], "(\\HasNoChildren \\Noselect) \"/\" \"with \\\"quote\\\" and space\"");
        Untagged(seg, listed, "LIST", [("() \"/\" ", L(r.Chance(0.5) ? "lit\"name" : "na\r\nme"))], "");
        if (r.Chance(0.5)) Untagged(seg, listed, "LIST", [("(\\Marked) NIL ", r.Bytes(r.Range(0, 10), 0x21, 0x7e))], "");
        seg.Write(L($"{T} OK List completed.\r\n"));
        Next();
        t.Expected[4] = ("OK", listed);

        // STATUS
        seg.Write(L($"* STATUS INBOX (MESSAGES {count} UIDNEXT {count + 1})\r\n{T} OK Status completed.\r\n"));
        Next();
        t.Expected[5] = ("OK", [B($"INBOX (MESSAGES {count} UIDNEXT {count + 1})")]);

        // APPEND: the literal follows at once with LITERAL+, after "+" without.
        if (!t.LiteralPlus)
        {
            seg.Write(L("+ Ready for literal data\r\n"));
            Next();
        }
        string appended = $"[APPENDUID {uidvalidity} {count + 1}] Append completed.";
        seg.Write(L($"{T} OK {appended}\r\n"));
        Next();
        t.Expected[6] = ("OK", [B(appended)]);

        // NOOP, then response("EXISTS") holds SELECT's count and NOOP's.
        seg.Write(L($"* {count + 1} EXISTS\r\n* 1 RECENT\r\n{T} OK NOOP completed.\r\n"));
        Next();
        t.Expected[7] = ("OK", [B("NOOP completed.")]);
        t.Expected[8] = ("EXISTS", [B(count.ToString()), B((count + 1).ToString())]);

        // LOGOUT: BYE is the result.
        seg.Write(L($"* BYE Logging out\r\n{T} OK Logout completed.\r\n"));
        Next();
        t.Expected[9] = ("BYE", [B("Logging out")]);
        return t;
    }

    // ---- Mutations ------------------------------------------------------------------------------------------

    private static readonly string[] RandomLines =
    [
        "* OK [ALERT] System shutdown in 5 minutes", "* BYE Server going away", "* NO Disk almost full", "* BAD Junk",
        "+ go ahead", "+", "+ ", "* 3 EXPUNGE", "* PREAUTH already", "* CAPABILITY", "* CAPABILITY IMAP4rev1 STARTTLS",
        "* OK [READ-ONLY] now read-only", "* FLAGS (", "* 1 FETCH (BODY[] {3}\r\nabc)", "* 1 FETCH (BODY[] {0}\r\n)",
        "*", "* ", "**", "* 1", "* 1 ", "* 99999999999999999999 EXISTS", "* -1 EXISTS", "* OK [", "* OK []", "* OK [UIDVALIDITY",
        "* OK [UIDVALIDITY 99999999999999999999999] x", "* SEARCH 1 2 99999999999999999999", "* LIST () \"/\" {4}\r\nname",
        T + " OK [READ-ONLY] done", T + " NO nope", T + " BAD bad", T + " PREAUTH?", T + " OK", T + " ok lower", T + " OK [CAPABILITY] x",
        P + " OK stale", N + " OK from the future", X + " OK no number", X + "99999999999999999999999 OK huge tag",
        "A001 OK someone else's", T + "OK no space", T + "  OK two spaces", "* STATUS {5}\r\nINBOX (MESSAGES 1)",
        "* OK [CAPABILITY IMAP4rev1 LITERAL+] again", "* ENABLED UTF8=ACCEPT", "* 1 FETCH (((((((((((((((", "* 1 FETCH ))))))))",
        "* 1 FETCH (\"unterminated quote", "* 1 FETCH (\"\\", "* 1 FETCH {5}", "* 1 FETCH {99999999999999999999}",
    ];

    private static readonly string[] LiteralSizes =
    [
        "0", "1", "99999999999999999999", "18446744073709551616", "9223372036854775807", "9223372036854775808", "2147483647",
        "2147483648", "2147483591", "2147483592", "4294967296", "-1", "-5", "", "+", "1+", "00000000000000000000003", "1e3", " 3", "3 ",
    ];

    private static int FindLineStart(byte[] seg, int pos)
    {
        while (pos > 0 && seg[pos - 1] != '\n') pos--;
        return pos;
    }

    private static List<int> Occurrences(byte[] seg, ReadOnlySpan<byte> what)
    {
        var found = new List<int>();
        for (int i = seg.AsSpan().IndexOf(what); i >= 0;)
        {
            found.Add(i);
            int next = seg.AsSpan(i + 1).IndexOf(what);
            i = next < 0 ? -1 : i + 1 + next;
        }
        return found;
    }

    private static byte[] Splice(byte[] seg, int at, int remove, ReadOnlySpan<byte> insert) =>
        [.. seg.AsSpan(0, at), .. insert, .. seg.AsSpan(at + remove)];

    /// <summary>Applies 1 to 3 mutations; returns the first segment index changed (the client's results before
    /// that segment must be untouched) and describes each mutation in <paramref name="log"/>.</summary>
    public static int Mutate(FuzzRandom r, List<byte[]> segs, List<string> log)
    {
        int first = int.MaxValue;
        int mutations = r.Range(1, 3);
        for (int m = 0; m < mutations && segs.Count > 0; m++)
        {
            int s = r.Int(segs.Count);
            byte[] seg = segs[s];
            int op = r.Int(18);
            int pos = r.Int(seg.Length + 1);
            switch (op)
            {
                case 0:   // truncate this segment, and usually the rest of the session
                    segs[s] = seg[..pos];
                    bool dropRest = r.Chance(0.7);
                    if (dropRest) segs.RemoveRange(s + 1, segs.Count - s - 1);
                    log.Add($"truncate segment {s} at {pos}{(dropRest ? ", drop the rest" : "")}");
                    break;
                case 1:   // duplicate a line
                {
                    int start = FindLineStart(seg, Math.Min(pos, Math.Max(seg.Length - 1, 0)));
                    int lf = seg.AsSpan(start).IndexOf((byte)'\n');
                    int end = lf < 0 ? seg.Length : start + lf + 1;
                    segs[s] = Splice(seg, end, 0, seg.AsSpan(start, end - start));
                    log.Add($"duplicate line at {start} of segment {s}");
                    break;
                }
                case 2:   // wrong literal size
                case 3:
                {
                    var sites = Occurrences(seg, "}\r\n"u8);
                    if (sites.Count == 0)
                    {
                        int at = FindLineStart(seg, pos);
                        int lf = seg.AsSpan(at).IndexOf((byte)'\r');
                        if (lf < 0) lf = seg.Length - at;
                        segs[s] = Splice(seg, at + lf, 0, L("{" + r.Range(0, 20) + "}"));
                        log.Add($"add a literal announcement to segment {s}");
                        break;
                    }
                    int close = r.Pick(sites);
                    int open = seg.AsSpan(0, close).LastIndexOf((byte)'{');
                    if (open < 0) break;
                    long old = long.TryParse(Encoding.ASCII.GetString(seg, open + 1, close - open - 1), out long v) ? v : 0;
                    string size;
                    int how = r.Int(10);
                    if (how < 6) size = Math.Max(0, old + r.Pick(new long[] { -1, 1, -2, 2, -old, 5, 100, -3, 3, 64 * 1024 })).ToString();
                    else if (how < 9 || r.Chance(0.9)) size = r.Pick(LiteralSizes.Where(x => x is not ("2147483591")).ToArray());
                    else size = r.Pick(new[] { "1000000", "16777216", "2147483591", "2000000000" });   // rare: the reader's first allocation
                    segs[s] = Splice(seg, open + 1, close - open - 1, L(size));
                    log.Add($"literal size {old} -> {size} in segment {s}");
                    break;
                }
                case 4:   // huge or odd numbers
                {
                    int start = -1;
                    for (int i = pos; i < seg.Length; i++) if (char.IsAsciiDigit((char)seg[i])) { start = i; break; }
                    if (start < 0) break;
                    int end = start;
                    while (end < seg.Length && char.IsAsciiDigit((char)seg[end])) end++;
                    string huge = r.Pick(new[] { "99999999999999999999", "4294967296", "2147483648", "-1", "0", "18446744073709551615", new string('9', r.Range(20, 200)) });
                    segs[s] = Splice(seg, start, end - start, L(huge));
                    log.Add($"number at {start} of segment {s} -> {huge}");
                    break;
                }
                case 5:   // NUL bytes
                    segs[s] = Splice(seg, pos, 0, new byte[r.Range(1, 3)]);
                    log.Add($"NUL at {pos} of segment {s}");
                    break;
                case 6:   // 8-bit bytes
                    segs[s] = Splice(seg, pos, 0, r.Bytes(r.Range(1, 8), 0x80, 0xff));
                    log.Add($"8-bit bytes at {pos} of segment {s}");
                    break;
                case 7:   // line endings: bare LF, bare CR, none, doubled
                {
                    var sites = Occurrences(seg, "\r\n"u8);
                    if (sites.Count == 0) break;
                    int at = r.Pick(sites);
                    string ending = r.Pick(new[] { "\n", "\r", "", "\r\r\n", "\n\r", "\r\n\r\n", "\r\0\n" });
                    segs[s] = Splice(seg, at, 2, L(ending));
                    log.Add($"CRLF at {at} of segment {s} -> {Results.Escape(L(ending))}");
                    break;
                }
                case 8:   // tags: someone else's, stale, future, prefix only, no tag
                {
                    var sites = Occurrences(seg, L(T));
                    string replacement = r.Pick(new[] { P, N, X, "*", "+", "A001", X + "00", X + "-1", T + T, "", T + "X", "\u0001T", X + "99999999999999999999" });
                    if (sites.Count == 0)
                    {
                        segs[s] = Splice(seg, FindLineStart(seg, pos), 0, L(replacement + " OK injected\r\n"));
                    }
                    else
                    {
                        segs[s] = Splice(seg, r.Pick(sites), 3, L(replacement));
                    }
                    log.Add($"tag -> {Results.Escape(L(replacement))} in segment {s}");
                    break;
                }
                case 9:   // a random response line
                case 10:
                {
                    string line = r.Chance(0.8) ? r.Pick(RandomLines) : RandomResponse(r);
                    segs[s] = Splice(seg, FindLineStart(seg, pos), 0, L(line + "\r\n"));
                    log.Add($"insert line {Results.Escape(L(line))} in segment {s}");
                    break;
                }
                case 11:  // nested parentheses, occasionally 100,000 deep, balanced or not
                {
                    int depth = r.Chance(0.02) ? 100_000 : r.Chance(0.1) ? r.Range(100, 5000) : r.Range(1, 40);
                    int closing = r.Chance(0.6) ? depth : r.Int(depth + 1);
                    byte[] parens = new byte[depth + closing];
                    parens.AsSpan(0, depth).Fill((byte)'(');
                    parens.AsSpan(depth).Fill((byte)')');
                    segs[s] = Splice(seg, pos, 0, parens);
                    log.Add($"{depth} '(' and {closing} ')' at {pos} of segment {s}");
                    break;
                }
                case 12:  // a very long line near the 1,000,000-byte limit (rare)
                {
                    if (!r.Chance(0.05)) goto case 5;
                    int length = r.Pick(new[] { 999_998, 999_999, 1_000_000, 1_000_001, 1_500_000 });
                    bool terminated = r.Chance(0.8);
                    var line = new byte[length + (terminated ? 2 : 0)];
                    line.AsSpan(0, length).Fill((byte)'x');
                    "* OK "u8.CopyTo(line);
                    if (terminated) { line[^2] = (byte)'\r'; line[^1] = (byte)'\n'; }
                    segs[s] = Splice(seg, FindLineStart(seg, pos), 0, line);
                    log.Add($"line of {length} bytes{(terminated ? " + CRLF" : " unterminated")} in segment {s}");
                    break;
                }
                case 13:  // random bytes changed
                {
                    if (seg.Length == 0) break;
                    int count = r.Range(1, 5);
                    var copy = seg.ToArray();
                    for (int i = 0; i < count; i++) copy[r.Int(copy.Length)] = (byte)r.Int(256);
                    segs[s] = copy;
                    log.Add($"{count} random bytes changed in segment {s}");
                    break;
                }
                case 14:  // segments dropped, swapped or repeated
                {
                    int other = r.Int(segs.Count);
                    int kind = r.Int(3);
                    if (kind == 0) segs.RemoveAt(s);
                    else if (kind == 1) (segs[s], segs[other]) = (segs[other], segs[s]);
                    else segs.Insert(s, seg);
                    if (kind == 1) s = Math.Min(s, other);
                    log.Add($"{(kind == 0 ? "drop" : kind == 1 ? "swap with " + other + ":" : "repeat")} segment {s}");
                    break;
                }
                case 15:  // empty lines
                    segs[s] = Splice(seg, FindLineStart(seg, pos), 0, L(r.Pick(new[] { "\r\n", "\r\n\r\n", "\n", " \r\n" })));
                    log.Add($"empty line in segment {s}");
                    break;
                case 16:  // brackets, quotes and backslashes where they unbalance things
                {
                    string junk = r.Pick(new[] { "[", "]", "\"", "\\", "{", "}", "[[[", "\"\\\"", "{}" });
                    segs[s] = Splice(seg, pos, 0, L(junk));
                    log.Add($"insert {Results.Escape(L(junk))} at {pos} of segment {s}");
                    break;
                }
                default:  // a random range deleted
                {
                    int len = r.Int(Math.Max(1, seg.Length - pos) + 1);
                    len = Math.Min(len, seg.Length - pos);
                    segs[s] = Splice(seg, pos, len, []);
                    log.Add($"delete {len} bytes at {pos} of segment {s}");
                    break;
                }
            }
            first = Math.Min(first, s);
        }
        return first;
    }

    private static string RandomResponse(FuzzRandom r)
    {
        var s = new StringBuilder();
        s.Append(r.Pick(new[] { "* ", "* " + r.Int(100) + " ", T + " ", "+ ", "", X }));
        int typeLength = r.Range(0, 10);
        for (int i = 0; i < typeLength; i++) s.Append("ABCDEFGHIJKLMNOPQRSTUVWXYZ-"[r.Int(27)]);
        s.Append(' ');
        int len = r.Range(0, 40);
        for (int i = 0; i < len; i++) s.Append((char)r.Range(0x20, 0x7e));
        return s.ToString();
    }
}
