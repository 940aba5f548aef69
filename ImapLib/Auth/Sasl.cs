using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ImapLib;

/// <summary>
/// Ready-made authobjects for <see cref="IMAP4.authenticate(string, Func{byte[], byte[]})"/>: each factory
/// returns a callback that answers the server's decoded challenges for one SASL mechanism, e.g.
/// <c>M.authenticate("SCRAM-SHA-256", Sasl.ScramSha256(user, password))</c>.
/// </summary>
/// <remarks>
/// A callback keeps the state of one exchange: make a new one for every <c>authenticate</c> call.
/// A callback that finds the server at fault (SCRAM) throws <see cref="IMAP4.error"/>: <c>authenticate</c> then
/// cancels the exchange with <c>*</c>, reads the server's tagged reply so the connection stays in step, and lets
/// the error through. The connection is still usable, but its server failed to prove its identity: close it.
/// </remarks>
public static class Sasl
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// PLAIN (RFC 4616): sends <c>authzid NUL user NUL password</c> in UTF-8 in answer to the first challenge,
    /// and cancels (<c>*</c>) should the server ask anything more.
    /// </summary>
    /// <param name="user">The authentication identity.</param>
    /// <param name="password">The password, sent as it is (the server prepares it).</param>
    /// <param name="authzid">The identity to act as, or null (or empty) to act as <paramref name="user"/>.</param>
    /// <exception cref="ArgumentException">A part contains NUL or is not valid UTF-16.</exception>
    public static Func<byte[], byte[]?> Plain(string user, string password, string? authzid = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        RefuseNul(user, nameof(user));
        RefuseNul(password, nameof(password));
        if (authzid is not null) RefuseNul(authzid, nameof(authzid));
        byte[] message = Utf8($"{authzid}\0{user}\0{password}", nameof(password));
        return OneShot(message, errorReply: null, onError: null);
    }

    /// <summary>
    /// XOAUTH2 (Google, Microsoft): sends <c>user=USER^Aauth=Bearer TOKEN^A^A</c>. When the server answers with an
    /// error challenge (a JSON document) the callback gives it to <paramref name="onError"/> and sends the empty
    /// response the mechanism requires, after which the server fails the command (<see cref="IMAP4.error"/>);
    /// any further challenge is cancelled with <c>*</c>.
    /// </summary>
    /// <param name="user">The mailbox address.</param>
    /// <param name="accessToken">The OAuth 2.0 access token.</param>
    /// <param name="onError">Receives the server's error challenge as text (its JSON says why), or null.</param>
    /// <exception cref="ArgumentException">A part contains a control character.</exception>
    public static Func<byte[], byte[]?> XOAuth2(string user, string accessToken, Action<string>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(accessToken);
        RefuseControls(user, nameof(user));
        RefuseControls(accessToken, nameof(accessToken));
        byte[] message = Utf8($"user={user}\u0001auth=Bearer {accessToken}\u0001\u0001", nameof(user));
        return OneShot(message, errorReply: [], onError);
    }

    /// <summary>
    /// OAUTHBEARER (RFC 7628): sends <c>n,a=USER,^Ahost=HOST^Aport=PORT^Aauth=Bearer TOKEN^A^A</c> (host and port
    /// only when given). When the server answers with an error challenge (a JSON document) the callback gives it
    /// to <paramref name="onError"/> and sends the <c>^A</c> the RFC requires, after which the server fails the
    /// command (<see cref="IMAP4.error"/>); any further challenge is cancelled with <c>*</c>.
    /// </summary>
    /// <param name="user">The authorization identity (<c>a=</c>; "=" and "," are escaped), or empty to send none.</param>
    /// <param name="accessToken">The OAuth 2.0 bearer token.</param>
    /// <param name="host">The host name the client connected to, or null.</param>
    /// <param name="port">The port the client connected to, or null.</param>
    /// <param name="onError">Receives the server's error challenge as text (its JSON says why), or null.</param>
    /// <exception cref="ArgumentException">A part contains a control character.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is not 0 to 65535.</exception>
    public static Func<byte[], byte[]?> OAuthBearer(string user, string accessToken, string? host = null, int? port = null,
        Action<string>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(accessToken);
        RefuseControls(user, nameof(user));
        RefuseControls(accessToken, nameof(accessToken));
        if (host is not null) RefuseControls(host, nameof(host));
        if (port is { } p) ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)p, 65535u, nameof(port));
        var text = new StringBuilder("n,");
        if (user.Length > 0) text.Append("a=").Append(EscapeSaslName(user));
        text.Append(",\u0001");
        if (host is not null) text.Append("host=").Append(host).Append('\u0001');
        if (port is not null) text.Append("port=").Append(port.Value.ToString(CultureInfo.InvariantCulture)).Append('\u0001');
        text.Append("auth=Bearer ").Append(accessToken).Append("\u0001\u0001");
        return OneShot(Utf8(text.ToString(), nameof(user)), errorReply: [0x01], onError);
    }

    /// <summary>
    /// SCRAM-SHA-1 (RFC 5802), without channel binding. The result converts to the callback
    /// <c>authenticate</c> takes; keep it to read <see cref="ScramAuthenticator.ServerVerified"/> afterwards.
    /// </summary>
    /// <param name="user">The user name (SASLprepared; "=" and "," are escaped as =3D and =2C).</param>
    /// <param name="password">The password (SASLprepared when it can be, used as it is otherwise).</param>
    /// <param name="nonce">The client nonce: printable ASCII without ",". Null (the default) draws 24 random bytes;
    /// give one only to reproduce a known exchange.</param>
    /// <param name="maxIterations">The largest iteration count accepted from the server: a bigger one would let a
    /// server make the client burn CPU.</param>
    /// <param name="minIterations">The smallest iteration count accepted: a smaller one would make the proof the
    /// client sends cheap to attack offline (RFC 7677 asks for at least 4096).</param>
    /// <exception cref="ArgumentException">The user name is empty or contains NUL, or the nonce is not printable.</exception>
    public static ScramAuthenticator ScramSha1(string user, string password, string? nonce = null,
        int maxIterations = ScramAuthenticator.DefaultMaxIterations, int minIterations = ScramAuthenticator.DefaultMinIterations) =>
        new(HashAlgorithmName.SHA1, user, password, nonce, maxIterations, minIterations);

    /// <summary>
    /// SCRAM-SHA-256 (RFC 7677), without channel binding. The result converts to the callback
    /// <c>authenticate</c> takes; keep it to read <see cref="ScramAuthenticator.ServerVerified"/> afterwards.
    /// </summary>
    /// <param name="user">The user name (SASLprepared; "=" and "," are escaped as =3D and =2C).</param>
    /// <param name="password">The password (SASLprepared when it can be, used as it is otherwise).</param>
    /// <param name="nonce">The client nonce: printable ASCII without ",". Null (the default) draws 24 random bytes;
    /// give one only to reproduce a known exchange.</param>
    /// <param name="maxIterations">The largest iteration count accepted from the server: a bigger one would let a
    /// server make the client burn CPU.</param>
    /// <param name="minIterations">The smallest iteration count accepted: a smaller one would make the proof the
    /// client sends cheap to attack offline (RFC 7677 asks for at least 4096).</param>
    /// <exception cref="ArgumentException">The user name is empty or contains NUL, or the nonce is not printable.</exception>
    public static ScramAuthenticator ScramSha256(string user, string password, string? nonce = null,
        int maxIterations = ScramAuthenticator.DefaultMaxIterations, int minIterations = ScramAuthenticator.DefaultMinIterations) =>
        new(HashAlgorithmName.SHA256, user, password, nonce, maxIterations, minIterations);

    /// <summary>
    /// SASLprep (RFC 4013): maps the non-ASCII spaces to SPACE, removes the characters "commonly mapped to
    /// nothing", normalizes to NFKC and refuses the prohibited characters (controls, private use, non-characters,
    /// surrogates, tagging and directional marks...). Unassigned code points are let through (a query string), and
    /// the bidirectional rule is not checked.
    /// </summary>
    /// <param name="value">The string to prepare.</param>
    /// <returns>The prepared string.</returns>
    /// <exception cref="ArgumentException"><paramref name="value"/> contains a prohibited character or a lone surrogate.</exception>
    public static string SaslPrep(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var mapped = new StringBuilder(value.Length);
        foreach (Rune rune in Runes(value))
        {
            if (MappedToNothing(rune.Value)) continue;
            if (NonAsciiSpace(rune.Value)) mapped.Append(' ');
            else mapped.Append(rune.ToString());
        }
        string normalized = mapped.ToString().Normalize(NormalizationForm.FormKC);
        foreach (Rune rune in Runes(normalized))
        {
            if (Prohibited(rune.Value))
                throw new ArgumentException($"SASLprep: prohibited character U+{rune.Value:X4}", nameof(value));
        }
        return normalized;
    }

    // ---- Helpers ----------------------------------------------------------------------------------------

    /// <summary>A callback that sends <paramref name="message"/> first; then, when <paramref name="errorReply"/>
    /// is given, answers one error challenge with it; and cancels whatever else comes.</summary>
    private static Func<byte[], byte[]?> OneShot(byte[] message, byte[]? errorReply, Action<string>? onError)
    {
        int step = 0;
        return challenge =>
        {
            switch (step++)
            {
                case 0:
                    return (byte[])message.Clone();
                case 1 when errorReply is not null:
                    onError?.Invoke(Encoding.UTF8.GetString(challenge));
                    return (byte[])errorReply.Clone();
                default:
                    return null;
            }
        };
    }

    internal static byte[] Utf8(string text, string paramName)
    {
        try
        {
            return StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("not valid UTF-16 (a lone surrogate)", paramName, e);
        }
    }

    private static void RefuseNul(string value, string paramName)
    {
        if (value.Contains('\0')) throw new ArgumentException("must not contain NUL", paramName);
    }

    private static void RefuseControls(string value, string paramName)
    {
        foreach (char c in value)
        {
            if (c < 0x20 || c == 0x7f) throw new ArgumentException($"must not contain control characters (found U+{(int)c:X4})", paramName);
        }
    }

    /// <summary>RFC 5802's saslname: "=" becomes =3D and "," becomes =2C.</summary>
    internal static string EscapeSaslName(string name) => name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);

    private static IEnumerable<Rune> Runes(string value)
    {
        int i = 0;
        while (i < value.Length)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out Rune rune, out int used) != System.Buffers.OperationStatus.Done)
                throw new ArgumentException("SASLprep: lone surrogate", nameof(value));
            yield return rune;
            i += used;
        }
    }

    // RFC 3454 table B.1.
    private static bool MappedToNothing(int c) =>
        c is 0x00AD or 0x034F or 0x1806 or (>= 0x180B and <= 0x180D) or (>= 0x200B and <= 0x200D) or 0x2060
            or (>= 0xFE00 and <= 0xFE0F) or 0xFEFF;

    // RFC 3454 table C.1.2.
    private static bool NonAsciiSpace(int c) =>
        c is 0x00A0 or 0x1680 or (>= 0x2000 and <= 0x200B) or 0x202F or 0x205F or 0x3000;

    // RFC 4013 section 2.3: tables C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9.
    private static bool Prohibited(int c) =>
        NonAsciiSpace(c)
        || c < 0x20 || c is >= 0x7F and <= 0x9F                                                  // C.2.1, C.2.2
        || c is 0x06DD or 0x070F or 0x180E or 0x200C or 0x200D or 0x2028 or 0x2029
            or (>= 0x2060 and <= 0x2063) or (>= 0x206A and <= 0x206F) or 0xFEFF
            or (>= 0xFFF9 and <= 0xFFFC) or (>= 0x1D173 and <= 0x1D17A)                           // C.2.2
        || c is (>= 0xE000 and <= 0xF8FF) or (>= 0xF0000 and <= 0xFFFFD) or (>= 0x100000 and <= 0x10FFFD)   // C.3
        || c is >= 0xFDD0 and <= 0xFDEF || (c & 0xFFFE) == 0xFFFE                                 // C.4
        || c is >= 0xD800 and <= 0xDFFF                                                           // C.5
        || c is >= 0xFFF9 and <= 0xFFFD                                                           // C.6
        || c is >= 0x2FF0 and <= 0x2FFB                                                           // C.7
        || c is 0x0340 or 0x0341 or 0x200E or 0x200F or (>= 0x202A and <= 0x202E)                 // C.8
        || c is 0xE0001 or (>= 0xE0020 and <= 0xE007F);                                           // C.9
}

