// The self-test at the end of Python's imaplib module, ported: the same options, the same command
// sequence, the same trace on standard error, ending in "All tests OK." on success.
//
//   ImapLib.Demo [-d level] [-s command] [host]
//
// -d sets the debug level, -s runs IMAP over a command's stdin/stdout (IMAP4_stream), host connects over
// TCP and logs in (user from IMAP_USER or the login name, password from IMAP_PASSWORD or a prompt;
// port from IMAP_PORT, 143 by default).
// With no arguments at all it uses the embedded default: the project's private Dovecot, reached through
// its preauthenticated stdio command, so no port, password or network is involved.
//
// One deliberate change: Python's sequence works in "/tmp/...", a UW-imapd file-system path; Dovecot and
// most servers refuse names that begin with the hierarchy separator, so this port uses "tmp/..." instead.
using System.Text.RegularExpressions;
using ImapLib;

string? streamCommand = null;
var rest = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "-d" when i + 1 < args.Length: imaplib.Debug = int.Parse(args[++i]); break;
        case "-s" when i + 1 < args.Length: streamCommand = args[++i]; break;
        default: rest.Add(args[i]); break;
    }
}
if (args.Length == 0) streamCommand = EmbeddedServer.StdioCommand();
string host = rest.Count > 0 ? rest[0] : "";

string USER = Environment.GetEnvironmentVariable("IMAP_USER") ?? Environment.UserName;
string lf = "\n";
byte[] test_mesg = System.Text.Encoding.UTF8.GetBytes($"From: {USER}@localhost{lf}Subject: IMAP4 test{lf}{lf}data...{lf}");

IMAP4? M = null;
try
{
    // IMAP_PORT (not in Python's demo) picks the TCP port, e.g. for a private test server; 143 otherwise.
    int port = Environment.GetEnvironmentVariable("IMAP_PORT") is { Length: > 0 } portText
        ? int.Parse(portText, System.Globalization.CultureInfo.InvariantCulture)
        : imaplib.IMAP4_PORT;
    M = streamCommand is not null ? new IMAP4_stream(streamCommand) : new IMAP4(host, port);
    var test_seq1 = new List<(string cmd, object?[] args)>
    {
        ("login", [USER, null]),   // the password is filled in below, only when a login is needed
        ("create", ["tmp/xxx 1"]),
        ("rename", ["tmp/xxx 1", "tmp/yyy"]),
        ("CREATE", ["tmp/yyz 2"]),
        ("append", ["tmp/yyz 2", null, null, test_mesg]),
        ("list", ["tmp/", "yy*"]),
        ("select", ["tmp/yyz 2"]),
        ("search", [null, "SUBJECT", "test"]),
        ("fetch", ["1", "(FLAGS INTERNALDATE RFC822)"]),
        ("store", ["1", "FLAGS", @"(\Deleted)"]),
        ("namespace", []),
        ("expunge", []),
        ("recent", []),
        ("close", []),
    };
    var test_seq2 = new List<(string cmd, object?[] args)>
    {
        ("select", []),
        ("response", ["UIDVALIDITY"]),
        ("uid", ["SEARCH", "ALL"]),
        ("response", ["EXISTS"]),
        ("append", [null, null, null, test_mesg]),
        ("recent", []),
        ("logout", []),
    };

    if (M.state == "AUTH")
        test_seq1.RemoveAt(0);   // Login not needed
    else
        test_seq1[0] = ("login", [USER, Environment.GetEnvironmentVariable("IMAP_PASSWORD") ?? Prompt($"IMAP password for {USER} on {(host.Length > 0 ? host : "localhost")}: ")]);
    M._mesg($"PROTOCOL_VERSION = {M.PROTOCOL_VERSION}");
    M._mesg($"CAPABILITIES = ({string.Join(", ", M.capabilities.Select(c => $"'{c}'"))})");

    foreach (var (cmd, arguments) in test_seq1)
        run(cmd, arguments);

    foreach (var ml in run("list", ["tmp/", "yy%"]))
    {
        string line = ml!.decode();
        var mo = Regex.Match(line, "^.*\"([^\"]+)\"$");
        string path = mo.Success ? mo.Groups[1].Value : line.Split(' ')[^1];
        run("delete", [path]);
    }

    foreach (var (cmd, arguments) in test_seq2)
    {
        var dat = run(cmd, arguments);
        if (cmd != "uid" || (string)arguments[0]! != "SEARCH")
            continue;
        var uid = dat[^1]!.split();
        if (uid.Count == 0) continue;
        run("uid", ["FETCH", uid[^1].decode(), "(FLAGS INTERNALDATE RFC822.SIZE RFC822.HEADER RFC822.TEXT)"]);
    }
    Console.WriteLine("\nAll tests OK.");
    return 0;
}
catch (Exception e)
{
    Console.WriteLine("\nTests failed.");
    if (imaplib.Debug == 0)
        Console.WriteLine($"\nIf you would like to see debugging output,\ntry: {AppDomain.CurrentDomain.FriendlyName} -d5\n");
    Console.Error.WriteLine($"{e.GetType().FullName}: {e.Message}");
    return 1;
}
finally
{
    M?.Dispose();
}

