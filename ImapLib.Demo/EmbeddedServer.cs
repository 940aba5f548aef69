using System.Diagnostics;

/// <summary>
/// The demo's default server: the project's private Dovecot, prepared by <c>scripts/dovecot.sh</c> and
/// reached through its preauthenticated stdio command, so the demo needs no port, password or network.
/// </summary>
internal static class EmbeddedServer
{
    public static string StdioCommand()
    {
        string script = Path.Combine(FindRepository(), "scripts", "dovecot.sh");
        Run(script, "prepare");
        return Run(script, "stdio-command", "demo").Trim();
    }

    private static string FindRepository()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "scripts", "dovecot.sh"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("scripts/dovecot.sh not found: run the demo from the ImapLib repository, or give a host or -s command");
    }

    private static string Run(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(script)} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
        return stdout;
    }
}
