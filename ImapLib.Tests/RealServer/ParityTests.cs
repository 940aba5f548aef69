using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// Parity of the porting examples: every <c>NN_name.py</c> in the examples folder that has a sibling
/// <c>NN_name.cs</c> (a C# port, a .NET file-based app) is run against the test Dovecot, the Python one with the
/// local CPython on one fresh account and the C# one on another, each after the setup step <c>00_setup</c>.
/// The two outputs must be the same, line by line, once Dovecot's timing text, UIDVALIDITY values and the
/// account names are normalised (see <see cref="Normalise"/>). Deliberate, documented differences are named one
/// by one in <see cref="Deviations"/>; anything else is a parity bug.
/// </summary>
/// <remarks>
/// The folder is <c>docs/examples</c>, or the one named by the environment variable <c>IMAPLIB_PARITY_EXAMPLES</c>
/// (<c>scripts/parity.sh FOLDER</c> sets it). It must hold <c>_show.py</c>, <c>_show.cs</c> and the setup pair.
/// Each C# example is compiled once per run (<c>dotnet build file.cs -o DIR</c>, <see cref="FileApps.Example"/>, shared
/// with <see cref="ExamplesBuildTests"/>) and its dll run directly.
/// </remarks>
[TestFixture, NonParallelizable]
[Category("Server")]
public partial class ParityTests
{
    /// <summary>The name of the setup step: run first on each fresh account; its output is compared too.</summary>
    public const string Setup = "00_setup";

    /// <summary>
    /// Deliberate differences, one by one: the example, a regular expression the Python line must match, one the
    /// C# line must match (both matched against the shown form of a normalised line, where a hex item appears as
    /// Python's repr of its bytes, e.g. <c>  b b'Logged in'</c>), and the reason, which docs/porting.md repeats.
    /// Only real, deliberate safety differences belong here.
    /// </summary>
    public static readonly IReadOnlyList<Deviation> Deviations =
    [
        new("01_seed_example", @"^  b b'Logged in'$", @"^  b b'\[CAPABILITY IMAP4rev1 [^\]]*\] Logged in'$",
            "Newest CPython takes the capabilities from the greeting's [CAPABILITY ...] code and sends no CAPABILITY " +
            "command, as ImapLib does; Dovecot then puts the post-login capabilities into the tagged LOGIN reply."),
    ];

    public sealed record Deviation(string Example, string PythonLine, string CSharpLine, string Reason);

    /// <summary>The examples folder of this run.</summary>
    public static string ExamplesFolder =>
        Environment.GetEnvironmentVariable("IMAPLIB_PARITY_EXAMPLES") is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : Path.Combine(Repo.Root, "docs", "examples");

