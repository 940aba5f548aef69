using System.Text.RegularExpressions;
using ImapLib.Tests.Support;

namespace ImapLib.Tests;

/// <summary>
/// README's porting example is what a new user copies first: built as a .NET 10 file-based app against the library,
/// it must compile with zero warnings (no nullable warning on <c>data[0].split()</c> or <c>data[0][1]</c>), with
/// the default settings of a file-based app.
/// </summary>
public class ReadmeExampleTests
{
    [Test]
    [CancelAfter(300_000)]
    public void The_porting_example_in_README_builds_as_a_file_based_app_without_warnings()
    {
        string readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        var block = Regex.Match(readme, "C#:\\s*```csharp\\n(?<code>.*?)```", RegexOptions.Singleline);
        Assert.That(block.Success, "README has the C# porting example");
        string code = block.Groups["code"].Value.Replace("using ImapLib;\n", "");
        string dir = Directory.CreateTempSubdirectory("imaplib-readme-").FullName;
        try
        {
            string app = Path.Combine(dir, "port.cs");
            File.WriteAllText(app, $"""
                #:project {Path.Combine(Repo.Root, "ImapLib", "ImapLib.csproj")}
                using ImapLib;
                string user = "someone", password = "secret";   // the script's own variables
                {code}
                """);
            var build = FileApps.Compile(app, Path.Combine(dir, "out"));
            Assert.That(build.Dll, Is.Not.Null, build.Log);
            Assert.That(build.Warnings, Is.Empty, build.Log);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
