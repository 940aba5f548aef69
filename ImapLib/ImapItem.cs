using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImapLib;

/// <summary>
/// One element of the <c>data</c> list that every command returns: Python's three cases kept apart,
/// byte-exact. It is either a byte string (<see cref="IsBytes"/>), a <c>(header, literal)</c> pair
/// (<see cref="IsPair"/>), or a nested list (<see cref="IsList"/>, as in <c>getquotaroot</c>).
/// Python's <c>None</c> is C#'s <see langword="null"/> in the surrounding list.
/// </summary>
/// <remarks>
/// The members mirror what Python code does with these values so that scripts port line for line:
/// <c>data[0].split()</c>, <c>data[0][1]</c>, <c>len(x)</c> as <see cref="Length"/>, <c>x.decode()</c>,
/// and <c>isinstance(part, tuple)</c> as the positional pattern <c>part is (byte[] header, byte[] body)</c>.
/// An item converts implicitly to <c>byte[]</c> wherever a byte string is expected.
/// Nothing the library produces throws when converted, enumerated, printed or serialised to JSON: a pair converts
/// to its literal, a list to its elements joined by a space; a byte string enumerates as one-byte items (Python's
/// <c>b[i:i+1]</c>), which enumerate as nothing, so a recursive walk always ends; JSON holds byte strings as base64 (as System.Text.Json writes <c>byte[]</c>), a pair as
/// <c>{"header": ..., "literal": ...}</c> and a list as an array.
/// </remarks>
[JsonConverter(typeof(ImapItemJsonConverter))]
public sealed class ImapItem : IEquatable<ImapItem>, IEnumerable<ImapItem?>
{
    private readonly byte[]? _bytes;
    private readonly byte[]? _header;
    private readonly byte[]? _body;
    private readonly IReadOnlyList<ImapItem?>? _items;
    // A one-byte item made by enumerating a byte string: it enumerates as nothing, so that a walk that recurses
    // into everything enumerable ends (Python's bytes iterate as ints, which iterate no further).
    private readonly bool _leaf;

    private ImapItem(byte[]? bytes, byte[]? header, byte[]? body, IReadOnlyList<ImapItem?>? items, bool leaf = false)
    {
        _bytes = bytes;
        _header = header;
        _body = body;
        _items = items;
        _leaf = leaf;
    }

    /// <summary>A byte-string item holding <paramref name="bytes"/> (not copied).</summary>
    public static ImapItem FromBytes(byte[] bytes) => new(bytes ?? throw new ArgumentNullException(nameof(bytes)), null, null, null);

    /// <summary>A byte-string item holding the ASCII/UTF-8 bytes of <paramref name="text"/>.</summary>
    public static ImapItem FromString(string text) => FromBytes(Encoding.UTF8.GetBytes(text));

    /// <summary>A <c>(header, literal)</c> pair, Python's 2-tuple for a response that carried a literal.</summary>
    public static ImapItem Pair(byte[] header, byte[] body) =>
        new(null, header ?? throw new ArgumentNullException(nameof(header)), body ?? throw new ArgumentNullException(nameof(body)), null);

    /// <summary>A nested list item (Python returns lists inside <c>data</c> for <c>getquotaroot</c>).</summary>
    public static ImapItem List(IReadOnlyList<ImapItem?> items) => new(null, null, null, items ?? throw new ArgumentNullException(nameof(items)));

    /// <summary>True for a plain byte string.</summary>
    public bool IsBytes => _bytes is not null;

    /// <summary>True for a <c>(header, literal)</c> pair.</summary>
    public bool IsPair => _header is not null;

    /// <summary>True for a nested list.</summary>
    public bool IsList => _items is not null;

    /// <summary>The bytes of a byte-string item.</summary>
    /// <exception cref="InvalidOperationException">The item is a pair or a list.</exception>
    public byte[] Bytes => _bytes ?? throw new InvalidOperationException($"this item is {KindName}, not a byte string");

    /// <summary>The first element of a pair: the response text that announced the literal.</summary>
    public byte[] Header => _header ?? throw new InvalidOperationException($"this item is {KindName}, not a pair");

    /// <summary>The second element of a pair: the literal's bytes.</summary>
    public byte[] Body => _body ?? throw new InvalidOperationException($"this item is {KindName}, not a pair");

    /// <summary>The elements of a list item.</summary>
    public IReadOnlyList<ImapItem?> Items => _items ?? throw new InvalidOperationException($"this item is {KindName}, not a list");

