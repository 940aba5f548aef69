using System.Net.Security;

namespace ImapLib.Testing;

/// <summary>
/// What the three recording connections share: each of their hooks hands the bytes to one recorder and returns them
/// unchanged, so recording never alters the session.
/// </summary>
internal sealed class HookRecording
{
    private readonly TranscriptRecorder _recorder = new();

    public Transcript Transcript => _recorder.ToTranscript();

    /// <summary>A line the server sent; an empty one is the server closing the connection.</summary>
    public PyBytes Line(PyBytes line)
    {
        if (line.Length == 0) _recorder.Directive(TranscriptStepKind.Close);
        else _recorder.Server(line.AsSpan());
        return line;
    }

    /// <summary>A literal's bytes; fewer than asked for is the server closing the connection.</summary>
    public PyBytes Literal(PyBytes bytes, int size)
    {
        _recorder.Server(bytes.AsSpan());
        if (bytes.Length < size) _recorder.Directive(TranscriptStepKind.Close);
        return bytes;
    }

    public void Sent(byte[] data) => _recorder.Client(data);

    public void Switched(TranscriptStepKind kind) => _recorder.Directive(kind);
}

/// <summary>
/// <see cref="IMAP4"/> that records its session into a <see cref="Transcript"/> as it runs (plain TCP). Tags become
/// <c>{tag}</c>, passwords and SASL answers <c>{secret}</c>; everything else is kept byte for byte, literals included.
/// Save <see cref="transcript"/> and replay it with <see cref="ScriptedIMAP4"/> or <see cref="TranscriptServer"/>.
/// </summary>
/// <remarks>The constructor's parameters are <see cref="IMAP4"/>'s. A streaming fetch (a literal sink) is recorded
/// too: while recording, its literal passes through the <c>read</c> hook whole, then goes on to the caller's stream.</remarks>
/// <param name="host">As for <see cref="IMAP4"/>.</param>
/// <param name="port">As for <see cref="IMAP4"/>.</param>
/// <param name="timeout">As for <see cref="IMAP4"/>.</param>
public class RecordingIMAP4(string host = "", int port = imaplib.IMAP4_PORT, double? timeout = null) : IMAP4(host, port, timeout)
{
    private readonly HookRecording _recording = new();

    /// <summary>The session so far.</summary>
    public Transcript transcript => _recording.Transcript;

    /// <inheritdoc/>
    public override PyBytes readline() => _recording.Line(base.readline());

    /// <inheritdoc/>
    public override PyBytes read(int size) => _recording.Literal(StreamingLiteral ? ReadBytes(size) : base.read(size), size);

    /// <inheritdoc/>
    public override void send(byte[] data)
    {
        _recording.Sent(data);
        base.send(data);
    }

    /// <inheritdoc/>
    protected override void UpgradeToTls(SslClientAuthenticationOptions ssl_context)
    {
        base.UpgradeToTls(ssl_context);
        _recording.Switched(TranscriptStepKind.StartTls);
    }

    /// <inheritdoc/>
    protected override void StartCompression()
    {
        base.StartCompression();
        _recording.Switched(TranscriptStepKind.Compress);
    }
}

/// <summary><see cref="IMAP4_SSL"/> that records its session (the protocol inside TLS) into a <see cref="Transcript"/>,
/// as <see cref="RecordingIMAP4"/> does.</summary>
/// <param name="host">As for <see cref="IMAP4_SSL"/>.</param>
/// <param name="port">As for <see cref="IMAP4_SSL"/>.</param>
/// <param name="keyfile">As for <see cref="IMAP4_SSL"/>.</param>
/// <param name="certfile">As for <see cref="IMAP4_SSL"/>.</param>
/// <param name="ssl_context">As for <see cref="IMAP4_SSL"/>.</param>
/// <param name="timeout">As for <see cref="IMAP4_SSL"/>.</param>
public class RecordingIMAP4_SSL(string host = "", int port = imaplib.IMAP4_SSL_PORT, string? keyfile = null, string? certfile = null,
    SslClientAuthenticationOptions? ssl_context = null, double? timeout = null)
    : IMAP4_SSL(host, port, keyfile, certfile, ssl_context, timeout)
{
    private readonly HookRecording _recording = new();

    /// <summary>The session so far.</summary>
    public Transcript transcript => _recording.Transcript;

    /// <inheritdoc/>
    public override PyBytes readline() => _recording.Line(base.readline());

    /// <inheritdoc/>
    public override PyBytes read(int size) => _recording.Literal(StreamingLiteral ? ReadBytes(size) : base.read(size), size);

    /// <inheritdoc/>
    public override void send(byte[] data)
    {
        _recording.Sent(data);
        base.send(data);
    }

    /// <inheritdoc/>
    protected override void StartCompression()
    {
        base.StartCompression();
        _recording.Switched(TranscriptStepKind.Compress);
    }
}

/// <summary><see cref="IMAP4_stream"/> that records its session with the child process into a <see cref="Transcript"/>,
/// as <see cref="RecordingIMAP4"/> does.</summary>
/// <param name="command">As for <see cref="IMAP4_stream"/>.</param>
/// <param name="timeout">As for <see cref="IMAP4_stream"/>.</param>
public class RecordingIMAP4_stream(string command, double? timeout = null) : IMAP4_stream(command, timeout)
{
    private readonly HookRecording _recording = new();

    /// <summary>The session so far.</summary>
    public Transcript transcript => _recording.Transcript;

    /// <inheritdoc/>
    public override PyBytes readline() => _recording.Line(base.readline());

    /// <inheritdoc/>
    public override PyBytes read(int size) => _recording.Literal(StreamingLiteral ? ReadBytes(size) : base.read(size), size);

    /// <inheritdoc/>
    public override void send(byte[] data)
    {
        _recording.Sent(data);
        base.send(data);
    }

    /// <inheritdoc/>
    protected override void StartCompression()
    {
        base.StartCompression();
        _recording.Switched(TranscriptStepKind.Compress);
    }
}
