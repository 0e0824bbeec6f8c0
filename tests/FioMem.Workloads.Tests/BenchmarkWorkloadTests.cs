// The benchmark workloads run the operations the README's benchmark section describes, in the counts their OperationsPerInvoke claims, and free everything.
using System;
using System.Linq;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Harness;
using FioMem.Benchmarks.Workloads;
using Xunit;

namespace FioMem.Workloads.Tests;

[Collection(nameof(CountingAllocator))]
public unsafe class BenchmarkWorkloadTests
{
    [Fact]
    public void SeedRoundRunsSevenPhasesOf4096AndFreesEverything()
    {
        CountingAllocator.Reset();
        using var table = new PointerTable(SeedRoundBenchmarks.PhaseLength);

        SeedRoundBenchmarks.RunRound<CountingAllocator>(table.Items, 128);

        // malloc, calloc, grouped malloc, malloc-then-free: four allocating phases; one realloc phase.
        Assert.Equal(4 * 4096, CountingAllocator.Allocations);
        Assert.Equal(4096, CountingAllocator.Reallocations);
        Assert.Equal(4 * 4096, CountingAllocator.Frees);
        Assert.Equal(0, CountingAllocator.Live);
    }

    [Fact]
    public void StridedSeedRoundsCoverEveryMultiplierOverOneStride()
    {
        var seen = new System.Collections.Generic.HashSet<int>();
        for (int offset = 0; offset < SeedRoundBenchmarks.SizeStride; offset++)
        {
            for (int i = SeedRoundBenchmarks.FirstMultiplier + offset; i < SeedRoundBenchmarks.EndMultiplier; i += SeedRoundBenchmarks.SizeStride)
                Assert.True(seen.Add(i));
        }

        Assert.Equal(SeedRoundBenchmarks.EndMultiplier - SeedRoundBenchmarks.FirstMultiplier, seen.Count);
        Assert.Equal(SeedRoundBenchmarks.RoundsPerInvoke * SeedRoundBenchmarks.SizeStride, seen.Count);
    }

