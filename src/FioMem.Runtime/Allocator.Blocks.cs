// The life of a block around the fast paths: refill, retirement, reset and recycling, and taking back the blocks of
// threads that exited.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace FioMem;

internal static unsafe partial class Allocator
{
    /// <summary>
    /// Retires the cache's block and gives it a new one: the same block if it is already empty, else a pooled or fresh
    /// one. <paramref name="byteCount"/> is the size asked for, named if there is no memory left.
    /// </summary>
    private static void Refill(ThreadCache cache, nuint byteCount)
    {
        // Frees counted for a retired block are settled once a block's worth of allocations (that block may be empty).
        SettlePendingFrees(cache);
        byte* block = RetireCurrentBlock(cache, reuse: true);
        if (block == null)
            block = BlockPool.Rent(cache);
        if (block == null)
        {
            block = AddressSpace.TakeFreshBlock();
            if (block == null)
            {
                // Blocks of exited threads may be all that is left; take them back and try once more.
                SweepExitedThreads();
                block = BlockPool.Rent(cache);
                if (block == null)
                    ThrowHelper.ThrowBlocksExhausted(byteCount);
            }
        }
        BlockHeader* header = Block.Header(block);
        Debug.Assert(header->State != (int)BlockState.Active, "a block is sliced by one thread at a time");
        Debug.Assert(header->References == 0 && header->UsedEnd == 0, "only an empty, reset block is sliced anew");
        header->State = (int)BlockState.Active;
        header->Slicer = cache.Id;
        Volatile.Write(ref header->References, Layout.SlicingBias);
        // The bump pointer's bit is set from the start, so the fast path marks only an allocation's end. A pointer to
        // it with nothing after it is rejected as the end of the latest allocation, as before.
        Block.Boundaries(block)[Layout.FirstDataSlice >> 6] |= 1UL << Layout.FirstDataSlice;
        cache.Block = block;
        cache.Next = Layout.FirstDataSlice;
        cache.Latest = null;
        cache.Allocated = 0;
        cache.DirtyEnd = header->DirtyEnd;
    }

    /// <summary>
    /// Ends the cache's hold on its block: settles its private allocation count with the block's reference count.
    /// </summary>
    /// <param name="cache">The cache; its owner is the calling thread, or has exited.</param>
    /// <param name="reuse">Return the block to the caller, reset, when it turns out empty (instead of pooling it).</param>
    /// <returns>The reset block when <paramref name="reuse"/> and it was empty; otherwise null.</returns>
    internal static byte* RetireCurrentBlock(ThreadCache cache, bool reuse)
    {
        byte* block = cache.Block;
        if (block == null)
            return null;
        BlockHeader* header = Block.Header(block);
        Debug.Assert(header->State == (int)BlockState.Active, "only an active block is retired");
        Debug.Assert(cache.Next <= Layout.SlicesPerBlock, "the bump pointer stays in the block");
        header->UsedEnd = cache.Next;
        header->DirtyEnd = Math.Max(cache.DirtyEnd, cache.Next);
        Debug.Assert(header->DirtyEnd >= header->UsedEnd, "every slice handed out is below DirtyEnd");
        // Release: a thread that reads Retired reads this UsedEnd (pointer validation bounds starts by it).
        Volatile.Write(ref header->State, (int)BlockState.Retired);
        int allocated = cache.Allocated;
        cache.Block = null;
        cache.Next = ThreadCache.NoBlock;
        cache.Latest = null;
        cache.Allocated = 0;
        // Full fence: the header writes above are visible to whichever thread brings the count to zero.
        int live = Interlocked.Add(ref header->References, allocated - Layout.SlicingBias);
        Debug.Assert(live >= 0, "no more frees than allocations once the bias is gone");
        if (live != 0)
            return null;
        if (!reuse)
        {
            Recycle(block);
            return null;
        }
        Exception? problem = Reset(block);
        if (problem is not null)
        {
            BlockPool.Return(block, HomeOf(block));
            throw problem;
        }
        return block;
    }

    /// <summary>An empty, retired block: reset it and pool it (or release it past the cap).</summary>
    private static void Recycle(byte* block)
    {
        Exception? problem = Reset(block);
        BlockPool.Return(block, HomeOf(block));
        if (problem is not null)
            throw problem;
    }

    /// <summary>The calling thread's cache when that thread sliced <paramref name="block"/> last, else null: where the empty block is pooled.</summary>
    private static ThreadCache? HomeOf(byte* block)
    {
        ThreadCache? cache = ThreadCache.Current;
        return cache is not null && cache.Id == Block.Header(block)->Slicer ? cache : null;
    }

    /// <summary>
    /// Makes an empty block ready to slice again: clears its bitmaps (boundaries, and freed or live bits); in checked mode first verifies the poison of
    /// its freed slices. The data stays as it is (<see cref="BlockHeader.DirtyEnd"/> says how far to zero).
    /// </summary>
    /// <returns>The write-after-free found by checked mode, to throw once the block is safely put away.</returns>
    private static Exception? Reset(byte* block)
    {
        BlockHeader* header = Block.Header(block);
        Debug.Assert(header->State == (int)BlockState.Retired && header->References == 0, "only an empty, retired block is reset");
        int usedEnd = header->UsedEnd;
        Debug.Assert(usedEnd <= Layout.SlicesPerBlock, "UsedEnd lies in the block");
        Exception? problem = FioMemoryOptions.Checked ? CheckedMode.VerifyPoison(block, usedEnd) : null;
        Block.ResetBitmaps(block);
        return problem;
    }

    /// <summary>The calling thread's new cache; sweeps out exited threads when their share of the registry has grown.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ThreadCache NewThreadCache()
    {
        ThreadCache cache = ThreadCache.CreateForCurrentThread(out bool sweepDue);
        if (sweepDue)
            SweepExitedThreads();
        return cache;
    }

    /// <summary>
    /// What a sweep nobody called for (the idle trim) found — a write after free (checked mode) or a block with more frees
    /// than allocations (either mode) — thrown by the next sweep that has a caller.
    /// </summary>
    private static Exception? s_deferredReport;

    /// <summary>Keeps a checked-mode report from the idle trim for the next sweep with a caller (the first one kept wins).</summary>
    internal static void DeferReport(Exception report) => Interlocked.CompareExchange(ref s_deferredReport, report, null);

    /// <summary>Retires the blocks of threads that have exited, so their slices can be reclaimed, and pools their home lists.</summary>
    public static void SweepExitedThreads()
    {
        List<ThreadCache>? exited = ThreadCache.TakeExited();
        // What the idle trim found, reported to a caller now.
        Exception? problem = Interlocked.Exchange(ref s_deferredReport, null);
        if (exited is null)
        {
            if (problem is not null)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(problem);
            return;
        }
        // Every exited cache is taken care of even when retiring one reports a write after free (checked mode); the
        // first report is thrown once all are done, so none strands its block.
        foreach (ThreadCache cache in exited)
        {
            try
            {
                SettlePendingFrees(cache);
            }
            catch (InvalidOperationException e)
            {
                problem ??= e;
            }
            try
            {
                RetireCurrentBlock(cache, reuse: false);
            }
            catch (InvalidOperationException e)
            {
                problem ??= e;
            }
            BlockPool.Orphan(cache);
        }
        if (problem is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(problem);
    }
}
