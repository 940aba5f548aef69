namespace ImapLib;

/// <summary>
/// What every command returns: Python's <c>(typ, data)</c> pair. <c>typ</c> is the response type (<c>"OK"</c>,
/// <c>"NO"</c>, <c>"BAD"</c>, <c>"BYE"</c>, or a response name); <c>data</c> is the list of data items.
/// </summary>
/// <remarks>
/// It ports Python's tuple idioms as written: <c>typ, data = M.select()</c> is <c>var (typ, data) = M.select();</c>,
/// <c>result[0]</c> and <c>result[1]</c> are <see cref="typ"/> and <see cref="data"/>, and it converts to and from a
/// C# tuple <c>(string, List&lt;ImapItem?&gt;)</c>. <see cref="ToString"/> is Python's <c>repr</c>, so printing a
/// result shows what <c>print(result)</c> shows: <c>('OK', [b'3'])</c>. Two results are equal when their types are
/// equal and their data items are equal byte for byte.
/// </remarks>
public readonly struct ImapResult : IEquatable<ImapResult>, IEquatable<(string typ, List<ImapItem?> data)>
{
    /// <summary>A result of type <paramref name="typ"/> carrying <paramref name="data"/> (not copied when it already is
    /// an <see cref="ImapData"/>, as every list the library files is).</summary>
    public ImapResult(string typ, List<ImapItem?> data)
    {
        this.typ = typ ?? throw new ArgumentNullException(nameof(typ));
        ArgumentNullException.ThrowIfNull(data);
        this.data = data as ImapData ?? new ImapData(data);
    }

    /// <summary>The response type: OK, NO, BAD, BYE, or the name of the untagged response asked for.</summary>
    public string typ { get; }

    /// <summary>The data items; <see langword="null"/> elements are Python's <c>None</c>. Printing it shows Python's
    /// list repr, <c>[b'1 2 3']</c>.</summary>
    public ImapData data { get; }

    /// <summary>Python's <c>typ, data = result</c>.</summary>
    public void Deconstruct(out string typ, out ImapData data)
    {
        typ = this.typ;
        data = this.data;
    }

    /// <summary>A C# tuple as a result, so that code written against tuples keeps compiling.</summary>
    public static implicit operator ImapResult((string typ, List<ImapItem?> data) result) => new(result.typ, result.data);

    /// <summary>The result as a C# tuple.</summary>
    public static implicit operator (string typ, List<ImapItem?> data)(ImapResult result) => (result.typ, result.data);

    /// <summary>Python's <c>repr((typ, data))</c>, e.g. <c>('OK', [b'3'])</c>.</summary>
    public override string ToString() => $"({PyRepr.Of(typ ?? "")}, {PyRepr.Of(data ?? new ImapData())})";

    /// <inheritdoc/>
    public bool Equals(ImapResult other) => typ == other.typ && DataEquals(data, other.data);

    /// <summary>Equal to a tuple with the same type and equal data items.</summary>
    public bool Equals((string typ, List<ImapItem?> data) other) => typ == other.typ && DataEquals(data, other.data);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj switch
    {
        ImapResult result => Equals(result),
        ValueTuple<string, List<ImapItem?>> tuple => Equals(tuple),
        _ => false,
    };

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(typ);
        foreach (var item in data ?? []) hash.Add(item);
        return hash.ToHashCode();
    }

    /// <summary>True when both results have the same type and equal data.</summary>
    public static bool operator ==(ImapResult left, ImapResult right) => left.Equals(right);

    /// <summary>True when the results differ in type or data.</summary>
    public static bool operator !=(ImapResult left, ImapResult right) => !left.Equals(right);

    private static bool DataEquals(List<ImapItem?>? left, List<ImapItem?>? right) =>
        ReferenceEquals(left, right) || (left is not null && right is not null && left.SequenceEqual(right));
}

/// <summary>
/// The data list of a result (<see cref="ImapResult.data"/>): a <see cref="List{T}"/> of items, so indexing, counting,
/// LINQ and <c>foreach</c> work as on any list, whose <see cref="ToString"/> is Python's list repr. So
/// <c>Console.WriteLine(data)</c> prints <c>[b'1 2 3']</c>, and <c>$"{typ} {data}"</c> prints what Python's
/// <c>print(typ, data)</c> prints.
/// </summary>
public sealed class ImapData : List<ImapItem?>
{
    /// <summary>An empty list.</summary>
    public ImapData()
    {
    }

    /// <summary>A list of <paramref name="items"/>.</summary>
    public ImapData(IEnumerable<ImapItem?> items) : base(items)
    {
    }

    /// <summary>Python's <c>data[i]</c>. Typed as never null, as Python code reads it: <c>data[0].split()</c> needs no
    /// <c>!</c>. An item that is Python's <c>None</c> is still null at run time (<c>data[0] is null</c> tests it), where
    /// Python would fail on the same line. A negative index counts from the end, as in Python (<c>data[-1]</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range (Python's IndexError).</exception>
    public new ImapItem this[int index]
    {
        get => base[PyIndex.Of(index, Count)]!;
        set => base[PyIndex.Of(index, Count)] = value;
    }

    /// <summary>Python's slice <c>data[a:b]</c> as a range (<c>data[1..]</c>, <c>data[^2..]</c>): a new list, cut down
    /// to the list as Python's is.</summary>
    public ImapData this[Range range]
    {
        get
        {
            var (start, length) = PyIndex.Slice(range, Count);
            return new ImapData(GetRange(start, length));
        }
    }

    /// <summary>Enumerates the items, typed as never null (see the indexer): <c>foreach (var item in data)</c>.</summary>
    public new Enumerator GetEnumerator() => new(base.GetEnumerator());

    /// <summary>Python's <c>repr(data)</c>, e.g. <c>[b'OK', None, (b'1 (RFC822 {3}', b'abc')]</c>.</summary>
    public override string ToString() => PyRepr.Of(this);

    /// <summary>The enumerator of <see cref="ImapData"/>: <see cref="List{T}"/>'s, with items typed as never null.</summary>
    public new struct Enumerator : IEnumerator<ImapItem>
    {
        private List<ImapItem?>.Enumerator _inner;

        internal Enumerator(List<ImapItem?>.Enumerator inner) => _inner = inner;

        /// <inheritdoc/>
        public readonly ImapItem Current => _inner.Current!;

        readonly object? System.Collections.IEnumerator.Current => _inner.Current;

        /// <inheritdoc/>
        public bool MoveNext() => _inner.MoveNext();

        void System.Collections.IEnumerator.Reset()
        {
            System.Collections.IEnumerator boxed = _inner;
            boxed.Reset();
            _inner = (List<ImapItem?>.Enumerator)boxed;
        }

        /// <inheritdoc/>
        public void Dispose() => _inner.Dispose();
    }
}
