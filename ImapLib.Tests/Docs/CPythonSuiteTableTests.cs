using System.Reflection;
using System.Text.RegularExpressions;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// docs/porting.md lists every test of CPython's test_imaplib.py by class. This keeps the list true: each listed
/// test is an NUnit test of the fixture with the Python class's name, and each ignored one names a deviation row.
/// </summary>
public class CPythonSuiteTableTests
{
    [Test]
    public void Every_Python_test_in_the_porting_table_is_a_test_of_the_same_name_in_the_fixture_of_the_same_class()
    {
        string porting = File.ReadAllText(Path.Combine(Repo.Root, "docs", "porting.md"));
        var rows = Regex.Matches(porting, @"^\| `(?<class>\w+)` \((?<count>\d+)\) \| (?<tests>[^|]+) \|", RegexOptions.Multiline);
        Assert.That(rows, Has.Count.EqualTo(8), "the eight Python test classes");
        var deviations = Regex.Matches(porting, @"^\| (?<row>[a-z-]+) \| ", RegexOptions.Multiline).Select(m => m.Groups["row"].Value).ToHashSet();
        int listed = 0, ignored = 0;
        foreach (Match row in rows)
        {
            var fixture = typeof(CPythonSuiteTableTests).Assembly.GetType("ImapLib.Tests.CPython." + row.Groups["class"].Value);
            Assert.That(fixture, Is.Not.Null, row.Groups["class"].Value);
            var names = Regex.Matches(row.Groups["tests"].Value, "`(test_\\w+)`").Select(m => m.Groups[1].Value).ToList();
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
        Assert.That(listed, Is.EqualTo(103));
        Assert.That(porting, Does.Contain($"**{listed} Python tests, {listed - ignored} ported and passing, {ignored} deliberate deviation"));
    }
}
