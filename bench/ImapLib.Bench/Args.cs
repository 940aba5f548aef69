namespace ImapLib.Bench;

/// <summary><c>--name value</c> and <c>--flag</c> arguments.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string?> _values = [];
    public List<string> Positional { get; } = [];

    public Args(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].StartsWith("--", StringComparison.Ordinal))
            {
                string name = list[i][2..];
                int eq = name.IndexOf('=');
                if (eq >= 0) _values[name[..eq]] = name[(eq + 1)..];
                else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) _values[name] = list[++i];
                else _values[name] = null;
            }
            else
            {
                Positional.Add(list[i]);
            }
        }
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string Get(string name, string? fallback = null) =>
        _values.TryGetValue(name, out var v) && v is not null ? v : fallback ?? throw new ArgumentException($"--{name} is required");

    public int GetInt(string name, int fallback) => _values.TryGetValue(name, out var v) && v is not null ? int.Parse(v) : fallback;

    public ConnInfo Conn() => new(Get("host", "127.0.0.1"), GetInt("port", 14400), GetInt("tls-port", 19940), Get("ca"),
        Get("user", "bench"), Get("password", "benchpw"));

    /// <summary>The connection arguments again, for a child process.</summary>
    public static List<string> ConnArgs(ConnInfo c) =>
        ["--host", c.Host, "--port", c.Port.ToString(), "--tls-port", c.TlsPort.ToString(), "--ca", c.CaFile, "--user", c.User, "--password", c.Password];
}
