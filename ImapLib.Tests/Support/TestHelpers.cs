using System.Net.Sockets;
using System.Text;

namespace ImapLib.Tests.Support;

/// <summary>Small helpers shared by the scripted-server tests.</summary>
public static class Fake
{
    /// <summary>Connects to a fake server on loopback with a short timeout, so a hung test fails quickly.</summary>
    public static IMAP4 Connect(FakeServer server, double timeout = 5) => new("127.0.0.1", server.Port, timeout);

    /// <summary>The tag prefix of a tag (the letters before the number).</summary>
    public static string Prefix(string tag) => tag.TrimEnd("0123456789".ToCharArray());

    /// <summary>The number of a tag.</summary>
    public static int Number(string tag) => int.Parse(tag[Prefix(tag).Length..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Waits for the client to close the connection without sending anything more: true at end of stream (or a
    /// reset), false when a line arrives or nothing happens within the session's read timeout.
    /// </summary>
    public static bool ClientClosed(this FakeSession session, int milliseconds = 5000)
    {
        session.Stream.ReadTimeout = milliseconds;
        try
        {
            return session.ReadLine() is null;
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut })
        {
            return false;
        }
        catch (IOException)
        {
            return true;   // reset by the client: closed too
        }
    }

    /// <summary>
    /// Reads the next command and checks its name, answering any CAPABILITY command met on the way with
    /// <paramref name="capabilities"/> (as CPython's test server does: a client may re-read capabilities, e.g.
    /// after authenticating). A test that must see no CAPABILITY uses <see cref="FakeSession.Expect"/>.
    /// </summary>
    public static Command Next(this FakeSession session, string name, string capabilities = "IMAP4rev1")
    {
        while (true)
        {
            var command = session.ReadCommand();
            if (command.Name == "CAPABILITY" && name != "CAPABILITY")
            {
                session.Line("* CAPABILITY " + capabilities);
                session.Line(command.Tag + " OK CAPABILITY completed");
                continue;
            }
            if (command.Name != name) throw new InvalidOperationException($"expected {name}, got {command.Line}");
            return command;
        }
    }

    /// <summary>Answers LOGOUT the usual way (BYE, then OK), tolerating a CAPABILITY before it.</summary>
    public static void Logout(this FakeSession session, string capabilities = "IMAP4rev1")
    {
        var command = session.Next("LOGOUT", capabilities);
        session.Line("* BYE bye");
        session.Line(command.Tag + " OK LOGOUT completed");
    }

    /// <summary>Base64 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>Base64 of <paramref name="bytes"/>.</summary>
    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    /// <summary>Byte-wise equality usable inside Moq expression trees.</summary>
    public static bool Same(byte[]? a, byte[]? b) => a is not null && b is not null && Enumerable.SequenceEqual(a, b);

    /// <summary>ASCII/Latin-1 bytes of <paramref name="text"/>.</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>
    /// A server script that greets, then answers OK to every command (SELECT/EXAMINE with <c>* 1 EXISTS</c>) and
    /// logs them in <paramref name="log"/>, until LOGOUT (answered with BYE) or the client goes away.
    /// </summary>
    public static Action<FakeSession> OkToEverything(List<Command> log, string greeting = "* PREAUTH ready", string capabilities = "IMAP4rev1")
    {
        return s =>
        {
            s.Line(greeting);
            while (true)
            {
                string? line;
                try { line = s.ReadLine(); }
                catch (IOException) { return; }
                if (line is null) return;
                var parts = line.Split(' ', 3);
                var command = new Command(line, parts[0], parts.Length > 1 ? parts[1].ToUpperInvariant() : "", parts.Length > 2 ? parts[2] : "");
                lock (log) log.Add(command);
                switch (command.Name)
                {
                    case "CAPABILITY":
                        s.Line("* CAPABILITY " + capabilities);
                        break;
                    case "SELECT" or "EXAMINE":
                        s.Line("* 1 EXISTS");
                        break;
                    case "LOGOUT":
                        s.Line("* BYE bye");
                        s.Line(command.Tag + " OK LOGOUT completed");
                        return;
                }
                s.Line(command.Tag + $" OK {command.Name} completed");
            }
        };
    }
}

/// <summary>Captures what is written to <see cref="Console.Error"/> while it lives.</summary>
public sealed class StderrCapture : IDisposable
{
    private readonly TextWriter _previous;
    private readonly StringWriter _writer = new();

    public StderrCapture()
    {
        _previous = Console.Error;
        Console.SetError(_writer);
    }

    /// <summary>What was written so far.</summary>
    public string Text
    {
        get
        {
            lock (_writer) return _writer.ToString();
        }
    }

    public void Dispose() => Console.SetError(_previous);
}

/// <summary>Runs code with the process's local time zone set through <c>TZ</c>.</summary>
public static class LocalZone
{
    private static readonly object Gate = new();

    public static void With(string tz, Action action)
    {
        lock (Gate)
        {
            string? previous = Environment.GetEnvironmentVariable("TZ");
            Environment.SetEnvironmentVariable("TZ", tz);
            TimeZoneInfo.ClearCachedData();
            try
            {
                action();
            }
            finally
            {
                Environment.SetEnvironmentVariable("TZ", previous);
                TimeZoneInfo.ClearCachedData();
            }
        }
    }
}

/// <summary>What a recording of the kit (<see cref="ImapLib.Testing.RecordingIMAP4"/>) shows of the client's side.</summary>
public static class Recorded
{
    /// <summary>The client's lines of <paramref name="transcript"/> as the transcript writes them
    /// (<c>C: {tag} NOOP</c>), one per line the client sent, literal lines included.</summary>
    public static List<string> ClientLines(ImapLib.Testing.Transcript transcript) =>
        transcript.Steps.Where(s => s.Kind == ImapLib.Testing.TranscriptStepKind.Client).Select(s => s.Text).ToList();
}
