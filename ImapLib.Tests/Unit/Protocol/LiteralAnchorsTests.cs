using ImapLib.Testing;

namespace ImapLib.Tests.Unit.Protocol;

/// <summary>
/// <see cref="LiteralAnchors"/>: which literals the reader keeps alive so that the GC keeps their memory committed
/// for the next messages (the effect itself is measured by the benchmark's fetch-each-5m, in page faults).
/// </summary>
public class LiteralAnchorsTests
{
    /// <summary>Two large arrays allocated one after the other, returned lowest first: the GC places them in the same
    /// region nearly always; the rare pair that lands in two regions is allocated again.</summary>
    private static (byte[] lower, byte[] higher) TwoInOneRegion()
    {
        for (int attempt = 0; ; attempt++)
        {
            var a = new byte[100_000];
            var b = new byte[100_000];
            long distance = LiteralAnchors.Distance(a, b);
            if (Math.Abs(distance) < LiteralAnchors.RegionSpan / 2 || attempt == 100)
                return distance > 0 ? (a, b) : (b, a);
        }
    }

    [Test]
    public void Small_literals_and_literals_beyond_the_trusted_size_are_never_held()
    {
        var anchors = new LiteralAnchors();
        anchors.Offer(new byte[LiteralAnchors.LargeObjectSize - 1]);
        anchors.Offer(new byte[Literals.TrustedSize + 1]);
        Assert.That(anchors.Held, Is.Empty);
    }

    [Test]
    public void In_one_region_the_highest_placed_literal_is_held()
    {
        var (lower, higher) = TwoInOneRegion();
        var anchors = new LiteralAnchors();
        anchors.Offer(lower);
        anchors.Offer(higher);
        Assert.That(anchors.Held, Is.EquivalentTo(new[] { higher }));
        anchors.Offer(lower);   // a lower one does not displace it
        Assert.That(anchors.Held, Is.EquivalentTo(new[] { higher }));
    }

    /// <summary>Large arrays further apart than a region of the GC (and 4 MB more), kept alive by the caller.</summary>
    private static List<byte[]> FarApart(int count, List<byte[]> keepAlive)
    {
        var arrays = new List<byte[]>();
        while (arrays.Count < count)
        {
            var next = new byte[100_000];
            if (arrays.All(a => Math.Abs(LiteralAnchors.Distance(a, next)) >= LiteralAnchors.RegionSpan + (4 << 20)))
                arrays.Add(next);
            else
                keepAlive.Add(GC.AllocateUninitializedArray<byte>(4 << 20));   // move the allocator on
        }
        return arrays;
    }

    [Test]
    public void Literals_in_other_regions_are_held_beside_each_other_up_to_two_and_release_lets_go_of_them()
    {
        var keepAlive = new List<byte[]>();
        var (a, b, c) = FarApart(3, keepAlive) switch { var l => (l[0], l[1], l[2]) };
        var anchors = new LiteralAnchors();
        anchors.Offer(a);
        anchors.Offer(b);
        Assert.That(anchors.Held, Is.EquivalentTo(new[] { a, b }));
        anchors.Offer(a);   // a's region is used again: b's is now the least recently used
        anchors.Offer(c);
        Assert.That(anchors.Held, Is.EquivalentTo(new[] { a, c }));
        anchors.Release();
        Assert.That(anchors.Held, Is.Empty);
        GC.KeepAlive(keepAlive);
    }

    [Test]
    public void The_reader_offers_the_literal_it_read_and_logout_releases_it()
    {
        const int size = 200_000;
        var session = Transcript.Parse($"""
            S: * PREAUTH ready
            C: {"{tag}"} CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: {"{tag}"} OK done
            C: {"{tag}"} SELECT INBOX
            S: * 1 EXISTS
            S: {"{tag}"} OK [READ-WRITE] done
            C: {"{tag}"} FETCH 1 (RFC822)
            S: * 1 FETCH (RFC822 {"{"}{size}{"}"}
            S: {new string('x', size)})
            S: {"{tag}"} OK done
            C: {"{tag}"} LOGOUT
            S: * BYE bye
            S: {"{tag}"} OK done
            """);
        using var server = TranscriptServer.Start(session);
        using var M = new IMAP4(server.Host, server.Port, 10);
        M.select();
        var body = M.fetch(1, "(RFC822)").data[0]!.Body;
        Assert.That(body, Has.Length.EqualTo(size));
        Assert.That(M.LiteralAnchors!.Held.Single(), Is.SameAs(body));
        M.logout();
        Assert.That(M.LiteralAnchors!.Held, Is.Empty);
        server.AssertComplete();
    }
}