/// <summary>
/// The client side of one SCRAM exchange (RFC 5802, RFC 7677), made by <see cref="Sasl.ScramSha1"/> or
/// <see cref="Sasl.ScramSha256"/>. It converts to the callback <see cref="IMAP4.authenticate(string, Func{byte[], byte[]})"/>
/// takes, and afterwards tells whether the server proved that it knows the password.
/// </summary>
/// <remarks>
/// <see cref="IMAP4.error"/> is thrown out of <c>authenticate</c> when the server's messages are malformed, its
/// nonce does not extend the client's, its iteration count is out of bounds, it reports an error (<c>e=</c>) or
/// its signature (<c>v=</c>) is wrong: the server is then not the one it claims to be (the exchange is cancelled
/// with <c>*</c>, so the connection stays in step, but it should be closed). A server that answers OK without
/// sending its signature at all is refused by <c>authenticate</c> too, however the callback is wrapped: the
/// exchange registers itself when it sends its proof, and <c>authenticate</c> checks what registered.
/// </remarks>
public sealed class ScramAuthenticator
{
    /// <summary>The default largest iteration count accepted from the server.</summary>
    public const int DefaultMaxIterations = 100_000;

    /// <summary>The default smallest iteration count accepted from the server (RFC 7677's minimum).</summary>
    public const int DefaultMinIterations = 4096;

