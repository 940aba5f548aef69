using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImapLib;

/// <summary>
/// A Python <c>bytes</c> value: an immutable byte string that compares by content (<c>==</c>, <c>Equals</c>,
/// <c>GetHashCode</c>), prints as Python's <c>repr</c> (<c>b'1 2 3'</c>) and has the bytes methods imaplib scripts
/// call (<c>decode</c>, <c>split</c>, <c>startswith</c>, <c>strip</c>, <c>find</c>, <c>in</c>, slicing, <c>int(x)</c>).
/// </summary>
/// <remarks>
/// <para>What <c>data[0].split()</c> and <c>M.readline().split()</c> give, so that a ported <c>if num == last:</c>
/// compares the numbers and not two array references (which is what <c>==</c> on two <c>byte[]</c> does, always
/// false for equal but distinct arrays: the one trap of byte arrays this type removes).</para>
/// <para>It converts implicitly to and from <c>byte[]</c> and to <c>ReadOnlySpan&lt;byte&gt;</c> (so
/// <c>int.Parse(num)</c> parses it, as Python's <c>int(num)</c> does), and from a <c>u8</c> literal:
/// <c>line == "* OK"u8</c>. Wrapping an array does not copy it; converting back gives that same array, which the
/// caller must then not change (Python's bytes are immutable). A <c>default</c> value is the empty byte string.</para>
/// </remarks>
[JsonConverter(typeof(PyBytesJsonConverter))]
public readonly struct PyBytes : IEquatable<PyBytes>, IReadOnlyList<byte>
{
    private readonly byte[]? _value;

    /// <summary>Wraps <paramref name="value"/> without copying it.</summary>
    public PyBytes(byte[] value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>A byte string holding a copy of <paramref name="value"/>.</summary>
    public PyBytes(ReadOnlySpan<byte> value) => _value = value.ToArray();

    private byte[] Value => _value ?? [];

    /// <summary>Python's <c>len(b)</c>.</summary>
    public int Length => Value.Length;

    int IReadOnlyCollection<byte>.Count => Value.Length;

    /// <summary>Python's <c>b[i]</c>, a byte (Python gives an int); a negative index counts from the end, as in
    /// Python (<c>b[-1]</c>, or C#'s <c>b[^1]</c>).</summary>
    public byte this[int index] => Value[PyIndex.Of(index, Value.Length)];

    /// <summary>Python's slice <c>b[1:3]</c>, written <c>b[1..3]</c> (<c>b[:100]</c> is <c>b[..100]</c>, <c>b[-2:]</c> is
    /// <c>b[^2..]</c>); a new byte string, cut down to the bytes there are as Python's is, never out of range.</summary>
    public PyBytes this[Range range]
    {
        get
        {
            var (start, length) = PyIndex.Slice(range, Value.Length);
            return new(Value.AsSpan(start, length));
        }
    }

    /// <summary>The bytes as a span, without copying.</summary>
    public ReadOnlySpan<byte> AsSpan() => Value;

    /// <summary>The wrapped array (not a copy).</summary>
    public byte[] ToArray() => Value;

    /// <summary>Wraps an array without copying it.</summary>
    public static implicit operator PyBytes(byte[] value) => new(value);

    /// <summary>The wrapped array (not a copy).</summary>
    public static implicit operator byte[](PyBytes value) => value.Value;

    /// <summary>The bytes as a span, e.g. for <c>int.Parse(num)</c> or <c>Encoding.UTF8.GetString(num)</c>.</summary>
    public static implicit operator ReadOnlySpan<byte>(PyBytes value) => value.Value;

    /// <summary>A copy of a span, e.g. of a <c>u8</c> literal: <c>line == "* OK\r\n"u8</c>.</summary>
    public static implicit operator PyBytes(ReadOnlySpan<byte> value) => new(value);

    /// <summary>Python's <c>int(b)</c>: the decimal number the bytes spell (white space around it allowed).</summary>
    /// <exception cref="FormatException">The bytes are not a decimal number (Python: ValueError).</exception>
    public static explicit operator int(PyBytes value) => int.Parse(value.AsSpan(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>Python's <c>int(b)</c> for numbers past 2³¹ (UIDs and sizes can be).</summary>
    public static explicit operator long(PyBytes value) => long.Parse(value.AsSpan(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>Python's <c>a == b</c>: the same bytes.</summary>
    public static bool operator ==(PyBytes left, PyBytes right) => left.Equals(right);

    /// <summary>Python's <c>a != b</c>.</summary>
    public static bool operator !=(PyBytes left, PyBytes right) => !left.Equals(right);

    /// <summary>Python's <c>b == b'...'</c> written with a <c>u8</c> literal: <c>line == "* OK"u8</c>.</summary>
    public static bool operator ==(PyBytes left, ReadOnlySpan<byte> right) => left.AsSpan().SequenceEqual(right);

    /// <summary>Python's <c>b != b'...'</c> written with a <c>u8</c> literal.</summary>
    public static bool operator !=(PyBytes left, ReadOnlySpan<byte> right) => !left.AsSpan().SequenceEqual(right);

    /// <summary>Python's <c>b'...' == b</c> written with a <c>u8</c> literal.</summary>
    public static bool operator ==(ReadOnlySpan<byte> left, PyBytes right) => right.AsSpan().SequenceEqual(left);

    /// <summary>Python's <c>b'...' != b</c> written with a <c>u8</c> literal.</summary>
    public static bool operator !=(ReadOnlySpan<byte> left, PyBytes right) => !right.AsSpan().SequenceEqual(left);

    /// <summary>Python's <c>a + b</c>.</summary>
    public static PyBytes operator +(PyBytes left, PyBytes right) => new([.. left.Value, .. right.Value]);

    /// <inheritdoc/>
    public bool Equals(PyBytes other) => Value.AsSpan().SequenceEqual(other.Value);

    /// <summary>Equal to another <see cref="PyBytes"/>, a <c>byte[]</c> or a byte-string <see cref="ImapItem"/> with
    /// the same bytes.</summary>
    public override bool Equals(object? obj) => obj switch
    {
        PyBytes other => Equals(other),
        byte[] array => Value.AsSpan().SequenceEqual(array),
        ImapItem item => item == AsSpan(),
        _ => false,
    };

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Value);
        return hash.ToHashCode();
    }

    /// <summary>Python's <c>repr(b)</c>: <c>b'...'</c> with Python's quote choice and escapes.</summary>
    public override string ToString() => PyRepr.Of(Value);

    /// <summary>Python's <c>b.decode()</c>: strict UTF-8.</summary>
    /// <exception cref="DecoderFallbackException">The bytes are not valid UTF-8 (Python: UnicodeDecodeError, a
    /// ValueError; this is an <see cref="ArgumentException"/>), with Python's message.</exception>
    public string decode() => decode("utf-8", "strict");

    /// <summary>Python's <c>b.decode(encoding)</c>, strict: the encodings imaplib uses (<c>"ascii"</c>, <c>"utf-8"</c>,
    /// <c>"latin-1"</c>), <c>"utf-16"</c>/<c>"utf-32"</c>/<c>"utf-8-sig"</c> with Python's byte-order-mark rules, and
    /// any other name .NET knows.</summary>
    /// <exception cref="DecoderFallbackException">A byte the encoding cannot decode (Python: UnicodeDecodeError).</exception>
    /// <exception cref="ArgumentException">An encoding .NET does not know (Python: LookupError).</exception>
    public string decode(string encoding) => decode(encoding, "strict");

    /// <summary>Python's <c>b.decode(encoding, errors)</c>: <c>"strict"</c> raises on a byte the encoding cannot decode,
    /// <c>"replace"</c> puts U+FFFD in its place, <c>"ignore"</c> drops it.</summary>
    /// <exception cref="DecoderFallbackException">With <c>"strict"</c>, a byte the encoding cannot decode.</exception>
    /// <exception cref="ArgumentException">An unknown encoding or error handler (Python: LookupError).</exception>
    public string decode(string encoding, string errors)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        if (errors is not ("strict" or "replace" or "ignore"))
            throw new ArgumentException($"unknown error handler name '{errors}'", nameof(errors));
        Encoding With(Encoding e) => Decoders.GetOrAdd((e.WebName, errors), static (key, e) =>
        {
            var copy = (Encoding)e.Clone();
            copy.DecoderFallback = key.errors switch
            {
                "strict" => DecoderFallback.ExceptionFallback,
                "replace" => new DecoderReplacementFallback("\uFFFD"),
                _ => new DecoderReplacementFallback(""),
            };
            return copy;
        }, e);
        ReadOnlySpan<byte> bytes = Value;
        try
        {
            return encoding.ToLowerInvariant() switch
            {
                "utf-8" or "utf8" => With(Encoding.UTF8).GetString(bytes),
                "latin-1" or "latin1" or "iso-8859-1" => Encoding.Latin1.GetString(bytes),   // every byte is a character
                "ascii" or "us-ascii" => With(Encoding.ASCII).GetString(bytes),
                // Python reads a byte-order mark for these (and drops it); without one, little-endian.
                "utf-16" or "utf16" => WithByteOrderMark(bytes, [0xFF, 0xFE], [0xFE, 0xFF], With(Encoding.Unicode), With(Encoding.BigEndianUnicode)),
                "utf-32" or "utf32" => WithByteOrderMark(bytes, [0xFF, 0xFE, 0, 0], [0, 0, 0xFE, 0xFF], With(Encoding.UTF32), With(new UTF32Encoding(bigEndian: true, byteOrderMark: false))),
                "utf-8-sig" => With(Encoding.UTF8).GetString(bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes),
                _ => With(Encoding.GetEncoding(encoding)).GetString(bytes),
            };
        }
        catch (DecoderFallbackException e) when (e.BytesUnknown is { Length: > 0 } unknown)
        {
            // Python's wording, so that a ported script's error output reads the same.
            throw new DecoderFallbackException(
                $"'{encoding}' codec can't decode byte 0x{unknown[0]:x2} in position {Math.Max(e.Index, 0)}", unknown, e.Index);
        }
    }

    /// <summary>Each encoding with each error handler, made once: <c>decode()</c> runs once per message in scripts.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string name, string errors), Encoding> Decoders = new();

    private static string WithByteOrderMark(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> little, ReadOnlySpan<byte> big, Encoding littleEndian, Encoding bigEndian) =>
        bytes.StartsWith(little) ? littleEndian.GetString(bytes[little.Length..])
        : bytes.StartsWith(big) ? bigEndian.GetString(bytes[big.Length..])
        : littleEndian.GetString(bytes);

    /// <summary>Python's <c>b.split()</c>: the runs of non-white-space bytes (ASCII white space separates).</summary>
    public PyList<PyBytes> split()
    {
        var bytes = Value;
        var parts = new PyList<PyBytes>();
        int i = 0;
        while (i < bytes.Length)
        {
            while (i < bytes.Length && IsSpace(bytes[i])) i++;
            int start = i;
            while (i < bytes.Length && !IsSpace(bytes[i])) i++;
            if (i > start) parts.Add(new PyBytes(bytes[start..i]));
        }
        return parts;
    }

    /// <summary>Python's <c>b.split(sep)</c>: every piece between occurrences of <paramref name="sep"/>.</summary>
    public PyList<PyBytes> split(PyBytes sep)
    {
        if (sep.Length == 0) throw new ArgumentException("empty separator", nameof(sep));
        var parts = new PyList<PyBytes>();
        ReadOnlySpan<byte> rest = Value;
        int at;
        while ((at = rest.IndexOf(sep.AsSpan())) >= 0)
        {
            parts.Add(new PyBytes(rest[..at]));
            rest = rest[(at + sep.Length)..];
        }
        parts.Add(new PyBytes(rest));
        return parts;
    }

    /// <summary>Python's <c>b.split(sep)</c> with a text separator, encoded as UTF-8.</summary>
    public PyList<PyBytes> split(string sep)
    {
        ArgumentException.ThrowIfNullOrEmpty(sep);
        return split(new PyBytes(Encoding.UTF8.GetBytes(sep)));
    }

    /// <summary>Python's <c>b.startswith(prefix)</c>.</summary>
    public bool startswith(PyBytes prefix) => Value.AsSpan().StartsWith(prefix.AsSpan());

    /// <summary>Python's <c>b.endswith(suffix)</c>.</summary>
    public bool endswith(PyBytes suffix) => Value.AsSpan().EndsWith(suffix.AsSpan());

    /// <summary>Python's <c>b.find(sub)</c>: the first index of <paramref name="sub"/>, or -1.</summary>
    public int find(PyBytes sub) => Value.AsSpan().IndexOf(sub.AsSpan());

    /// <summary>Python's <c>sub in b</c>.</summary>
    public bool Contains(PyBytes sub) => find(sub) >= 0;

    /// <summary>Python's <c>b.strip()</c>: without leading and trailing ASCII white space.</summary>
    public PyBytes strip() => rstrip().lstrip();

    /// <summary>Python's <c>b.lstrip()</c>.</summary>
    public PyBytes lstrip()
    {
        int start = 0;
        while (start < Length && IsSpace(Value[start])) start++;
        return start == 0 ? this : this[start..];
    }

    /// <summary>Python's <c>b.rstrip()</c>.</summary>
    public PyBytes rstrip()
    {
        int end = Length;
        while (end > 0 && IsSpace(Value[end - 1])) end--;
        return end == Length ? this : this[..end];
    }

    /// <summary>Python's <c>b.upper()</c> (ASCII letters only, as Python's bytes).</summary>
    public PyBytes upper() => new(Array.ConvertAll(Value, b => b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b));

    /// <summary>Python's <c>b.lower()</c> (ASCII letters only).</summary>
    public PyBytes lower() => new(Array.ConvertAll(Value, b => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b));

    /// <summary>Python's <c>b.isdigit()</c>: not empty, and ASCII digits only.</summary>
    public bool isdigit() => Length > 0 && Value.AsSpan().IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    /// <summary>Python's <c>b.hex()</c>: lower-case hexadecimal digits.</summary>
    public string hex() => Convert.ToHexStringLower(Value);

    /// <summary>Python's <c>sep.join(parts)</c>: <c>b",".join(nums)</c> is <c>PyBytes.join(",", nums)</c>.</summary>
    public static PyBytes join(PyBytes sep, IEnumerable<PyBytes> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var result = new List<byte>();
        bool first = true;
        foreach (var part in parts)
        {
            if (!first) result.AddRange(sep.Value);
            result.AddRange(part.Value);
            first = false;
        }
        return new PyBytes(result.ToArray());
    }

    /// <summary>Python's <c>sep.join(parts)</c> with a text separator.</summary>
    public static PyBytes join(string sep, IEnumerable<PyBytes> parts) => join(new PyBytes(Encoding.UTF8.GetBytes(sep)), parts);

    /// <summary>Iterates the bytes (Python iterates a bytes value by its byte values).</summary>
    public IEnumerator<byte> GetEnumerator() => ((IEnumerable<byte>)Value).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0b or 0x0c;
}

/// <summary>
/// Python's bytes methods on the <c>byte[]</c> that the transport hooks and <see cref="ImapItem.Bytes"/> give
/// (<c>M.readline().split()</c>, <c>line.startswith(...)</c>): each is <see cref="PyBytes"/>'s method.
/// </summary>
public static class PyBytesExtensions
{
    /// <summary>Python's <c>bytes.split()</c>; see <see cref="PyBytes.split()"/>.</summary>
    public static PyList<PyBytes> split(this byte[] bytes) => new PyBytes(bytes).split();

    /// <summary>Python's <c>bytes.split(sep)</c>; see <see cref="PyBytes.split(string)"/>.</summary>
    public static PyList<PyBytes> split(this byte[] bytes, string sep) => new PyBytes(bytes).split(sep);

    /// <summary>Python's <c>bytes.decode()</c>: strict UTF-8; see <see cref="PyBytes.decode()"/>.</summary>
    public static string decode(this byte[] bytes) => new PyBytes(bytes).decode();

    /// <summary>Python's <c>bytes.decode(encoding)</c>; see <see cref="PyBytes.decode(string)"/>.</summary>
    public static string decode(this byte[] bytes, string encoding) => new PyBytes(bytes).decode(encoding);

    /// <summary>Python's <c>bytes.decode(encoding, errors)</c>; see <see cref="PyBytes.decode(string, string)"/>.</summary>
    public static string decode(this byte[] bytes, string encoding, string errors) => new PyBytes(bytes).decode(encoding, errors);

    /// <summary>Python's <c>bytes.startswith(prefix)</c>.</summary>
    public static bool startswith(this byte[] bytes, PyBytes prefix) => new PyBytes(bytes).startswith(prefix);

    /// <summary>Python's <c>bytes.endswith(suffix)</c>.</summary>
    public static bool endswith(this byte[] bytes, PyBytes suffix) => new PyBytes(bytes).endswith(suffix);

    /// <summary>Python's <c>bytes.strip()</c>.</summary>
    public static PyBytes strip(this byte[] bytes) => new PyBytes(bytes).strip();

    /// <summary>Python's <c>bytes.find(sub)</c>.</summary>
    public static int find(this byte[] bytes, PyBytes sub) => new PyBytes(bytes).find(sub);

    /// <summary>Python's <c>bytes.hex()</c>: lower-case hexadecimal digits.</summary>
    public static string hex(this byte[] bytes) => new PyBytes(bytes).hex();
}

/// <summary>JSON for a byte string: base64, as System.Text.Json writes a <c>byte[]</c>.</summary>
internal sealed class PyBytesJsonConverter : JsonConverter<PyBytes>
{
    public override PyBytes Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetBytesFromBase64());

    public override void Write(Utf8JsonWriter writer, PyBytes value, JsonSerializerOptions options) =>
        writer.WriteBase64StringValue(value.AsSpan());
}