    /// <summary>Python's <c>len()</c>: bytes in a byte string, 2 for a pair, elements in a list.</summary>
    public int Length => _bytes?.Length ?? (_items?.Count ?? 2);

    /// <summary>
    /// Python's indexing of a tuple or list: <c>data[0][1]</c> is the literal of a pair.
    /// Indexing a byte string is not supported (Python would give an int; use <see cref="Bytes"/>).
    /// </summary>
    /// <remarks>Typed as never null, as Python code reads it (<c>data[0][1].decode()</c> needs no <c>!</c>); an
    /// element of a list item that is Python's <c>None</c> is still null at run time.</remarks>
    public ImapItem this[int index]
    {
        get
        {
            if (_items is not null)
                return _items[PyIndex.Of(index, _items.Count)]!;
            if (_header is not null)
                return PyIndex.Of(index, 2) switch
                {
                    0 => FromBytes(_header),
                    1 => FromBytes(_body!),
                    _ => throw new ArgumentOutOfRangeException(nameof(index), "a pair has two elements"),
                };
            throw new InvalidOperationException("a byte-string item is not indexable; use .Bytes");
        }
    }

    /// <summary>Python's slice of a byte string or a list, <c>item[a:b]</c> as a range: <c>data[0][1][..200]</c> is the
    /// first 200 bytes of a literal (<c>[:200]</c>), cut down to what there is as Python's slice is.</summary>
    /// <exception cref="InvalidOperationException">The item is a pair (slice its parts, <c>item[1][..200]</c>).</exception>
    public ImapItem this[Range range]
    {
        get
        {
            if (_header is not null)
                throw new InvalidOperationException("a pair is not sliced here; slice one of its parts, item[0] or item[1]");
            var (start, length) = PyIndex.Slice(range, Length);
            return _bytes is not null ? FromBytes(_bytes.AsSpan(start, length).ToArray()) : List([.. _items!.Skip(start).Take(length)]);
        }
    }

    /// <summary>Deconstructs a pair; for any other item both parts are null, so that the positional pattern
    /// <c>item is (byte[] header, byte[] body)</c> is Python's <c>isinstance(item, tuple)</c>.</summary>
    public void Deconstruct(out byte[]? header, out byte[]? body)
    {
        header = _header;
        body = _body;
    }

    /// <summary>Python's <c>bytes.split()</c>: splits a byte string on runs of ASCII white space.</summary>
    public PyList<PyBytes> split() => Bytes.split();

    /// <summary>Python's <c>bytes.split(sep)</c>.</summary>
    public PyList<PyBytes> split(string sep) => Bytes.split(sep);

    /// <summary>Python's <c>bytes.decode()</c>: strict UTF-8 (invalid bytes raise <see cref="System.Text.DecoderFallbackException"/>, Python's UnicodeDecodeError).</summary>
    public string decode() => Bytes.decode();

    /// <summary>Python's <c>bytes.decode(encoding)</c>.</summary>
    public string decode(string encoding) => Bytes.decode(encoding);

    /// <summary>Python's <c>bytes.decode(encoding, errors)</c>: <c>"strict"</c>, <c>"replace"</c> or <c>"ignore"</c>.</summary>
    public string decode(string encoding, string errors) => Bytes.decode(encoding, errors);

    /// <summary>The bytes an item carries, wherever a <c>byte[]</c> is expected: a byte string's bytes, a pair's
    /// literal (the message data a FETCH brought), a list's elements joined by a space; None stays null.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(item))]
    public static implicit operator byte[]?(ImapItem? item) => item switch
    {
        null => null,
        { _bytes: { } bytes } => bytes,
        { _body: { } body } => body,
        _ => PyBytes.join(" ", item._items!.Where(element => element is not null).Select(element => (PyBytes)element!)),
    };

    /// <summary>A byte string item as a <see cref="PyBytes"/> (a pair's literal, a list's elements joined by a
    /// space, as the <c>byte[]</c> conversion): <c>PyBytes subject = data[0][1];</c>, <c>data[0] == num</c>.</summary>
    /// <exception cref="ArgumentNullException">The item is None.</exception>
    public static implicit operator PyBytes(ImapItem item) =>
        new((byte[]?)item ?? throw new ArgumentNullException(nameof(item), "None has no bytes"));

