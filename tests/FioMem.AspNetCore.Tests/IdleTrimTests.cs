// Pooled blocks go back to the operating system by themselves (this project sets FioMem.TrimDelay to 250 ms).
using System;
using System.Threading;
using Xunit;

namespace FioMem.AspNetCore.Tests;

/// <summary>The trim tests run alone: another test's thread that takes a pooled block empties the pool without a trim.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IdleTrimCollection
{
    public const string Name = "Idle trim (serial)";
}

[Collection(IdleTrimCollection.Name)]
public unsafe class IdleTrimTests
{
    /// <summary>How long the tests wait for the trim at most: far past the delay, so only a trim that never comes fails.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void The_configured_trim_delay_is_read_from_runtimeconfig()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(250), FioMemory.GetStatistics().TrimDelay);
    }

    [Fact]
    public void Pooled_blocks_go_back_to_the_OS_without_any_call()
    {
        FioMemory.Trim();
        FioMemoryStatistics before = FioMemory.GetStatistics();
        PoolBlocks(blocks: 6);
        FioMemoryStatistics pooled = FioMemory.GetStatistics();
        // On a machine stalled past the delay the timer may already have taken some.
        long pooledOrTrimmed = pooled.BlocksPooled + pooled.BlocksTrimmed - before.BlocksTrimmed;
        Assert.True(pooledOrTrimmed >= 5, $"{pooledOrTrimmed} blocks pooled");

        // The pool empties first; the blocks' release to the OS, counted by BlocksReleased, follows on the trimming thread.
        Assert.True(SpinWait.SpinUntil(() => FioMemory.GetStatistics() is { BlocksPooled: 0 } now
            && now.BlocksReleased - before.BlocksReleased >= pooled.BlocksPooled, Patience), "the pool was never trimmed");
        FioMemoryStatistics after = FioMemory.GetStatistics();
        Assert.True(after.BlocksTrimmed - before.BlocksTrimmed >= pooled.BlocksPooled,
            $"{after.BlocksTrimmed - before.BlocksTrimmed} blocks trimmed, {pooled.BlocksPooled} were pooled");
        Assert.True(after.BlocksReleased - before.BlocksReleased >= pooled.BlocksPooled);
        Assert.True(after.ReservedBytes <= pooled.ReservedBytes - pooled.BlocksPooled * FioMemory.BlockSize);
        Assert.NotNull(after.LastTrim);
    }

    [Fact]
    public void Pooling_a_block_arms_the_trim_and_an_empty_pool_leaves_it_unarmed()
    {
        long trimmedBefore = FioMemory.GetStatistics().BlocksTrimmed;
        PoolBlocks(blocks: 3);
        // Armed, or (on a machine stalled past the 250 ms delay) already expired and trimmed.
        Assert.True(IdleTrim.IsArmed || FioMemory.GetStatistics().BlocksTrimmed > trimmedBefore, "a pooled block arms the trim");
        FioMemory.Trim();
        // The pending expiry finds the pool empty and does not re-arm: nothing runs for an empty pool.
        Assert.True(SpinWait.SpinUntil(() => !IdleTrim.IsArmed, Patience), "the trim stayed armed with an empty pool");
        Assert.Equal(0, FioMemory.GetStatistics().BlocksPooled);
        Thread.Sleep(600);
        Assert.False(IdleTrim.IsArmed);
    }

    [Fact]
    public void Blocks_of_threads_that_exited_come_back_without_any_call()
    {
        FioMemory.Trim();
        // Nothing pending: only the threads' exit can arm the trim.
        Assert.True(SpinWait.SpinUntil(() => !IdleTrim.IsArmed, Patience), "the trim stayed armed with an empty pool");
        long before = FioMemory.GetStatistics().BlocksInUse;
        var threads = new Thread[4];
        // No thread exits before every one has its cache: a new thread's first allocation may sweep the caches of
        // threads that exited already, which would take an early finisher's block back before the count below.
        using var allHaveAllocated = new Barrier(threads.Length);
        for (int t = 0; t < threads.Length; t++)
        {
            // Each thread allocates and frees everything within one block (nothing is pooled), then exits.
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
        foreach (Thread t in threads)
            t.Join();
        Assert.True(FioMemory.GetStatistics().BlocksInUse >= before + threads.Length, "each thread holds its block until it is taken back");

        // The first collection after the exits drops the threads' statics; their finalizers arm the trim.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.True(SpinWait.SpinUntil(() => FioMemory.GetStatistics().BlocksInUse <= before, Patience),
            $"{FioMemory.GetStatistics().BlocksInUse} blocks in use, {before} before the threads ran");
    }

    [Fact]
    public void A_trim_under_memory_pressure_releases_every_pooled_block_however_recent()
    {
        // An attempt counts when the idle timer did not trim first: on a stalled machine the blocks can age past the
        // 250 ms delay between being pooled and the call, and the timer then takes some of them.
        for (int attempt = 0; ; attempt++)
        {
            FioMemory.Trim();
            FioMemoryStatistics before = FioMemory.GetStatistics();
            PoolBlocks(blocks: 4);
            // The trim takes the exited thread's block back first; done here, it is counted among the pooled ones.
            Allocator.SweepExitedThreads();
            long pooled = FioMemory.GetStatistics().BlocksPooled;
            Assert.True(pooled >= 3);

            int released = IdleTrim.TrimNow(all: true);

            FioMemoryStatistics after = FioMemory.GetStatistics();
            Assert.Equal(0, after.BlocksPooled);
            long trimmed = after.BlocksTrimmed - before.BlocksTrimmed;
            if (trimmed != released && attempt < 2)
                continue;
            Assert.Equal(pooled, released);
            Assert.Equal(released, trimmed);
            return;
        }
    }

    [Fact]
    public void Gen2_collections_call_the_pressure_trim()
    {
        PoolBlocks(blocks: 2);
        long before = IdleTrim.Gen2Callbacks;
        // The callback object first has to age into generation 2.
        for (int i = 0; i < 4; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.True(IdleTrim.Gen2Callbacks > before, "no gen-2 callback ran");
        FioMemory.Trim();
    }

    /// <summary>Fills <paramref name="blocks"/> blocks' worth on a thread of its own and frees it all there.</summary>
    private static void PoolBlocks(int blocks)
    {
        var thread = new Thread(() =>
        {
            var pointers = new nint[blocks * 3];
            for (int i = 0; i < pointers.Length; i++)
                pointers[i] = (nint)FioMemory.Alloc(40_000);
            foreach (nint p in pointers)
                FioMemory.Free((void*)p);
        });
        thread.Start();
        thread.Join();
    }
}
