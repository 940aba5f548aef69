namespace ImapLib;

/// <summary>
/// Settings a connection takes at construction beyond CPython's arguments. The constructors with CPython's
/// parameters stay exactly CPython's (<c>IMAP4(host, port, timeout)</c>, so that Moq and reflection find them as
/// Python spells them); an overload takes these options first: <c>new IMAP4(new ImapOptions { command_timeout = 120 }, host)</c>.
/// </summary>
/// <remarks>Everything here is also a property of the connection, settable afterwards; setting it at construction
/// makes it apply from the start (for <see cref="command_timeout"/>: to the greeting too).</remarks>
public sealed class ImapOptions
{
    /// <summary>Options with every setting at its default (CPython's behaviour).</summary>
    public ImapOptions()
    {
    }

    /// <summary>
    /// Seconds a whole command may take (see <see cref="IMAP4.command_timeout"/>), the greeting included; null (the
    /// default, CPython's behaviour) sets no bound. Zero or a negative number raises <see cref="ArgumentException"/>
    /// when the connection is constructed.
    /// </summary>
    public double? command_timeout { get; init; }
}
