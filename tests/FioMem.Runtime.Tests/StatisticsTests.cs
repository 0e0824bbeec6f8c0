// Statistics, Trim, thread exit and the metrics meter. These read global figures, so they run serially.
using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;
using Xunit;

namespace FioMem.Tests;

[Collection(SerialCollection.Name)]
public unsafe class StatisticsTests
{
    [Fact]
    public void Reserved_bytes_drop_back_after_free_and_trim()
    {
        FioMemory.Trim();
        long before = FioMemory.GetStatistics().ReservedBytes;
        var pointers = new List<nint>();
        for (int i = 0; i < 20_000; i++)
            pointers.Add((nint)FioMemory.Alloc((nuint)(16 + i % 2000)));
        for (int i = 0; i < 20; i++)
            pointers.Add((nint)FioMemory.Alloc(100_000));
        FioMemoryStatistics peak = FioMemory.GetStatistics();
        Assert.True(peak.ReservedBytes >= before + 20_000L * 16, $"reserved {peak.ReservedBytes} after allocating, {before} before");
        Assert.Equal(20, peak.LargeAllocations);

        foreach (nint p in pointers)
            FioMemory.Free((void*)p);
        FioMemory.Trim();
        FioMemoryStatistics after = FioMemory.GetStatistics();
        Assert.Equal(0, after.BlocksPooled);
        Assert.Equal(0, after.LargeAllocations);
        // What remains is at most the blocks threads are still slicing (this one and the test runner's).
        Assert.True(after.ReservedBytes <= before + 2L * FioMemory.BlockSize, $"reserved {after.ReservedBytes} after trim, {before} before");
    }

    [Fact]
    public void Pool_never_holds_more_than_its_cap()
    {
        // Free more blocks' worth than the cap from another thread so every block is retired and recycled.
        int cap = FioMemory.GetStatistics().MaxPooledBlocks;
        var pointers = new nint[(cap + 16) * 3];
        var thread = new Thread(() =>
        {
            for (int i = 0; i < pointers.Length; i++)
                pointers[i] = (nint)FioMemory.Alloc(40_000);
        });
        thread.Start();
        thread.Join();
        long releasedBefore = FioMemory.GetStatistics().BlocksReleased;
        foreach (nint p in pointers)
            FioMemory.Free((void*)p);
        FioMemoryStatistics after = FioMemory.GetStatistics();
        Assert.True(after.BlocksPooled <= cap, $"{after.BlocksPooled} pooled, cap {cap}");
        Assert.True(after.BlocksReleased > releasedBefore, "blocks past the cap go back to the OS");
    }

    // 40,000 bytes: three allocations fill a block, so nine take three blocks.
    private const int ThirdOfABlock = 40_000;

    private static nint[] AllocateBlocks(int blocks)
    {
        var pointers = new nint[blocks * 3];
        for (int i = 0; i < pointers.Length; i++)
            pointers[i] = (nint)FioMemory.Alloc(ThirdOfABlock);
        return pointers;
    }

    private static void FreeAll(nint[] pointers)
    {
        foreach (nint p in pointers)
            FioMemory.Free((void*)p);
    }

    private static HashSet<nint> BlocksOf(nint[] pointers)
    {
        var blocks = new HashSet<nint>();
        foreach (nint p in pointers)
            blocks.Add(p & ~(nint)(FioMemory.BlockSize - 1));
        return blocks;
    }

    [Fact]
    public void A_thread_gets_back_the_blocks_it_emptied_itself_before_blocks_other_threads_emptied_later()
    {
        using var a = new ParkedThread();
        using var b = new ParkedThread();
        nint[] first = [], others = [], again = [];
        a.Run(() => first = AllocateBlocks(3));
        b.Run(() => others = AllocateBlocks(3));
        a.Run(() => FreeAll(first));
        // B's blocks are the most recently pooled ones, yet A's next blocks are its own again.
        b.Run(() => FreeAll(others));
        // Two blocks' worth: what A's emptied blocks and the room left in the one it slices can hold.
        a.Run(() => again = AllocateBlocks(2));

        Assert.Subset(BlocksOf(first), BlocksOf(again));
        a.Run(() => FreeAll(again));
    }

