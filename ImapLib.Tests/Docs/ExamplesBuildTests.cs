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

    /// <summary>docs/porting.md, "An exception nobody catches": unhandled, the process ends in SIGABRT (134) where Python
    /// exits with 1; the guide's top-level try/catch gives Python's status, with the cleanup done and the traceback on
    /// standard error.</summary>
    [Test]
    [CancelAfter(600_000)]
    public void An_uncaught_exception_aborts_the_process_and_the_guides_top_level_catch_keeps_Pythons_exit_status()
    {
        string dir = Directory.CreateTempSubdirectory("imaplib-uncaught-").FullName;
        try
        {
            string app = Path.Combine(dir, "uncaught.cs");
            File.WriteAllText(app, """
                if (args.Length > 0 && args[0] == "caught")
                {
                    try
                    {
                        Run();   // the script's body
                        return 0;
                    }
                    catch (Exception e)
                    {
                        Console.Error.WriteLine(e);   // Python's traceback
                        return 1;
                    }
                }
                Run();
                return 0;

                static void Run()
                {
                    try { throw new InvalidOperationException("the server went away"); }
                    finally { Console.WriteLine("logout sent"); }   // a script's finally: M.logout()
                }
                """);
            var build = FileApps.Compile(app, Path.Combine(dir, "out"));
            Assert.That(build.Dll, Is.Not.Null, build.Log);
            var unhandled = FileApps.Run(FileApps.DotnetHost(), [build.Dll!], dir, [], TimeSpan.FromSeconds(60));
            Assert.That(unhandled.ExitCode, Is.EqualTo(134), unhandled.Stderr);   // SIGABRT; Python: 1
            Assert.That(unhandled.Stderr, Does.StartWith("Unhandled exception. System.InvalidOperationException: the server went away"));
            var caught = FileApps.Run(FileApps.DotnetHost(), [build.Dll!, "caught"], dir, [], TimeSpan.FromSeconds(60));
            Assert.That(caught.ExitCode, Is.EqualTo(1));
            Assert.That(caught.Stdout, Is.EqualTo("logout sent\n"));
            Assert.That(caught.Stderr, Does.StartWith("System.InvalidOperationException: the server went away"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
