using System.Text;

namespace ImapLib.Bench;

/// <summary>
/// Deterministic test messages and the seeding of the bench user's Maildir. Messages are written straight into
/// Maildir folders (cur/, CRLF line ends, exact <c>S=</c>/<c>W=</c> sizes in the file names, already \Seen), which
/// takes about a second for all of them; Dovecot indexes them on the first SELECT. A stamp file per folder records
/// what was written, so a later run reuses the data when the stamp and the file count still match.
/// </summary>
internal static class Seeder
{
    /// <summary>Bump when the generator changes: every folder is rewritten.</summary>
    public const int Version = 1;

    public const int Seed = 20240606;

    public const string Box10K = "bench10k";
    public const string Box5M = "bench5m";
    public const string Box20K = "bench20k";
    public const string BoxAppend = "benchappend";

    public const int Count10K = 2000;
    public const int Count5M = 20;
    public const int Count20K = 20000;
    public const int CountAppend = 1000;

    public sealed record Folder(string Name, int Count, Func<Random, int, byte[]> Make, int SeedOffset);

    public static readonly Folder[] Folders =
    [
        new(Box10K, Count10K, Message10K, 1),
        new(Box5M, Count5M, Message5M, 2),
        new(Box20K, Count20K, SmallMessage, 3),
    ];

    /// <summary>Writes every folder whose stamp or file count is off; returns a line per folder.</summary>
    public static List<string> SeedMaildir(string home)
    {
        var report = new List<string>();
        string maildir = Path.Combine(home, "Maildir");
        foreach (var sub in new[] { "cur", "new", "tmp" }) Directory.CreateDirectory(Path.Combine(maildir, sub));
        foreach (var folder in Folders)
        {
            string dir = Path.Combine(maildir, "." + folder.Name);
            string stampPath = Path.Combine(dir, "imaplib-bench-seed");
            string stamp = $"version={Version} seed={Seed} count={folder.Count}";
            if (File.Exists(stampPath) && File.ReadAllText(stampPath).Trim() == stamp && CountFiles(dir) == folder.Count)
            {
                report.Add($"{folder.Name}: reused {folder.Count} messages");
                continue;
            }
            var started = System.Diagnostics.Stopwatch.StartNew();
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            foreach (var sub in new[] { "cur", "new", "tmp" }) Directory.CreateDirectory(Path.Combine(dir, sub));
            File.WriteAllText(Path.Combine(dir, "maildirfolder"), "");
            var rng = new Random(Seed + folder.SeedOffset);
            long bytes = 0;
            for (int i = 0; i < folder.Count; i++)
            {
                byte[] message = folder.Make(rng, i);
                bytes += message.Length;
                // time.Mxxx.host,S=size,W=vsize:2,S — increasing times keep Dovecot's UID order = generation order.
                string name = $"{1_700_000_000 + i}.M{i}P{folder.SeedOffset}.imaplib-bench,S={message.Length},W={message.Length}:2,S";
                File.WriteAllBytes(Path.Combine(dir, "cur", name), message);
            }
            File.WriteAllText(stampPath, stamp + "\n");
            report.Add($"{folder.Name}: wrote {folder.Count} messages, {bytes / 1e6:F1} MB in {started.Elapsed.TotalSeconds:F1} s");
        }
        return report;
    }

    private static int CountFiles(string dir)
    {
        int n = 0;
        foreach (var sub in new[] { "cur", "new" })
        {
            string path = Path.Combine(dir, sub);
            if (Directory.Exists(path)) n += Directory.EnumerateFiles(path).Count();
        }
        return n;
    }

    /// <summary>The 1,000 messages that APPEND sends (same generator as the 10 KB folder, its own seed).</summary>
    public static List<byte[]> AppendMessages(int count)
    {
        var rng = new Random(Seed + 4);
        var list = new List<byte[]>(count);
        for (int i = 0; i < count; i++) list.Add(Message10K(rng, 100_000 + i));
        return list;
    }

