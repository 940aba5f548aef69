using System.Text;
using Moq;

namespace ImapLib.Tests.Unit.Transport;

/// <summary>
/// The public constructors take exactly CPython's parameters, so Moq (which looks a constructor up by the arguments
/// given) finds them as a Python user spells them: <c>new Mock&lt;IMAP4&gt;("host", 143, null)</c>. With
/// <c>CallBase = true</c> the library's engine runs and only the set-up transport hooks are replaced; the constructor
/// reads the greeting through them, so the hooks are set up before <c>mock.Object</c> first creates the instance.
/// </summary>
public class MoqConstructorTests
{
    /// <summary>Sets up the transport hooks: a greeting, then "OK" for every command; the lines sent are recorded.</summary>
    private static List<string> Scripted<T>(Mock<T> mock) where T : IMAP4
    {
        var replies = new Queue<string>(["* OK [CAPABILITY IMAP4rev1] mocked\r\n"]);
        var sent = new List<string>();
        mock.Setup(m => m.open(It.IsAny<string>(), It.IsAny<int>(), It.IsAny<double?>()));
        mock.Setup(m => m.shutdown());
        mock.Setup(m => m.readline()).Returns(() => Encoding.ASCII.GetBytes(replies.Count > 0 ? replies.Dequeue() : ""));
        mock.Setup(m => m.send(It.IsAny<byte[]>())).Callback<byte[]>(data =>
        {
            string line = Encoding.ASCII.GetString(data);
            sent.Add(line);
            replies.Enqueue(line.Split(' ')[0] + " OK done\r\n");
        });
        return sent;
    }

    private static void AssertWorks<T>(Mock<T> mock, List<string> sent, string host, int port) where T : IMAP4
    {
        var M = mock.Object;   // runs the real constructor: open (mocked), the greeting, no CAPABILITY (it was in the greeting)
        Assert.That(M.state, Is.EqualTo("NONAUTH"));
        Assert.That(M.noop().typ, Is.EqualTo("OK"));
        Assert.That(sent, Is.EqualTo(new[] { $"{M.tagpre.decode()}0 NOOP\r\n" }));
        mock.Verify(m => m.open(host, port, null), Times.Once);
    }

    [Test]
    public void IMAP4_is_mocked_with_Pythons_constructor_arguments()
    {
        var mock = new Mock<IMAP4>("mock.invalid", 143, null) { CallBase = true };
        AssertWorks(mock, Scripted(mock), "mock.invalid", 143);
    }

    [Test]
    public void IMAP4_SSL_is_mocked_with_Pythons_constructor_arguments()
    {
        // host, port, keyfile, certfile, ssl_context, timeout: the TLS handshake is part of the mocked open.
        var mock = new Mock<IMAP4_SSL>("mock.invalid", 993, null, null, null, null) { CallBase = true };
        AssertWorks(mock, Scripted(mock), "mock.invalid", 993);
        Assert.That(mock.Object.ssl_context, Is.Not.Null);
    }

    [Test]
    public void IMAP4_stream_is_mocked_with_Pythons_constructor_arguments()
    {
        // command, timeout: no process is started, open is mocked.
        var mock = new Mock<IMAP4_stream>("/usr/lib/dovecot/imap", null) { CallBase = true };
        AssertWorks(mock, Scripted(mock), "", 0);
        Assert.That(mock.Object.command, Is.EqualTo("/usr/lib/dovecot/imap"));
    }

    [Test]
    public void The_overload_with_options_is_mocked_too()
    {
        // (That the option bounds the greeting is CommandTimeoutTests' dripped greeting, over a real socket.)
        var mock = new Mock<IMAP4>(new ImapOptions { command_timeout = 30 }, "mock.invalid", 143, null) { CallBase = true };
        AssertWorks(mock, Scripted(mock), "mock.invalid", 143);
        Assert.That(mock.Object.command_timeout, Is.EqualTo(30));
    }

    [Test]
    public void Each_public_constructor_has_exactly_Pythons_parameters_or_options_first()
    {
        static string[][] Shapes(Type type) => type.GetConstructors()
            .Select(c => c.GetParameters().Select(p => p.Name!).ToArray()).OrderBy(p => p.Length).ToArray();
        Assert.That(Shapes(typeof(IMAP4)), Is.EqualTo(new[]
        {
            new[] { "host", "port", "timeout" },
            ["options", "host", "port", "timeout"],
        }));
        Assert.That(Shapes(typeof(IMAP4_SSL)), Is.EqualTo(new[]
        {
            new[] { "host", "port", "keyfile", "certfile", "ssl_context", "timeout" },
            ["options", "host", "port", "keyfile", "certfile", "ssl_context", "timeout"],
        }));
        Assert.That(Shapes(typeof(IMAP4_stream)), Is.EqualTo(new[]
        {
            new[] { "command", "timeout" },
            ["options", "command", "timeout"],
        }));
    }
}
