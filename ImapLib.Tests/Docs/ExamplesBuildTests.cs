using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// A user's first <c>dotnet run docs/examples/NN_name.cs</c> must show the script's output and nothing else: every C#
/// example (and its <c>_show.cs</c>) builds as a file-based app, with a file-based app's default settings, without
/// a single warning. One build per example per test run, shared with the parity test (<see cref="FileApps.Example"/>).
/// Category <c>Build</c>: it needs no server, but each build takes seconds
/// (<c>--filter "Category!=Server&amp;Category!=Build"</c> leaves it out).
/// </summary>
[TestFixture, NonParallelizable]
[Category("Build")]
public class ExamplesBuildTests
{
    public static IEnumerable<TestCaseData> Examples() =>
        ParityTests.Discover(ParityTests.ExamplesFolder).Select(name => new TestCaseData(name).SetArgDisplayNames(name));

    [TestCaseSource(nameof(Examples))]
    [CancelAfter(600_000)]
    public void The_example_builds_as_a_file_based_app_without_warnings(string example)
    {
        var build = FileApps.Example(ParityTests.ExamplesFolder, example);
        Assert.That(build.Dll, Is.Not.Null, $"{example}.cs does not build:\n{build.Log}");
        Assert.That(build.Warnings, Is.Empty, $"{example}.cs builds with warnings:\n{build.Log}");
    }
}
