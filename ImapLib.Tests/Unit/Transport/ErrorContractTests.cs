using System.Net;
using System.Net.Sockets;
using ImapLib.Testing;
using ImapLib.Tests.Support;
using ScriptedIMAP4 = ImapLib.Testing.ScriptedIMAP4;
using Transcript = ImapLib.Testing.Transcript;

namespace ImapLib.Tests.Unit.Transport;

/// <summary>
/// What a failed connection raises, as docs/api.md (IMAP4's constructor) and docs/porting.md state it. Following
/// CPython, failing to connect is the socket's own error (Python: <c>OSError</c>; here <see cref="SocketException"/>),
/// while a connection that fails once open, TLS handshake included, is <see cref="IMAP4.abort"/>.
/// </summary>
public class ErrorContractTests
{
    [Test]
    public void A_refused_connection_raises_the_socket_error()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();   // nothing listens there now
        var e = Assert.Throws<SocketException>(() => new IMAP4("127.0.0.1", port, timeout: 5));
        Assert.That(e!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
    }

    [Test]
    public void An_unknown_host_raises_the_socket_error()
    {
        // RFC 6761: the .invalid domain never resolves.
        var e = Assert.Throws<SocketException>(() => new IMAP4("no-such-host.invalid", 143, timeout: 5));
        Assert.That(e!.SocketErrorCode, Is.AnyOf(SocketError.HostNotFound, SocketError.TryAgain, SocketError.NoData));
    }

    [Test]
    public void A_failed_tls_handshake_is_abort()
    {
        // A plain-text IMAP server where TLS is expected: the handshake fails on its greeting.
        using var server = new FakeServer(s => s.Line("* OK plain text, not TLS"));
        var e = Assert.Throws<IMAP4.abort>(() => new IMAP4_SSL("127.0.0.1", server.Port, timeout: 5));
        Assert.That(e!.Message, Does.Contain("TLS handshake with 127.0.0.1"));
        server.Join();
    }

    private sealed class FailingHooks() : ScriptedIMAP4("S: * OK [CAPABILITY IMAP4rev1] hi")
    {
        public Exception? OnSend { get; set; }

        public override void send(byte[] data)
        {
            if (OnSend is { } failure) throw failure;
            base.send(data);
        }
    }

    [Test]
    public void An_InvalidOperationException_from_an_overriding_hook_is_the_caller_s_own_not_a_transport_failure()
    {
        using var M = new FailingHooks();
        M.OnSend = new InvalidOperationException("the test's own bug");
        var e = Assert.Throws<InvalidOperationException>(() => M.noop());
        Assert.That(e!.Message, Is.EqualTo("the test's own bug"));
        // A transport-like failure from the same hook is an abort, as CPython's OSError handling has it.
        M.OnSend = new IOException("connection reset");
        Assert.That(Assert.Throws<IMAP4.abort>(() => M.noop())!.Message, Does.Contain("connection reset"));
        M.OnSend = null;
    }

    [Test]
    public void An_InvalidOperationException_from_the_caller_s_literal_stream_passes_through()
    {
        var transcript = Transcript.Parse("""
            S: * PREAUTH hi
            C: {tag} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {tag} OK done
            C: {tag} SELECT INBOX
            S: * 1 EXISTS
            S: {tag} OK [READ-WRITE] done
            C: {tag} FETCH 1 (BODY[])
            S: * 1 FETCH (BODY[] {5}
            S: abc
            S: )
            S: {tag} OK done
            """);
        using var M = new ScriptedIMAP4(transcript);
        M.select();
        Assert.Throws<InvalidOperationException>(() => M.fetch("1", "(BODY[])", _ => new RefusingStream()));
    }

    private sealed class RefusingStream : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new InvalidOperationException("full");
        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("full");
    }
}