    [Fact]
    public void Blocks_pooled_for_a_live_thread_go_to_other_threads_before_new_memory_and_to_trim()
    {
        using var a = new ParkedThread();
        nint[] mine = [], theirs = [];
        a.Run(() => mine = AllocateBlocks(3));
        FioMemory.Trim();
        // A empties its blocks and lives on: two go to its home list, the third is still the one it slices.
        a.Run(() => FreeAll(mine));
        FioMemoryStatistics pooled = FioMemory.GetStatistics();
        Assert.Equal(2, pooled.BlocksPooled);

        using (var b = new ParkedThread())
        {
            b.Run(() => theirs = AllocateBlocks(2));
            FioMemoryStatistics taken = FioMemory.GetStatistics();
            Assert.Equal(0, taken.BlocksPooled);
            Assert.Equal(pooled.ReservedBytes, taken.ReservedBytes);
            Assert.Subset(BlocksOf(mine), BlocksOf(theirs));
            b.Run(() => FreeAll(theirs));
        }

        a.Run(() => FreeAll(mine = AllocateBlocks(3)));
        Assert.True(FioMemory.GetStatistics().BlocksPooled > 0);
        FioMemory.Trim();
        Assert.Equal(0, FioMemory.GetStatistics().BlocksPooled);
    }

    [Fact]
    public void Statistics_count_large_and_long_lived_allocations()
    {
        FioMemoryStatistics before = FioMemory.GetStatistics();
        void* large = FioMemory.Alloc(200_000);
        void* longLived = FioMemory.AllocLongLived(1000);
        FioMemoryStatistics during = FioMemory.GetStatistics();
        Assert.Equal(before.LargeAllocations + 1, during.LargeAllocations);
        Assert.True(during.LargeBytes >= before.LargeBytes + 200_000);
        Assert.Equal(before.LongLivedAllocations + 1, during.LongLivedAllocations);
        Assert.Equal(before.LongLivedBytes + 1000, during.LongLivedBytes);
        FioMemory.Free(large);
        FioMemory.Free(longLived);
        FioMemoryStatistics after = FioMemory.GetStatistics();
        Assert.Equal(before.LargeAllocations, after.LargeAllocations);
        Assert.Equal(before.LongLivedAllocations, after.LongLivedAllocations);
        Assert.Equal(FioMemory.BlockSize, after.BlockSize);
    }

    [Fact]
    public void Thousands_of_short_lived_threads_leave_reserved_memory_bounded()
    {
        FioMemory.Trim();
        long before = FioMemory.GetStatistics().ReservedBytes;
        long peak = 0;
        for (int batch = 0; batch < 50; batch++)
        {
            var threads = new Thread[50];
            for (int t = 0; t < threads.Length; t++)
            {
                threads[t] = new Thread(() =>
                {
                    // Each thread takes a block, keeps one allocation alive past its own exit, frees the rest.
                    void* kept = FioMemory.Alloc(64);
                    void* other = FioMemory.Alloc(1000);
                    FioMemory.Free(other);
                    FioMemory.Free(kept);
                });
                threads[t].Start();
            }
            foreach (Thread t in threads) t.Join();
            peak = Math.Max(peak, FioMemory.GetStatistics().ReservedBytes);
        }
        FioMemory.Trim();
        FioMemoryStatistics after = FioMemory.GetStatistics();
        // 2,500 threads each took a block; without reclaiming exited threads' blocks that would be ~320 MiB.
        long bound = before + (long)(FioMemory.GetStatistics().MaxPooledBlocks + 200) * FioMemory.BlockSize;
        Assert.True(peak <= bound, $"peak reserved {peak} bytes, bound {bound}");
        Assert.True(after.ReservedBytes <= before + 4L * FioMemory.BlockSize, $"reserved {after.ReservedBytes} after trim, {before} before");
        Assert.True(after.ThreadCaches < 100, $"{after.ThreadCaches} thread caches still registered");
    }

