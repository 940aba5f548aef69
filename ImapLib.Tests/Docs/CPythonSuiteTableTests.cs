using System.Reflection;
using System.Text.RegularExpressions;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// docs/porting.md lists every test of CPython's test_imaplib.py by class: the file of CPython 3.13.0 (the newest on
/// the machine), then the tests of 3.11.7's file that newer CPython removed, then the tests CPython main added to
/// 3.13.0's. This keeps the lists true: each listed
/// test is an NUnit test of the fixture with the Python class's name, each ignored one names a deviation row, the
/// counts in the text are the lists' counts, and where the machine has the Python file its tests are the list.
/// </summary>
public class CPythonSuiteTableTests
{
    private static readonly Regex Row = new(@"^\| `(?<class>\w+)` \((?<count>\d+)\) \| (?<tests>[^|]+) \|", RegexOptions.Multiline);

    /// <summary>The 3.13.0 table, the 3.11.7-only table after it, and CPython main's additions after that.</summary>
    private static (List<Match> Newest, List<Match> Removed, List<Match> Main) Tables(string porting)
    {
        int split = porting.IndexOf("Removed after 3.11.7, still ported:", StringComparison.Ordinal);
        Assert.That(split, Is.GreaterThan(0), "docs/porting.md lists the tests 3.11.7 had and newer CPython removed");
        int main = porting.IndexOf("Added in CPython main (not in 3.13.0), ported:", StringComparison.Ordinal);
        Assert.That(main, Is.GreaterThan(split), "docs/porting.md lists the tests CPython main added, after the removed ones");
        var rows = Row.Matches(porting).ToList();
        return (rows.Where(r => r.Index < split).ToList(), rows.Where(r => r.Index > split && r.Index < main).ToList(),
            rows.Where(r => r.Index > main).ToList());
    }

    private static List<string> Names(Match row) =>
        Regex.Matches(row.Groups["tests"].Value, "`(test_\\w+)`").Select(m => m.Groups[1].Value).ToList();

    [Test]
    public void Every_Python_test_in_the_porting_tables_is_a_test_of_the_same_name_in_the_fixture_of_the_same_class()
    {
        string porting = File.ReadAllText(Path.Combine(Repo.Root, "docs", "porting.md"));
        var (newest, removed, main) = Tables(porting);
        Assert.That(newest, Has.Count.EqualTo(5), "the five Python test classes of 3.13.0");
        Assert.That(removed, Has.Count.EqualTo(4), "the classes with tests that only 3.11.7 had");
        var deviations = Regex.Matches(porting, @"^\| (?<row>[a-z-]+) \| ", RegexOptions.Multiline).Select(m => m.Groups["row"].Value).ToHashSet();

        (int listed, int ignored) Check(List<Match> rows)
        {
            int listed = 0, ignored = 0;
            foreach (Match row in rows)
            {
                var fixture = typeof(CPythonSuiteTableTests).Assembly.GetType("ImapLib.Tests.CPython." + row.Groups["class"].Value);
                Assert.That(fixture, Is.Not.Null, row.Groups["class"].Value);
                var names = Names(row);
                Assert.That(names, Has.Count.EqualTo(int.Parse(row.Groups["count"].Value)), row.Groups["class"].Value);
                foreach (string name in names)
                {
                    var method = fixture!.GetMethod(name, BindingFlags.Public | BindingFlags.Instance);
                    Assert.That(method?.GetCustomAttribute<TestAttribute>(inherit: true), Is.Not.Null, $"{fixture.Name}.{name}");
                    if (method!.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(IgnoreAttribute)) is { } ignore)
                    {
                        ignored++;
                        string reason = (string)ignore.ConstructorArguments[0].Value!;
                        var deviation = Regex.Match(reason, "^deviation: ([a-z-]+) ");
                        Assert.That(deviation.Success && deviations.Contains(deviation.Groups[1].Value), $"{name}: '{reason}' names a deviation row");
                    }
                    listed++;
                }
            }
            return (listed, ignored);
        }

        var (listed, ignored) = Check(newest);
        Assert.That(listed, Is.EqualTo(94));
        Assert.That(porting, Does.Contain($"**{listed} Python tests, {listed - ignored} ported and passing, {ignored} deliberate deviations**"));
        var (old, oldIgnored) = Check(removed);
        Assert.That((old, oldIgnored), Is.EqualTo((9, 1)));
        Assert.That(porting, Does.Contain($"The {old} tests of 3.11.7's file that newer CPython removed"));
        Assert.That(main, Has.Count.EqualTo(6), "the six classes of CPython main with tests 3.13.0 lacks");
        var (added, addedIgnored) = Check(main);
        Assert.That(added, Is.EqualTo(169));
        Assert.That(porting, Does.Contain($"adds **{added} Python tests to 3.13.0's"));
        Assert.That(porting, Does.Contain($"{added - addedIgnored} ported and passing, {addedIgnored} deliberate deviations**"));
    }

    /// <summary>Where the machine carries CPython 3.13.0's test file (pyenv), its classes and tests are the table's.</summary>
    [Test]
    public void The_newest_table_is_the_Python_file_where_the_machine_has_it()
    {
        string home = Environment.GetEnvironmentVariable("HOME") ?? "/root";
        string path = Path.Combine(home, ".pyenv", "versions", "3.13.0", "lib", "python3.13", "test", "test_imaplib.py");
        var (newest, _, _) = Tables(File.ReadAllText(Path.Combine(Repo.Root, "docs", "porting.md")));
        var table = newest.ToDictionary(r => r.Groups["class"].Value, r => Names(r).Order().ToList());
        Assert.That(table.Values.Sum(v => v.Count), Is.EqualTo(94));
        if (!File.Exists(path))
            return;   // a machine without pyenv's 3.13.0: the fixtures check above still holds the table
        // Python classes, their bases and their own tests; a class's tests are its own plus its bases'.
        var own = new Dictionary<string, List<string>>();
        var bases = new Dictionary<string, List<string>>();
        string? current = null;
        foreach (string line in File.ReadLines(path))
        {
            var cls = Regex.Match(line, @"^class (\w+)(?:\(([^)]*)\))?:");
            if (cls.Success)
            {
                current = cls.Groups[1].Value;
                own[current] = [];
                bases[current] = cls.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
                continue;
            }
            var test = Regex.Match(line, @"^    def (test_\w+)\(");
            if (test.Success && current is not null) own[current].Add(test.Groups[1].Value);
        }
        List<string> All(string name) => own.TryGetValue(name, out var tests)
            ? tests.Concat(bases[name].SelectMany(All)).Distinct().ToList()
            : [];
        var python = own.Keys.Where(c => All(c).Count > 0 && !c.EndsWith("Mixin", StringComparison.Ordinal))
            .ToDictionary(c => c, c => All(c).Order().ToList());
        Assert.That(table.Keys.Order(), Is.EqualTo(python.Keys.Order()));
        foreach (var (name, tests) in python) Assert.That(table[name], Is.EqualTo(tests), name);
    }
}