    /// <summary>The examples that have both a Python script and a C# port, in name order (the setup step first).</summary>
    public static IReadOnlyList<string> Discover(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException("no examples folder " + folder);
        return Directory.EnumerateFiles(folder, "*.py")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(name => Regex.IsMatch(name, @"^[0-9]+_\w+$") && File.Exists(Path.Combine(folder, name + ".cs")))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public static IEnumerable<TestCaseData> Pairs() =>
        Discover(ExamplesFolder).Select(name => new TestCaseData(name).SetArgDisplayNames(name));

    [OneTimeSetUp]
    public void StartDovecot() => _ = Dovecot.Server;

    [Test]
    public void The_examples_folder_has_the_setup_step_and_the_show_twins()
    {
        var folder = ExamplesFolder;
        Assert.That(Discover(folder), Does.Contain(Setup), $"{folder} needs {Setup}.py and {Setup}.cs");
        Assert.That(File.Exists(Path.Combine(folder, "_show.py")), $"{folder}/_show.py is missing");
        Assert.That(File.Exists(Path.Combine(folder, "_show.cs")), $"{folder}/_show.cs is missing");
    }

    [Test]
    public void Every_deviation_is_documented_in_porting_md()
    {
        string porting = File.ReadAllText(Path.Combine(Repo.Root, "docs", "porting.md"));
        foreach (var deviation in Deviations)
            Assert.That(porting, Does.Contain(deviation.Reason), $"docs/porting.md must give the reason of {deviation}");
    }

    [Test]
    public void Normalise_changes_only_timing_uidvalidity_and_the_user_name()
    {
        static string Hex(string text) => Convert.ToHexStringLower(Encoding.Latin1.GetBytes(text));
        var lines = new[]
        {
            "append 1: OK",
            "  b " + Hex("[APPENDUID 1795467556 1] Append completed (0.003 + 0.000 + 0.001 secs)."),
            "status: OK",
            "  b " + Hex("X (UIDVALIDITY 1795467557 UNSEEN 0)") + "",
            "uidvalidity: UIDVALIDITY",
            "  b " + Hex("1795467556"),
            "acl: OK",
            "  t " + Hex("INBOX u1x2 lrs {3}") + " " + Hex("\xe9\r\n1795467556 (1.0 secs)"),
            "select: OK",
            "  b " + Hex("1795467556"),
            "plain u1x2 (0.001 + 0.000 secs)",
        };
        Assert.That(Normalise(lines, "u1x2").Select(Shown), Is.EqualTo(new[]
        {
            "append 1: OK",
            "  b b'[APPENDUID <uidvalidity-1> 1] Append completed (T secs).'",
            "status: OK",
            "  b b'X (UIDVALIDITY <uidvalidity-2> UNSEEN 0)'",
            "uidvalidity: UIDVALIDITY",
            "  b b'<uidvalidity-1>'",
            "acl: OK",
            "  t (b'INBOX <user> lrs {3}', b'\\xe9\\r\\n1795467556 (T secs)')",
            "select: OK",
            "  b b'1795467556'",
            "plain <user> (T secs)",
        }));
    }

    [TestCaseSource(nameof(Pairs))]
    public void Python_and_CSharp_print_the_same(string example)
    {
        var folder = ExamplesFolder;
        foreach (var step in example == Setup ? [Setup] : new[] { Setup, example })
        {
            var build = FileApps.Example(folder, step);
            if (build.Dll is null) Assert.Fail($"{step}.cs does not build:\n{build.Log}");
        }

        var python = RunSide(folder, example, csharp: false);
        var csharp = RunSide(folder, example, csharp: true);

        var pyLines = Normalise(python.Lines, python.User);
        var csLines = Normalise(csharp.Lines, csharp.User);
        var unused = Deviations.Where(d => d.Example == example).ToHashSet();
        for (int i = 0; i < Math.Max(pyLines.Count, csLines.Count); i++)
        {
            string? py = i < pyLines.Count ? pyLines[i] : null;
            string? cs = i < csLines.Count ? csLines[i] : null;
            if (py == cs) continue;
            var accepted = Deviations.FirstOrDefault(d => d.Example == example
                && py is not null && Regex.IsMatch(Shown(py), d.PythonLine)
                && cs is not null && Regex.IsMatch(Shown(cs), d.CSharpLine));
            if (accepted is not null)
            {
                unused.Remove(accepted);
                TestContext.Out.WriteLine($"line {i + 1}: deliberate difference ({accepted.Reason})");
                continue;
            }
            Assert.Fail(Difference(example, i, pyLines, csLines, python, csharp));
        }
        Assert.That(unused, Is.Empty, "deviations that no longer occur (remove them, and their text in docs/porting.md)");
    }

    // ---- Running one side ------------------------------------------------------------------------------------

    private sealed record SideOutput(string User, List<string> Lines, string Stderr);

    /// <summary>Runs the setup step and then the example on a fresh account; the output is each step's standard
    /// output under a header line that names the step and its exit status.</summary>
    private SideOutput RunSide(string folder, string example, bool csharp, Account? account = null, (string Host, int Port)? server = null)
    {
        account ??= Dovecot.NewAccount();
        var (host, port) = server ?? (Dovecot.Server.Host, Dovecot.Server.Port);
        var env = new Dictionary<string, string>
        {
            ["IMAP_HOST"] = host,
            ["IMAP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["IMAP_USER"] = account.User,
            ["IMAP_PASSWORD"] = account.Password,
            ["PYTHONPATH"] = folder,
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["PYTHONIOENCODING"] = "utf-8",
        };
        var lines = new List<string>();
        var stderr = new StringBuilder();
        foreach (var step in example == Setup ? [Setup] : new[] { Setup, example })
        {
            var result = csharp
                ? FileApps.Run(FileApps.DotnetHost(), [FileApps.Example(folder, step).Dll!], folder, env, TimeSpan.FromSeconds(60))
                : FileApps.Run(Environment.GetEnvironmentVariable("IMAPLIB_PYTHON") ?? "python3", [Path.Combine(folder, step + ".py")],
                    folder, env, TimeSpan.FromSeconds(60));
            lines.Add($"=== {step} (exit {result.ExitCode})");
            lines.AddRange(result.Stdout.Split('\n'));
            if (lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
            if (result.Stderr.Length > 0) stderr.Append($"--- {step}:\n{result.Stderr}\n");
        }
        return new SideOutput(account.User, lines, stderr.ToString());
    }

    // ---- Normalisation -----------------------------------------------------------------------------------------

    private static readonly Regex HexItem = new(@"^(?<indent> *)(?<kind>[bt]) (?<first>[0-9a-f]*)(?: (?<second>[0-9a-f]*))?$", RegexOptions.CultureInvariant);
    private static readonly Regex ShowHeader = new(@"^\S.*: (?<typ>[A-Z][A-Z0-9.-]*)$", RegexOptions.CultureInvariant);
    private static readonly Regex Timing = new(@"\([0-9]+\.[0-9]+(?: \+ [0-9]+\.[0-9]+)* secs\)", RegexOptions.CultureInvariant);
    private static readonly Regex UidValidity = new(@"\b(?<code>UIDVALIDITY|APPENDUID|COPYUID) (?<value>[0-9]+)", RegexOptions.CultureInvariant);

    /// <summary>
    /// Normalises exactly what may differ between two fresh accounts, and nothing else. Hex items (<c>b HEX</c>,
    /// <c>t HEX HEX</c>) are decoded byte for byte (Latin-1), normalised as text and encoded back; other lines are
    /// normalised as they are. In both:
    /// <list type="bullet">
    /// <item>Dovecot's timing text <c>(0.001 + 0.000 secs)</c> (two or three numbers) becomes <c>(T secs)</c>;</item>
    /// <item>a UIDVALIDITY value — after <c>UIDVALIDITY</c>, <c>APPENDUID</c>, <c>COPYUID</c>, or an item of a
    /// <c>response("UIDVALIDITY")</c> result shown with type UIDVALIDITY — becomes <c>&lt;uidvalidity-N&gt;</c>, N
    /// numbering the distinct values in order of first appearance (so equal values stay equal);</item>
    /// <item>the account's user name becomes <c>&lt;user&gt;</c>.</item>
    /// </list>
    /// </summary>
    public static List<string> Normalise(IEnumerable<string> lines, string user)
    {
        var values = new Dictionary<string, int>();
        string Value(string value)
        {
            if (!values.TryGetValue(value, out int n)) values[value] = n = values.Count + 1;
            return $"<uidvalidity-{n}>";
        }
        string Text(string text, bool uidvalidityItem)
        {
            if (uidvalidityItem && Regex.IsMatch(text, "^[0-9]+$")) return Value(text);
            text = Timing.Replace(text, "(T secs)");
            text = UidValidity.Replace(text, m => $"{m.Groups["code"].Value} {Value(m.Groups["value"].Value)}");
            return user.Length > 0 ? text.Replace(user, "<user>", StringComparison.Ordinal) : text;
        }
        string Hex(string hex, bool uidvalidityItem) =>
            Convert.ToHexStringLower(Encoding.Latin1.GetBytes(Text(Encoding.Latin1.GetString(Convert.FromHexString(hex)), uidvalidityItem)));

        var result = new List<string>();
        string typ = "";
        foreach (var line in lines)
        {
            var item = HexItem.Match(line);
            if (item.Success)
            {
                bool uidvalidityItem = typ == "UIDVALIDITY" && item.Groups["indent"].Value == "  ";
                string normalised = $"{item.Groups["indent"].Value}{item.Groups["kind"].Value} {Hex(item.Groups["first"].Value, uidvalidityItem)}";
                if (item.Groups["second"].Success) normalised += " " + Hex(item.Groups["second"].Value, false);
                result.Add(normalised);
                continue;
            }
            var header = ShowHeader.Match(line);
            typ = header.Success ? header.Groups["typ"].Value : "";
            result.Add(Text(line, false));
        }
        return result;
    }

    /// <summary>A line as a reader wants it: a hex item shows Python's repr of its bytes.</summary>
    public static string Shown(string line)
    {
        var item = HexItem.Match(line);
        if (!item.Success) return line;
        string Repr(string hex) => ImapItem.FromBytes(Convert.FromHexString(hex)).ToString();
        string indent = item.Groups["indent"].Value, kind = item.Groups["kind"].Value;
        return item.Groups["second"].Success
            ? $"{indent}{kind} ({Repr(item.Groups["first"].Value)}, {Repr(item.Groups["second"].Value)})"
            : $"{indent}{kind} {Repr(item.Groups["first"].Value)}";
    }

    private static string Difference(string example, int index, List<string> py, List<string> cs, SideOutput python, SideOutput csharp)
    {
        string At(List<string> lines) => index < lines.Count ? lines[index] : "<end of output>";
        var text = new StringBuilder()
            .AppendLine($"{example}: the outputs differ at line {index + 1} (after normalisation)")
            .AppendLine($"  python: {Shown(At(py))}")
            .AppendLine($"  c#    : {Shown(At(cs))}")
            .AppendLine($"  python (as printed): {At(py)}")
            .AppendLine($"  c#     (as printed): {At(cs)}")
            .AppendLine("  lines before it (both sides):");
        for (int i = Math.Max(0, index - 4); i < index; i++) text.AppendLine($"    {Shown(py[i])}");
        if (python.Stderr.Length > 0) text.AppendLine("python's standard error:").AppendLine(python.Stderr);
        if (csharp.Stderr.Length > 0) text.AppendLine("c#'s standard error:").AppendLine(csharp.Stderr);
        TestContext.Out.WriteLine("---- python (normalised) ----");
        foreach (var line in py) TestContext.Out.WriteLine(Shown(line));
        TestContext.Out.WriteLine("---- c# (normalised) ----");
        foreach (var line in cs) TestContext.Out.WriteLine(Shown(line));
        return text.ToString();
    }
}