    [Fact]
    public void Blocks_of_threads_that_exited_come_back_with_the_idle_trim_without_Trim()
    {
        FioMemory.Trim();
        long before = FioMemory.GetStatistics().BlocksInUse;
        var threads = new Thread[4];
        // No thread exits before every one has its cache: a new thread's first allocation may sweep the caches of
        // threads that exited already, which would take an early finisher's block back before the count below.
        using var allHaveAllocated = new Barrier(threads.Length);
        for (int t = 0; t < threads.Length; t++)
        {
            // Each thread allocates and frees everything, and ends with its current block in use but empty.
            threads[t] = new Thread(() =>
            {
                var pointers = new nint[20];
                for (int i = 0; i < pointers.Length; i++)
                    pointers[i] = (nint)FioMemory.Alloc(1000);
                allHaveAllocated.SignalAndWait();
                foreach (nint p in pointers)
                    FioMemory.Free((void*)p);
            });
            threads[t].Start();
        }
        foreach (Thread t in threads) t.Join();
        Assert.True(FioMemory.GetStatistics().BlocksInUse >= before + threads.Length, "each thread holds its block until it is taken back");

        IdleTrim.TrimNow(all: false);

        FioMemoryStatistics after = FioMemory.GetStatistics();
        Assert.True(after.BlocksInUse <= before, $"{after.BlocksInUse} blocks in use after the idle trim, {before} before the threads ran");
    }

    [Fact]
    public void Block_of_an_exited_thread_is_recycled_when_its_last_allocation_is_freed()
    {
        nint survivor = 0;
        var thread = new Thread(() => survivor = (nint)FioMemory.Alloc(32));
        thread.Start();
        thread.Join();
        FioMemory.Trim();
        long inUse = FioMemory.GetStatistics().BlocksInUse;
        FioMemory.Free((void*)survivor);
        Assert.Equal(inUse - 1, FioMemory.GetStatistics().BlocksInUse);
    }

    [Fact]
    public void A_surviving_allocation_shows_up_as_a_pinned_block()
    {
        nint survivor = 0;
        var thread = new Thread(() =>
        {
            survivor = (nint)FioMemory.Alloc(32);
            // Fill the rest of the block so the thread moves on, then free the fillers: the survivor alone pins it.
            var fillers = new nint[4];
            for (int i = 0; i < fillers.Length; i++)
                fillers[i] = (nint)FioMemory.Alloc(40_000);
            foreach (nint filler in fillers)
                FioMemory.Free((void*)filler);
        });
        thread.Start();
        thread.Join();
        nint block = survivor & ~(nint)(FioMemory.BlockSize - 1);
        FioPinnedBlock pinned = Assert.Single(FioMemory.GetPinnedBlocks(), b => b.Address == block);
        Assert.Equal(1, pinned.LiveAllocations);
        if (FioMemory.GetStatistics().CheckedMode)
            Assert.Equal(1, pinned.AllocationsByType["(untyped)"]);
        FioMemory.Free((void*)survivor);
        Assert.DoesNotContain(FioMemory.GetPinnedBlocks(), b => b.Address == block);
    }

    [Fact]
    public void Meter_publishes_the_statistics()
    {
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FioMemoryMetrics.MeterName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => seen[instrument.Name] = value);
        _ = FioMemoryMetrics.Meter;
        listener.Start();
        void* p = FioMemory.Alloc(150_000);
        listener.RecordObservableInstruments();
        FioMemory.Free(p);

        foreach (string name in FioMemoryMetrics.InstrumentNames)
            Assert.True(seen.ContainsKey(name), $"instrument {name} not observed");
        Assert.True(seen["fiomem.large.allocations"] >= 1);
        Assert.True(seen["fiomem.reserved"] >= 150_000);
    }
}