    private const string Gs2Header = "n,,";

    private readonly HashAlgorithmName _hash;
    private readonly string _user;
    private readonly byte[] _password;
    private readonly string _clientNonce;
    private readonly int _maxIterations;
    private readonly int _minIterations;
    private int _step;
    private string _clientFirstBare = "";
    private byte[]? _expectedServerSignature;

    internal ScramAuthenticator(HashAlgorithmName hash, string user, string password, string? nonce, int maxIterations, int minIterations)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(minIterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, minIterations);
        _hash = hash;
        Mechanism = hash == HashAlgorithmName.SHA1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";
        string prepared = PrepareOrKeep(user);
        if (prepared.Length == 0) throw new ArgumentException("the user name must not be empty", nameof(user));
        if (prepared.Contains('\0')) throw new ArgumentException("the user name must not contain NUL", nameof(user));
        _user = Sasl.EscapeSaslName(prepared);
        Sasl.Utf8(_user, nameof(user));
        _password = Sasl.Utf8(PrepareOrKeep(password), nameof(password));
        if (nonce is null)
        {
            _clientNonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        }
        else
        {
            if (!IsPrintable(nonce)) throw new ArgumentException("the nonce must be printable ASCII without ','", nameof(nonce));
            _clientNonce = nonce;
        }
        _maxIterations = maxIterations;
        _minIterations = minIterations;
    }

    /// <summary>The SCRAM exchange on this thread that sent its proof in the current <c>authenticate</c> call, so
    /// that the server's signature is checked even when the caller wraps <see cref="Respond"/> in a lambda.</summary>
    [ThreadStatic]
    internal static ScramAuthenticator? AwaitingServerProof;

    /// <summary>The mechanism name to pass to <c>authenticate</c>: SCRAM-SHA-1 or SCRAM-SHA-256.</summary>
    public string Mechanism { get; }

    /// <summary>True once the server's final message carried the right signature: the server knows the password
    /// (or its SCRAM keys). False until then, and for good if the server said OK without sending it.</summary>
    public bool ServerVerified { get; private set; }

    /// <summary>The callback <c>authenticate</c> takes: <see cref="Respond"/>.</summary>
    /// <param name="scram">The exchange.</param>
    public static implicit operator Func<byte[], byte[]?>(ScramAuthenticator scram)
    {
        ArgumentNullException.ThrowIfNull(scram);
        return scram.Respond;
    }

    /// <summary>
    /// Answers one decoded challenge: the client-first message to the first, the client-final message (with the
    /// proof) to the server-first message, and an empty response to a verified server-final message. A challenge
    /// after that is cancelled (null).
    /// </summary>
    /// <param name="challenge">The server's challenge, decoded.</param>
    /// <returns>The response (the library base64-encodes it), or null to cancel.</returns>
    /// <exception cref="IMAP4.error">The server's message is malformed or wrong (see the class remarks).</exception>
    public byte[]? Respond(byte[] challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        switch (_step++)
        {
            case 0:
                _clientFirstBare = $"n={_user},r={_clientNonce}";
                return Encoding.UTF8.GetBytes(Gs2Header + _clientFirstBare);
            case 1:
                // From here on the server owes a signature; authenticate() checks it was given.
                AwaitingServerProof = this;
                return ClientFinal(challenge);
            case 2:
                VerifyServerFinal(challenge);
                return [];
            default:
                return null;
        }
    }

    private byte[] ClientFinal(byte[] challenge)
    {
        string serverFirst = Text(challenge, "server-first");
        string[] parts = serverFirst.Split(',');
        if (parts[0].StartsWith("m=", StringComparison.Ordinal))
            throw Fail($"server-first message demands an unsupported extension: {serverFirst}");
        if (parts.Length < 3 || !parts[0].StartsWith("r=", StringComparison.Ordinal) || !parts[1].StartsWith("s=", StringComparison.Ordinal)
            || !parts[2].StartsWith("i=", StringComparison.Ordinal))
            throw Fail($"malformed server-first message: {serverFirst}");
        string nonce = parts[0][2..];
        if (!IsPrintable(nonce) || nonce.Length <= _clientNonce.Length || !nonce.StartsWith(_clientNonce, StringComparison.Ordinal))
            throw Fail("the server nonce does not extend the client nonce");
        byte[] salt;
        try
        {
            salt = Convert.FromBase64String(parts[1][2..]);
        }
        catch (FormatException)
        {
            throw Fail($"malformed salt in server-first message: {serverFirst}");
        }
        if (salt.Length == 0) throw Fail("empty salt in server-first message");
        string count = parts[2][2..];
        if (count.Length == 0 || !count.All(char.IsAsciiDigit) || (count.Length > 1 && count[0] == '0'))
            throw Fail($"malformed iteration count in server-first message: {serverFirst}");
        if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int iterations) || iterations > _maxIterations)
            throw Fail($"the server asks for {count} iterations, more than the {_maxIterations} allowed (maxIterations)");
        if (iterations < _minIterations)
            throw Fail($"the server asks for {count} iterations, fewer than the {_minIterations} required (minIterations)");

        int size = _hash == HashAlgorithmName.SHA1 ? 20 : 32;
        byte[] salted = Rfc2898DeriveBytes.Pbkdf2(_password, salt, iterations, _hash, size);
        byte[] clientKey = Hmac(salted, "Client Key"u8);
        byte[] storedKey = _hash == HashAlgorithmName.SHA1 ? SHA1.HashData(clientKey) : SHA256.HashData(clientKey);
        string withoutProof = $"c={Convert.ToBase64String(Encoding.ASCII.GetBytes(Gs2Header))},r={nonce}";
        byte[] authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{serverFirst},{withoutProof}");
        byte[] proof = Hmac(storedKey, authMessage);
        for (int i = 0; i < proof.Length; i++) proof[i] ^= clientKey[i];
        _expectedServerSignature = Hmac(Hmac(salted, "Server Key"u8), authMessage);
        CryptographicOperations.ZeroMemory(salted);
        CryptographicOperations.ZeroMemory(clientKey);
        return Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}");
    }

    private void VerifyServerFinal(byte[] challenge)
    {
        string serverFinal = Text(challenge, "server-final");
        string first = serverFinal.Split(',')[0];
        if (first.StartsWith("e=", StringComparison.Ordinal))
            throw Fail($"the server reports an error: {first[2..]}");
        if (!first.StartsWith("v=", StringComparison.Ordinal))
            throw Fail($"malformed server-final message: {serverFinal}");
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(first[2..]);
        }
        catch (FormatException)
        {
            throw Fail($"malformed server signature: {serverFinal}");
        }
        if (!CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
            throw Fail("the server signature is wrong: the server does not know the password");
        ServerVerified = true;
    }

    private byte[] Hmac(byte[] key, ReadOnlySpan<byte> data) =>
        _hash == HashAlgorithmName.SHA1 ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);

    private IMAP4.error Fail(string why) => new($"{Mechanism}: {why}");

    private string Text(byte[] challenge, string what)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(challenge);
        }
        catch (DecoderFallbackException)
        {
            throw Fail($"the {what} message is not UTF-8");
        }
    }

    private static string PrepareOrKeep(string value)
    {
        try
        {
            return Sasl.SaslPrep(value);
        }
        catch (ArgumentException)
        {
            return value;   // as PostgreSQL's libpq does: what cannot be prepared is used as it is
        }
    }

    private static bool IsPrintable(string value) => value.Length > 0 && value.All(c => c is >= '!' and <= '~' and not ',');
}
