using System.Net.Security;

namespace ImapLib.Testing;

/// <summary>
/// An <see cref="IMAP4"/> that talks to a transcript instead of a server: constructing it reads the greeting and the
/// capabilities (as <c>new IMAP4(host)</c> does), and every command then runs through the whole library against the
/// server lines the transcript gives, over the transport hooks. No socket, no thread; a session replays the same way
/// every time.
/// </summary>
/// <remarks>
/// <para>A line the client sends that the transcript does not expect raises <see cref="TranscriptMismatchException"/>
/// at once, from the command that sent it; so does a read where the transcript has the client speak next (a real
/// session would hang there). The first mismatch is kept: <see cref="AssertComplete"/> raises it again even when the
/// code under test caught it, and raises one for steps never reached.</para>
/// <para>STARTTLS, COMPRESS and IDLE's timed waits are played too: the transcript's <c>@starttls</c> and
/// <c>@compress</c> mark where the switch happens (no real handshake or deflate), and a timed wait returns at once:
/// with the server's next lines when the transcript has them, as a time-out when the client speaks next.</para>
/// <para>Disposing sends LOGOUT only when the transcript still expects it; at the transcript's end it just closes.
/// Disposing never raises a mismatch (it is kept for <see cref="AssertComplete"/>).</para>
/// </remarks>
public class ScriptedIMAP4 : IMAP4
{
    private readonly TranscriptPlayer _player;

    /// <summary>Connects to the server side of <paramref name="transcript"/>.</summary>
    /// <param name="transcript">The conversation.</param>
    /// <param name="timeout">As for <see cref="IMAP4"/> (kept in <see cref="IMAP4.timeout"/>; a replay never waits).</param>
    /// <exception cref="TranscriptMismatchException">The greeting or capability exchange does not follow the transcript.</exception>
    public ScriptedIMAP4(Transcript transcript, double? timeout = null) : base(connect: false)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        Transcript = transcript;
        _player = new TranscriptPlayer(transcript);
        Connect("transcript.invalid", imaplib.IMAP4_PORT, timeout);
    }

    /// <summary>Connects to the server side of the transcript in <paramref name="transcript"/> (its text).</summary>
    /// <exception cref="TranscriptFormatException">The text is not a well-formed transcript.</exception>
    public ScriptedIMAP4(string transcript, double? timeout = null) : this(Transcript.Parse(transcript), timeout)
    {
    }

    /// <summary>The transcript being played.</summary>
    public Transcript Transcript { get; }

    /// <summary>Raises the first mismatch of the session, or one for steps of the transcript never reached or
    /// server lines never read. Call it at the end of a test.</summary>
    /// <exception cref="TranscriptMismatchException">The session did not follow the whole transcript.</exception>
    public void AssertComplete() => _player.AssertComplete();

    /// <summary>Records the host and port; there is nothing to open.</summary>
    public override void open(string host = "", int port = imaplib.IMAP4_PORT, double? timeout = null)
    {
        this.host = host;
        this.port = port;
    }

    /// <summary>The next server line of the transcript, with its CRLF; empty after <c>@close</c>.</summary>
    public override PyBytes readline() => _player.ReadLine();

    /// <summary>The next <paramref name="size"/> bytes of the server's side (a literal).</summary>
    public override PyBytes read(int size) => _player.Read(size);

    /// <summary>Matches what the client sends against the transcript's client lines.</summary>
    public override void send(byte[] data) => _player.ClientSent(data);

    /// <summary>Nothing to close.</summary>
    public override void shutdown()
    {
    }

    /// <summary>Plays the transcript's <c>@starttls</c> instead of a handshake.</summary>
    protected override void UpgradeToTls(SslClientAuthenticationOptions ssl_context) =>
        _player.Directive(TranscriptStepKind.StartTls, "starts TLS");

    /// <summary>COMPRESS can always be played.</summary>
    protected override bool CanCompress => true;

    /// <summary>Plays the transcript's <c>@compress</c>; the hooks go on with the uncompressed protocol.</summary>
    protected override void StartCompression() => _player.Directive(TranscriptStepKind.Compress, "starts compression");

    /// <summary>Timed waits are played at once.</summary>
    protected override bool CanWaitForResponse => true;

    /// <summary>True when the transcript has server lines next; false (a time-out) when the client speaks next.</summary>
    protected override bool WaitForResponse(TimeSpan timeout) => _player.HasOutput();

    /// <summary>Logs out only if the transcript expects more; a mismatch here is kept for <see cref="AssertComplete"/>.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _player.IsComplete && state != "LOGOUT") state = "LOGOUT";
        try
        {
            base.Dispose(disposing);
        }
        catch (TranscriptMismatchException)
        {
            // Kept by the player: AssertComplete raises it. Dispose runs in finally blocks, where raising would hide
            // the test's own failure.
        }
    }
}