    [Fact]
    public void ZeroingFloorClearsEveryRoundedSizeAndTouchesItsFirstByte()
    {
        nuint[] sizes = [1, 16, 17, 100, 4096];
        using var floor = new ZeroingFloor(sizes);
        Assert.Equal(16 + 16 + 32 + 112 + 4096, floor.ByteCount);
        Assert.Equal(-1, floor.Bytes.IndexOfAnyExcept((byte)0xFF));

        floor.RunRounds(1);

        int offset = 0;
        foreach (int rounded in new[] { 16, 16, 32, 112, 4096 })
        {
            Assert.Equal(1, floor.Bytes[offset]);
            Assert.Equal(-1, floor.Bytes.Slice(offset + 1, rounded - 1).IndexOfAnyExcept((byte)0));
            offset += rounded;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void LocalRoundsMakeTheClaimedPairsOnEveryThread(int threads)
    {
        CountingAllocator.Reset();
        nuint[] sizes = RandomSizes.Uniform(LocalBenchmarks.RoundSize, LocalBenchmarks.MinSize, LocalBenchmarks.MaxSize);
        using var gang = new WorkerGang(threads, "test");
        var tables = new PointerTable[threads];
        for (int i = 0; i < threads; i++) tables[i] = new PointerTable(LocalBenchmarks.RoundSize);

        gang.Run(w => LocalBenchmarks.RunRounds<CountingAllocator>(tables[w].Items, sizes, LocalBenchmarks.TotalRounds / threads));

        Assert.Equal(LocalBenchmarks.PairsPerInvoke, CountingAllocator.Allocations);
        Assert.Equal(LocalBenchmarks.PairsPerInvoke, CountingAllocator.Frees);
        foreach (PointerTable table in tables) table.Dispose();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void CrossThreadPairsFreeOnTheConsumerWhatTheProducerAllocated(int threads)
    {
        CountingAllocator.Reset();
        nuint[] sizes = RandomSizes.Uniform(LocalBenchmarks.RoundSize, LocalBenchmarks.MinSize, LocalBenchmarks.MaxSize);
        int pairs = threads / 2;
        using var gang = new WorkerGang(threads, "test");
        var handoffs = new RoundHandoff[pairs];
        for (int i = 0; i < pairs; i++) handoffs[i] = new RoundHandoff(CrossThreadBenchmarks.HandoffDepth, LocalBenchmarks.RoundSize);

        gang.Run(w => CrossThreadBenchmarks.RunPairMember<CountingAllocator>(w, handoffs, sizes, CrossThreadBenchmarks.TotalRounds / pairs));

        Assert.Equal(CrossThreadBenchmarks.PairsPerInvoke, CountingAllocator.Allocations);
        Assert.Equal(CrossThreadBenchmarks.PairsPerInvoke, CountingAllocator.Frees);
        foreach (RoundHandoff handoff in handoffs) handoff.Dispose();
    }

    [Theory]
    [InlineData("request", 48)]
    [InlineData("frame", 4096)]
    public void GroupsFreeEveryAllocationOneByOneAndEveryPeerRuns(string group, int size)
    {
        var bench = new GroupReleaseBenchmarks { Group = group };
        bench.Setup();
        try
        {
            Assert.Equal(size, bench.Sizes.Length);
            CountingAllocator.Reset();
            GroupReleaseBenchmarks.RunOneByOne<CountingAllocator>(bench.Sizes, new void*[bench.Sizes.Length]);
            Assert.Equal(size * GroupReleaseBenchmarks.GroupsPerInvoke, CountingAllocator.Allocations);
            Assert.Equal(0, CountingAllocator.Live);

            bench.FioMemHeapReset();
            bench.FioMemHeapPerGroup();
            bench.FioMemOneByOne();
            bench.ArrayPoolShared();
            bench.GcArrays();
            if (Mimalloc.IsAvailable)
            {
                bench.MimallocHeap();
                bench.MimallocOneByOne();
            }
        }
        finally
        {
            bench.Cleanup();
        }
    }

    [Fact]
    public void TinyPairsAllocateAndFreeTheClaimedCount()
    {
        CountingAllocator.Reset();

        TinyBenchmarks.RunPairs<CountingAllocator>(16);

        Assert.Equal(TinyBenchmarks.PairsPerInvoke, CountingAllocator.Allocations);
        Assert.Equal(0, CountingAllocator.Live);
    }

    [Fact]
    public void TinyFifoFreesEveryAllocationInTheOrderItWasMade()
    {
        OrderRecordingAllocator.Reset();
        using var table = new PointerTable(TinyFifoBenchmarks.BatchSize);

        TinyFifoBenchmarks.RunBatch<OrderRecordingAllocator>(table.Items, 16);

        var allocations = OrderRecordingAllocator.Allocations;
        Assert.Equal(TinyFifoBenchmarks.PairsPerInvoke, allocations.Count);
        Assert.Equal(allocations.Select(a => a.Pointer), OrderRecordingAllocator.Frees.Select(f => f.Pointer));
    }

    [Fact]
    public void TinyCrossThreadFreesOnAnotherThreadWhatOneThreadAllocated()
    {
        OrderRecordingAllocator.Reset();
        using var gang = new WorkerGang(2, "test");
        using var handoff = new RoundHandoff(CrossThreadBenchmarks.HandoffDepth, TinyCrossThreadBenchmarks.RoundSize);
        nuint[] sizes = TinyCrossThreadBenchmarks.RoundOf(16);

        gang.Run(w => TinyCrossThreadBenchmarks.RunPairMember<OrderRecordingAllocator>(w, [handoff], sizes));

        var allocations = OrderRecordingAllocator.Allocations;
        var frees = OrderRecordingAllocator.Frees;
        Assert.Equal(TinyCrossThreadBenchmarks.PairsPerInvoke, allocations.Count);
        Assert.Equal(allocations.Select(a => a.Pointer).OrderBy(p => p), frees.Select(f => f.Pointer).OrderBy(p => p));
        int producer = Assert.Single(allocations.Select(a => a.Thread).Distinct());
        int consumer = Assert.Single(frees.Select(f => f.Thread).Distinct());
        Assert.NotEqual(producer, consumer);
    }
}
