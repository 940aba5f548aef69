using System.Diagnostics;
using System.Text;

namespace ImapLib.Bench;

/// <summary>
/// The engine's cost per command with no transport at all: NOOP after NOOP through overriding hooks that answer from
/// memory. It is how a change on the path every command takes is weighed (issue 22's one-thread-at-a-time check was):
/// build two commits, run each (<c>ImapLib.Bench engine-loop [--count N]</c>), compare the per-command figures or time
/// the two processes pair by pair.
/// </summary>
internal static class EngineLoop
{
    public static int Run(Args a)
    {
        int count = a.GetInt("count", 300_000);
        var M = new LoopIMAP4();
        for (int i = 0; i < 20_000; i++) M.noop();   // warm-up: the JIT's tiers settle
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < count; i++) M.noop();
        Console.WriteLine($"{count} NOOPs: {watch.Elapsed.TotalMilliseconds / count * 1000:0.000} us each");
        return 0;
    }

    /// <summary>Answers each command line at once: CAPABILITY with a capability list, anything else with OK.</summary>
    private sealed class LoopIMAP4 : IMAP4
    {
        private byte[] _pending = [];
        private int _at;

        public LoopIMAP4() : base(connect: false) => Connect("loop", 143, null);

        public override void open(string host = "", int port = 143, double? timeout = null) =>
            _pending = "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n"u8.ToArray();

        public override PyBytes readline()
        {
            int lf = Array.IndexOf(_pending, (byte)'\n', _at);
            var line = _pending[_at..(lf + 1)];
            _at = lf + 1;
            return line;
        }

        public override PyBytes read(int size) => throw new NotSupportedException("no literals here");

        public override void send(byte[] data)
        {
            string line = Encoding.ASCII.GetString(data);
            string tag = line[..line.IndexOf(' ')];
            _pending = Encoding.ASCII.GetBytes(line.Contains(" CAPABILITY") ? $"* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n" : $"{tag} OK NOOP completed\r\n");
            _at = 0;
        }

        public override void shutdown() { }
    }
}