List<ImapItem?> run(string cmd, object?[] arguments)
{
    // Like Python's demo, the command and its arguments are traced, except that a password is never shown.
    var shown = cmd.Equals("login", StringComparison.OrdinalIgnoreCase) ? [arguments[0], "***"] : arguments;
    M!._mesg($"{cmd} ({string.Join(", ", shown.Select(Repr))}{(shown.Length == 1 ? "," : "")})");
    var (typ, dat) = Dispatch(M, cmd, arguments);
    M._mesg($"{cmd} => {typ} [{string.Join(", ", dat.Select(d => d?.ToString() ?? "None"))}]");
    if (typ == "NO") throw new IMAP4.error($"{cmd} answered NO: {dat[0]}");
    return dat;
}

// Python's getattr(M, cmd)(*args), for the commands the test sequence uses.
static (string typ, List<ImapItem?> data) Dispatch(IMAP4 M, string cmd, object?[] a)
{
    ImapArg? Arg(int i) => a[i] switch { null => null, string s => s, byte[] b => b, var other => other.ToString()! };
    return cmd switch
    {
        "login" => M.login(Arg(0)!.Value, Arg(1)!.Value),
        "create" or "CREATE" => M.create(Arg(0)!.Value),
        "rename" => M.rename(Arg(0)!.Value, Arg(1)!.Value),
        "delete" => M.delete(Arg(0)!.Value),
        "append" => M.append(Arg(0), Arg(1), a[2], (byte[])a[3]!),
        "list" => M.list(Arg(0), Arg(1)),
        "select" => a.Length > 0 ? M.select(Arg(0)) : M.select(),
        "search" => M.search((string?)a[0], a.Skip(1).Select((_, i) => Arg(i + 1)).ToArray()),
        "fetch" => M.fetch(Arg(0)!.Value, Arg(1)!.Value),
        "store" => M.store(Arg(0)!.Value, Arg(1)!.Value, (string)a[2]!),
        "namespace" => M.@namespace(),
        "expunge" => M.expunge(),
        "recent" => M.recent(),
        "close" => M.close(),
        "response" => M.response((string)a[0]!),
        "uid" => M.uid((string)a[0]!, a.Skip(1).Select((_, i) => Arg(i + 1)).ToArray()),
        "logout" => M.logout(),
        _ => throw new IMAP4.error($"Unknown IMAP4 command: '{cmd}'"),
    };
}

static string Repr(object? value) => value switch
{
    null => "None",
    string s => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'",
    byte[] b => ImapItem.FromBytes(b).ToString(),
    _ => value.ToString() ?? "",
};

static string Prompt(string text)
{
    Console.Error.Write(text);
    return Console.ReadLine() ?? "";
}
