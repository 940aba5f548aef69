using System.Text;

namespace ImapLib.Tests.Unit.Protocol;

/// <summary>Known-answer vectors for the one framing rule (<see cref="ResponseFramer"/>) that the response reader and
/// IDLE's timed wait share: where the first whole response in a buffer ends, or -1 while it is incomplete.</summary>
public class ResponseFramerTests
{
    private static long Length(string wire) => ResponseFramer.WholeResponseLength(Encoding.Latin1.GetBytes(wire));

    [TestCase("* 3 EXISTS\r\n", 12)]
    [TestCase("* 3 EXISTS\r\n* 1 RECENT\r\n", 12)]
    [TestCase("* 3 EXIS", -1)]
    [TestCase("A1 OK\r\n", 7)]
    [TestCase("\r\n", 2)]
    [TestCase("* 1 FETCH (BODY[] {5}\r\nHello)\r\n", 31)]
    [TestCase("* 1 FETCH (BODY[] {5}\r\nHel", -1)]
    [TestCase("* 1 FETCH (BODY[] {5}\r\nHello", -1)]
    [TestCase("* 1 FETCH (BODY[1] {2}\r\nab BODY[2] {2}\r\ncd)\r\n", 45)]
    [TestCase("* 1 FETCH (BINARY[] ~{3}\r\n\0\xff\n)\r\n", 32)]
    [TestCase("* 1 FETCH (BODY[] {4}\r\nab\r\n\r\n)\r\n", 32)]
    [TestCase("* 1 FETCH (BODY[] {4}\r\nab\r\n\r\n", -1)]
    [TestCase("* OK [ALERT] {5}\r\nhello\r\n", 25)]
    [TestCase("* 1 FETCH (BODY[] {99999999999999}\r\nabc\r\n", -1)]
    public void The_first_whole_response_ends_here(string wire, long expected) => Assert.That(Length(wire), Is.EqualTo(expected));

    [Test]
    public void An_empty_line_after_a_literal_ends_the_response_only_outside_parentheses()
    {
        // Inside "(": the empty line is the server's CRLF after a literal that ended in CRLF; the response goes on.
        Assert.That(Length("* 1 FETCH (BODY[] {2}\r\n\r\n\r\n)\r\n"), Is.EqualTo(30));
        // Outside: the empty line is the response's end.
        Assert.That(Length("* LIST () \"/\" {2}\r\n\r\n\r\n* 2 EXISTS\r\n"), Is.EqualTo(23));
    }
}
