// The allocator's figures and Trim.
using System;

namespace FioMem;

internal static unsafe partial class Allocator
{
    public static FioMemoryStatistics GetStatistics()
    {
        long committed = AddressSpace.CommittedBlocks;
        int pooled = BlockPool.Count;
        LargeAllocations.Totals large = LargeAllocations.GetTotals();
        return new FioMemoryStatistics
        {
            BlockSize = Layout.BlockSize,
            ReservedBytes = committed * Layout.BlockSize + large.LargeBytes + large.LongLivedBytes,
            BlocksInUse = Math.Max(0, committed - pooled),
            BlocksPooled = pooled,
            BlocksReleased = AddressSpace.ReleasedBlocks,
            LargeAllocations = large.LargeCount,
            LargeBytes = large.LargeBytes,
            LongLivedAllocations = large.LongLivedCount,
            LongLivedBytes = large.LongLivedBytes,
            ThreadCaches = ThreadCache.Count,
            MaxPooledBlocks = FioMemoryOptions.MaxPooledBlocks,
            BlocksTrimmed = BlockPool.TrimmedBlocks,
            LastTrim = BlockPool.LastTrim,
            TrimDelay = TimeSpan.FromMilliseconds(FioMemoryOptions.TrimDelayMilliseconds),
            MemoryPoolRentals = FioMemoryOwner.Rentals,
            MemoryPoolBuffers = FioMemoryOwner.Outstanding,
            NativeMemoryHandoffs = ForeignMemory.Handoffs,
            CheckedMode = FioMemoryOptions.Checked,
        };
    }

    public static void Trim()
    {
        // A double free or a write after free found on the way (the sweep's report over the settling's) is thrown once
        // the pooled blocks are released too.
        Exception? problem = null;
        try
        {
            if (ThreadCache.Current is { } cache)
                SettlePendingFrees(cache);
        }
        catch (Exception e)
        {
            problem = e;
        }
        try
        {
            SweepExitedThreads();
        }
        catch (Exception e)
        {
            problem = e;
        }
        BlockPool.Trim();
        if (problem is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(problem);
    }
}
