// FioMemoryPool reuses returned 4 KiB segments, so the blocks a server holds follow the segments it holds.
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;

namespace FioMem.AspNetCore.Tests;

/// <summary>
/// The segment cache tests run alone: they count FioMem's blocks in use and the cache's segments, which any other
/// test's rentals would move.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SegmentCacheCollection
{
    public const string Name = "Segment cache (serial)";
}

[Collection(SegmentCacheCollection.Name)]
public unsafe class SegmentCacheTests
{
    /// <summary>How long the tests wait for the cache to empty at most: far past the eviction interval.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void Segments_returned_by_some_connections_are_reused_by_others_so_blocks_held_follow_segments_held()
    {
        // 32 "connections" take 64 segments each in turn (as a server's receive loops do), so every block (31
        // segments) holds segments of every connection; then all but one return theirs, and 31 new ones take as many
        // again. The one that stayed holds a segment in every block: without reuse, none of those blocks can come
        // back and the new segments need as many blocks again.
        const int Connections = 32, PerConnection = 64;
        int segments = Connections * PerConnection;
        long segmentBlocks = (long)segments * SegmentCache.SegmentSize / FioMemory.BlockSize;
        var attempts = new List<string>();
        // An eviction between the returns and the new rentals (a machine stalled past the 250 ms interval) would
        // free what was returned: such an attempt is retried.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            SegmentCache.Clear();
            long before = FioMemory.GetStatistics().BlocksInUse;
            IMemoryOwner<byte>[,] held = RentInTurn(Connections, PerConnection);
            for (int c = 1; c < Connections; c++)
                for (int i = 0; i < PerConnection; i++)
                    held[c, i].Dispose();
            IMemoryOwner<byte>[,] again = RentInTurn(Connections - 1, PerConnection);
            long grown = FioMemory.GetStatistics().BlocksInUse - before;
            foreach (IMemoryOwner<byte> owner in again)
                owner.Dispose();
            for (int i = 0; i < PerConnection; i++)
                held[0, i].Dispose();
            // The segments held fill segmentBlocks blocks; a few more for the block headers and the threads' blocks.
            long bound = segmentBlocks + segmentBlocks / 8 + 4;
            if (grown <= bound)
                return;
            attempts.Add($"{grown} blocks for {segments} segments (bound {bound})");
        }
        Assert.Fail(string.Join("; ", attempts));
    }

    [Fact]
    public void A_reused_segment_is_zeroed_when_rented_again()
    {
        for (int round = 0; round < 20; round++)
        {
            IMemoryOwner<byte> first = FioMemoryPool.Shared.Rent(SegmentCache.SegmentSize);
            first.Memory.Span.Fill(0xA5);
            first.Dispose();
            using IMemoryOwner<byte> second = FioMemoryPool.Shared.Rent();
            Assert.True(second.Memory.Span.IndexOfAnyExcept((byte)0) < 0, $"round {round}: a reused segment was not zeroed");
        }
    }

    [Fact]
    public void The_pipes_pool_hands_a_reused_segment_out_as_it_was_left_and_other_sizes_zeroed()
    {
        FioMemoryPool pipes = FioMemoryPool.CreateUncleared();
        bool sawReused = false;
        for (int round = 0; round < 20 && !sawReused; round++)
        {
            IMemoryOwner<byte> first = pipes.Rent(SegmentCache.SegmentSize);
            nint address = Address(first);
            first.Memory.Span.Fill(0xA5);
            first.Dispose();
            using IMemoryOwner<byte> second = pipes.Rent(SegmentCache.SegmentSize);
            // Usually the same segment comes back (unless an eviction took it in between): then as it was left.
            if (Address(second) == address)
            {
                sawReused = true;
                Assert.True(second.Memory.Span.IndexOfAnyExcept((byte)0xA5) < 0, "a reused pipe segment was cleared");
            }
            using IMemoryOwner<byte> other = pipes.Rent(100);
            Assert.True(other.Memory.Span.IndexOfAnyExcept((byte)0) < 0, "a buffer of another size was not zeroed");
        }
        Assert.True(sawReused, "no returned segment was rented again");
    }

    [Fact]
    public void A_returned_segment_is_handed_out_again()
    {
        SegmentCache.Clear();
        var addresses = new HashSet<nint>();
        var owners = new IMemoryOwner<byte>[8];
        for (int i = 0; i < owners.Length; i++)
        {
            owners[i] = FioMemoryPool.Shared.Rent(SegmentCache.SegmentSize);
            addresses.Add(Address(owners[i]));
        }
        foreach (IMemoryOwner<byte> owner in owners)
            owner.Dispose();
        for (int i = 0; i < owners.Length; i++)
            owners[i] = FioMemoryPool.Shared.Rent(SegmentCache.SegmentSize);
        int reused = owners.Count(o => addresses.Contains(Address(o)));
        foreach (IMemoryOwner<byte> owner in owners)
            owner.Dispose();
        // An eviction in between (a stalled machine) may take some; it cannot take them before they were returned.
        Assert.True(reused > 0, "no returned segment was rented again");
    }

    [Fact]
    public void Other_sizes_are_freed_when_returned_not_cached()
    {
        SegmentCache.Clear();
        for (int i = 0; i < 16; i++)
        {
            FioMemoryPool.Shared.Rent(SegmentCache.SegmentSize - 16).Dispose();
            FioMemoryPool.Shared.Rent(SegmentCache.SegmentSize * 2).Dispose();
        }
        Assert.Equal(0, SegmentCache.Count);
    }

    [Fact]
    public void Trim_frees_the_cached_segments_at_once()
    {
        SegmentCache.Clear();
        var owners = new IMemoryOwner<byte>[64];
        for (int i = 0; i < owners.Length; i++)
            owners[i] = FioMemoryPool.Shared.Rent(SegmentCache.SegmentSize);
        long evictedBefore = SegmentCache.Evicted;
        foreach (IMemoryOwner<byte> owner in owners)
            owner.Dispose();
        FioMemory.Trim();
        // The timer's eviction needs two intervals without a rental; Trim() does not wait for it. (The count of cached
        // segments is not asserted: another collection's server may return segments meanwhile.)
        Assert.True(SegmentCache.Evicted - evictedBefore >= owners.Length, $"{SegmentCache.Evicted - evictedBefore} of {owners.Length} freed");
    }

    [Fact]
    public void Segments_nobody_rents_go_back_to_FioMem_by_themselves()
    {
        SegmentCache.Clear();
        var owners = new IMemoryOwner<byte>[256];
        for (int i = 0; i < owners.Length; i++)
            owners[i] = FioMemoryPool.Shared.Rent();
        long evictedBefore = SegmentCache.Evicted;
        foreach (IMemoryOwner<byte> owner in owners)
            owner.Dispose();
        // Two eviction intervals (250 ms each here) without a rental empty the cache, freeing the segments to FioMem
        // (whose idle trim then takes their blocks; see IdleTrimTests). Segments rented by something still winding
        // down from an earlier test would not be evicted, hence half as the bound.
        // The eviction takes the segments off the cache before it frees them and counts them after, so both are awaited.
        Assert.True(SpinWait.SpinUntil(() => SegmentCache.Count == 0 && SegmentCache.Evicted - evictedBefore >= owners.Length / 2, Patience),
            $"{SegmentCache.Count} segments still cached");
        long evicted = SegmentCache.Evicted - evictedBefore;
        Assert.True(evicted >= owners.Length / 2, $"{evicted} of {owners.Length} returned segments were freed");
    }

    private static IMemoryOwner<byte>[,] RentInTurn(int connections, int perConnection)
    {
        var owners = new IMemoryOwner<byte>[connections, perConnection];
        for (int i = 0; i < perConnection; i++)
            for (int c = 0; c < connections; c++)
                owners[c, i] = FioMemoryPool.Shared.Rent();
        return owners;
    }

    private static nint Address(IMemoryOwner<byte> owner)
    {
        fixed (byte* p = owner.Memory.Span)
            return (nint)p;
    }
}