    /// <summary>Length-prefixed (4-byte big-endian) messages, read back by the Python driver.</summary>
    public static void WriteMessageFile(string path, List<byte[]> messages)
    {
        using var file = File.Create(path);
        Span<byte> len = stackalloc byte[4];
        foreach (var m in messages)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(len, m.Length);
            file.Write(len);
            file.Write(m);
        }
    }

    public static List<byte[]> ReadMessageFile(string path)
    {
        var data = File.ReadAllBytes(path);
        var list = new List<byte[]>();
        for (int at = 0; at < data.Length;)
        {
            int n = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(at));
            list.Add(data.AsSpan(at + 4, n).ToArray());
            at += 4 + n;
        }
        return list;
    }

    // ---- Generators ------------------------------------------------------------------------------------------

    private static readonly string[] AsciiWords =
    [
        "the", "imap", "server", "message", "mailbox", "fetch", "quarterly", "report", "meeting", "budget", "please",
        "review", "attached", "draft", "thanks", "regards", "schedule", "update", "project", "release", "notes", "team",
        "customer", "invoice", "question", "answer", "tomorrow", "morning", "afternoon", "network", "latency", "buffer",
    ];

    private static readonly string[] Utf8Words =
    [
        "Grüße", "Straße", "über", "café", "niño", "façade", "smørrebrød", "Ångström", "naïve", "résumé",
        "Привет", "спасибо", "日本語", "東京", "메일", "Ελλάδα", "שלום", "مرحبا", "größer", "Zürich",
    ];

    private static readonly string[] Names = ["Alice Example", "Bob Sample", "Carol Test", "Dave Demo", "Eve Bench", "Frank Mail"];

    private static string Words(Random rng, int count, bool utf8)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(utf8 && rng.Next(4) == 0 ? Utf8Words[rng.Next(Utf8Words.Length)] : AsciiWords[rng.Next(AsciiWords.Length)]);
        }
        return sb.ToString();
    }

    /// <summary>Wraps text into CRLF lines of at most ~72 characters until <paramref name="targetBytes"/> (UTF-8) is reached.</summary>
    private static void Paragraphs(StringBuilder sb, Random rng, int targetBytes, bool utf8)
    {
        int start = Encoding.UTF8.GetByteCount(sb.ToString());
        int written = 0;
        while (written < targetBytes)
        {
            string line = Words(rng, 6 + rng.Next(6), utf8);
            sb.Append(line).Append("\r\n");
            written += Encoding.UTF8.GetByteCount(line) + 2;
            if (rng.Next(8) == 0) { sb.Append("\r\n"); written += 2; }
        }
        _ = start;
    }

    private static string Headers(Random rng, int i, string subject, string contentHeaders)
    {
        var date = new DateTimeOffset(2024, 1, 1, 8, 0, 0, TimeSpan.FromHours(1)).AddMinutes(i * 7 + rng.Next(5));
        string from = Names[rng.Next(Names.Length)];
        string to = Names[rng.Next(Names.Length)];
        var sb = new StringBuilder();
        sb.Append($"Return-Path: <{Addr(from)}>\r\n");
        sb.Append($"Received: from mx{rng.Next(9)}.example.org (mx.example.org [192.0.2.{rng.Next(250)}])\r\n\tby imap.example.net with ESMTPS id {rng.NextInt64():x}\r\n\tfor <{Addr(to)}>; {date.ToString("ddd, dd MMM yyyy HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} +0100\r\n");
        sb.Append($"Message-ID: <bench.{i}.{rng.Next():x}@imaplib.test>\r\n");
        sb.Append($"Date: {date.ToString("ddd, dd MMM yyyy HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} +0100\r\n");
        sb.Append($"From: \"{from}\" <{Addr(from)}>\r\n");
        sb.Append($"To: \"{to}\" <{Addr(to)}>\r\n");
        if (rng.Next(3) == 0) sb.Append($"Cc: {Addr(Names[rng.Next(Names.Length)])}, \"{Names[rng.Next(Names.Length)]}\" <{Addr(Names[rng.Next(Names.Length)])}>\r\n");
        sb.Append($"Subject: {subject}\r\n");
        if (rng.Next(4) == 0) sb.Append($"In-Reply-To: <bench.{Math.Max(0, i - 1)}@imaplib.test>\r\n");
        sb.Append("MIME-Version: 1.0\r\n");
        sb.Append(contentHeaders);
        sb.Append("\r\n");
        return sb.ToString();
    }

    private static string Addr(string name) => name.Split(' ')[0].ToLowerInvariant() + "@example.org";

    private static string Subject(Random rng, int i)
    {
        string words = Words(rng, 3 + rng.Next(5), utf8: rng.Next(3) == 0);
        bool ascii = words.All(c => c < 0x80);
        // Non-ASCII subjects as RFC 2047 encoded-words, as real mail does.
        return ascii ? $"[{i}] {words}" : $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes($"[{i}] {words}"))}?=";
    }

    private static byte[] Message10K(Random rng, int i)
    {
        int target = 9_000 + rng.Next(2_500);
        string subject = Subject(rng, i);
        int kind = rng.Next(3);
        var sb = new StringBuilder();
        if (kind == 0)
        {
            // 8-bit UTF-8 text body.
            sb.Append(Headers(rng, i, subject, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"));
            Paragraphs(sb, rng, target - Encoding.UTF8.GetByteCount(sb.ToString()), utf8: true);
        }
        else if (kind == 1)
        {
            // multipart/alternative: quoted-printable text + base64 HTML.
            string boundary = $"=_alt_{i}_{rng.Next():x}";
            sb.Append(Headers(rng, i, subject, $"Content-Type: multipart/alternative;\r\n\tboundary=\"{boundary}\"\r\n"));
            sb.Append("This is a multi-part message in MIME format.\r\n\r\n");
            sb.Append($"--{boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
            Paragraphs(sb, rng, target / 2 - Encoding.UTF8.GetByteCount(sb.ToString()), utf8: false);
            sb.Append($"\r\n--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            var html = new StringBuilder("<html><body>");
            int remaining = (target - Encoding.UTF8.GetByteCount(sb.ToString())) * 3 / 4 - 60;
            while (Encoding.UTF8.GetByteCount(html.ToString()) < remaining) html.Append("<p>").Append(Words(rng, 10, utf8: true)).Append("</p>\n");
            html.Append("</body></html>\n");
            Base64Lines(sb, Encoding.UTF8.GetBytes(html.ToString()));
            sb.Append($"--{boundary}--\r\n");
        }
        else
        {
            // multipart/mixed: 8-bit text + a small binary attachment.
            string boundary = $"=_mix_{i}_{rng.Next():x}";
            sb.Append(Headers(rng, i, subject, $"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n"));
            sb.Append($"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
            Paragraphs(sb, rng, target / 3, utf8: true);
            sb.Append($"\r\n--{boundary}\r\nContent-Type: application/octet-stream; name=\"data{i}.bin\"\r\nContent-Disposition: attachment; filename=\"data{i}.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            int raw = Math.Max(64, (target - Encoding.UTF8.GetByteCount(sb.ToString())) * 3 / 4 - 80);
            var blob = new byte[raw];
            rng.NextBytes(blob);
            Base64Lines(sb, blob);
            sb.Append($"--{boundary}--\r\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static byte[] Message5M(Random rng, int i)
    {
        string boundary = $"=_big_{i}_{rng.Next():x}";
        var sb = new StringBuilder();
        sb.Append(Headers(rng, i, Subject(rng, i), $"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n"));
        sb.Append($"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        Paragraphs(sb, rng, 4_000, utf8: true);
        sb.Append($"\r\n--{boundary}\r\nContent-Type: application/pdf; name=\"scan{i}.pdf\"\r\nContent-Disposition: attachment; filename=\"scan{i}.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        var blob = new byte[3_700_000 + rng.Next(200_000)];   // ~5.0-5.3 MB once base64-encoded with CRLF lines
        rng.NextBytes(blob);
        Base64Lines(sb, blob);
        sb.Append($"--{boundary}--\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static byte[] SmallMessage(Random rng, int i)
    {
        bool utf8 = rng.Next(2) == 0;
        var sb = new StringBuilder();
        sb.Append(Headers(rng, i, Subject(rng, i),
            utf8 ? "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n" : "Content-Type: text/plain; charset=us-ascii\r\n"));
        Paragraphs(sb, rng, 200 + rng.Next(600), utf8);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static void Base64Lines(StringBuilder sb, byte[] data)
    {
        string b64 = Convert.ToBase64String(data);
        for (int at = 0; at < b64.Length; at += 76)
            sb.Append(b64, at, Math.Min(76, b64.Length - at)).Append("\r\n");
    }
}