    /// <summary>Python's <c>==</c>: the same kind of value with the same bytes (None equals only None).</summary>
    public static bool operator ==(ImapItem? left, ImapItem? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Python's <c>!=</c>.</summary>
    public static bool operator !=(ImapItem? left, ImapItem? right) => !(left == right);

    /// <summary>Python's <c>data[0] == b'...'</c>: a byte string item with those bytes.</summary>
    public static bool operator ==(ImapItem? left, PyBytes right) => left == right.AsSpan();

    /// <summary>Python's <c>data[0] != b'...'</c>.</summary>
    public static bool operator !=(ImapItem? left, PyBytes right) => !(left == right);

    /// <summary>Python's <c>data[0] == b'...'</c> written with a <c>u8</c> literal.</summary>
    public static bool operator ==(ImapItem? left, ReadOnlySpan<byte> right) => left is { _bytes: { } bytes } && right.SequenceEqual(bytes);

    /// <summary>Python's <c>data[0] != b'...'</c> written with a <c>u8</c> literal.</summary>
    public static bool operator !=(ImapItem? left, ReadOnlySpan<byte> right) => !(left == right);

    /// <summary>Python's <c>b'...' == data[0]</c>.</summary>
    public static bool operator ==(PyBytes left, ImapItem? right) => right == left;

    /// <summary>Python's <c>b'...' != data[0]</c>.</summary>
    public static bool operator !=(PyBytes left, ImapItem? right) => !(right == left);

    /// <summary>Python's <c>repr()</c> of the value: <c>b'...'</c>, <c>(b'...', b'...')</c> or <c>[...]</c>.</summary>
    public override string ToString() => PyRepr.Of(this);

    /// <inheritdoc/>
    public bool Equals(ImapItem? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (_bytes is not null) return other._bytes is not null && _bytes.AsSpan().SequenceEqual(other._bytes);
        if (_header is not null)
            return other._header is not null && _header.AsSpan().SequenceEqual(other._header) && _body.AsSpan().SequenceEqual(other._body);
        return other._items is not null && _items!.SequenceEqual(other._items);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj switch
    {
        ImapItem other => Equals(other),
        PyBytes bytes => this == bytes.AsSpan(),
        byte[] array => this == (ReadOnlySpan<byte>)array,
        _ => false,
    };

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        if (_bytes is not null) hash.AddBytes(_bytes);
        else if (_header is not null) { hash.AddBytes(_header); hash.AddBytes(_body); }
        else foreach (var item in _items!) hash.Add(item);
        return hash.ToHashCode();
    }

    /// <summary>Iterates a pair's two parts or a list's elements (Python's tuple/list iteration); a byte string
    /// yields one-byte items, in order (Python's bytes iterate by byte), and those yield nothing further.</summary>
    public IEnumerator<ImapItem?> GetEnumerator()
    {
        if (_bytes is { } bytes)
            return _leaf ? Enumerable.Empty<ImapItem?>().GetEnumerator() : bytes.Select(b => (ImapItem?)new ImapItem([b], null, null, null, leaf: true)).GetEnumerator();
        return Enumerable.Range(0, Length).Select(i => this[i]).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private string KindName => _bytes is not null ? "a byte string" : _header is not null ? "a pair" : "a list";
}

/// <summary>JSON for data items: a byte string as base64, a pair as <c>{"header": ..., "literal": ...}</c>, a list
/// as an array (None as null). Reading accepts what writing produces.</summary>
internal sealed class ImapItemJsonConverter : JsonConverter<ImapItem>
{
    public override ImapItem? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return ImapItem.FromBytes(reader.GetBytesFromBase64());
            case JsonTokenType.StartArray:
                var items = new List<ImapItem?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    items.Add(Read(ref reader, typeToConvert, options));
                return ImapItem.List(items);
            case JsonTokenType.StartObject:
                byte[]? header = null, literal = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string name = reader.GetString()!;
                    reader.Read();
                    if (name == "header") header = reader.GetBytesFromBase64();
                    else if (name == "literal") literal = reader.GetBytesFromBase64();
                    else reader.Skip();
                }
                if (header is null || literal is null) throw new JsonException("a pair needs both \"header\" and \"literal\"");
                return ImapItem.Pair(header, literal);
            default:
                throw new JsonException($"unexpected {reader.TokenType} for a data item");
        }
    }

    public override void Write(Utf8JsonWriter writer, ImapItem value, JsonSerializerOptions options)
    {
        if (value.IsBytes)
        {
            writer.WriteBase64StringValue(value.Bytes);
        }
        else if (value.IsPair)
        {
            writer.WriteStartObject();
            writer.WriteBase64String("header", value.Header);
            writer.WriteBase64String("literal", value.Body);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteStartArray();
            foreach (var item in value.Items)
            {
                if (item is null) writer.WriteNullValue();
                else Write(writer, item, options);
            }
            writer.WriteEndArray();
        }
    }
}
