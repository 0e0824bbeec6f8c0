// The allocation, free and realloc paths. The fast paths come first; everything rare is a call out of them.
using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace FioMem;

/// <summary>
/// FioMem's engine. Small allocations are bump-sliced from the calling thread's current block in 16-byte slices:
/// no lock, no atomic, no per-allocation header. A free is one atomic decrement of the block's reference count;
/// the thread that brings it to zero recycles the whole block. Large and long-lived allocations go to
/// <see cref="LargeAllocations"/>.
/// </summary>
internal static unsafe class Allocator
{
    // ---------------------------------------------------------------- allocation

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint byteCount) => Alloc(byteCount, keptSlices: 0);

    /// <summary>
    /// The allocation fast path. <paramref name="keptSlices"/> leading slices are left as they are because the caller
    /// (a growing realloc) overwrites them at once; everything else is zeroed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void* Alloc(nuint byteCount, int keptSlices)
    {
        ThreadCache? cache = ThreadCache.Current;
        if (byteCount < Layout.LargeThreshold && cache is not null)
        {
            int start = cache.Next;
            int end = start + Layout.SlicesFor(byteCount);
            if (end <= Layout.SlicesPerBlock)
                return Slice(cache, start, end, keptSlices);
        }
        return AllocSlow(byteCount);
    }

    /// <summary>
    /// An allocation whose start is a multiple of <paramref name="alignment"/>: alignments up to
    /// <see cref="Layout.MaxSlicedAlignment"/> are sliced from the thread's block like any other allocation, the start
    /// rounded up; larger ones, and large sizes, take the large path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* AlignedAlloc(nuint byteCount, nuint alignment)
    {
        if (!System.Numerics.BitOperations.IsPow2(alignment))
            ThrowHelper.ThrowAlignmentNotPowerOfTwo(alignment);
        if (alignment <= Layout.SliceSize)
            return Alloc(byteCount, keptSlices: 0);
        ThreadCache? cache = ThreadCache.Current;
        if (byteCount < Layout.LargeThreshold && alignment <= Layout.MaxSlicedAlignment && cache is not null)
        {
            int mask = (int)(alignment >> Layout.SliceShift) - 1;
            int next = cache.Next;
            int start = (next + mask) & ~mask;
            int end = start + Layout.SlicesFor(byteCount);
            if (end <= Layout.SlicesPerBlock)
            {
                if (start != next)
                    SkipToAligned(cache, next, start);
                return Slice(cache, start, end, keptSlices: 0);
            }
        }
        return AlignedAllocSlow(byteCount, alignment);
    }

    /// <summary>
    /// Hands out slices [start, end) of the cache's block, which the caller checked fit, zeroed except the first
    /// <paramref name="keptSlices"/>, which the caller overwrites.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void* Slice(ThreadCache cache, int start, int end, int keptSlices)
    {
        byte* block = cache.Block;
        cache.Next = end;
        cache.Allocated++;
        // Mark where this allocation starts and ends before anyone can see the pointer (see BlockHeader).
        ulong* bits = Block.Boundaries(block);
        if ((start >> 6) == (end >> 6))
        {
            bits[start >> 6] |= (1UL << start) | (1UL << end);
        }
        else
        {
            bits[start >> 6] |= 1UL << start;
            bits[end >> 6] |= 1UL << end;
        }
        byte* p = block + ((nuint)start << Layout.SliceShift);
        int clearFrom = start + keptSlices;
        if (clearFrom < cache.DirtyEnd && clearFrom < end)
            ZeroDirty(p + ((nuint)keptSlices << Layout.SliceShift), clearFrom, end, cache.DirtyEnd);
        if (FioMemoryOptions.Checked)
            CheckedMode.OnAllocate(block, start);
        return p;
    }

    /// <summary>Zeroes the part of a slice range that an earlier use of the block wrote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ZeroDirty(byte* p, int start, int end, int dirtyEnd)
    {
        int slices = Math.Min(end, dirtyEnd) - start;
        if (slices <= 4)
        {
            // Up to 64 bytes: four vector stores beat a call.
            Unsafe.InitBlockUnaligned(p, 0, 16);
            if (slices > 1) Unsafe.InitBlockUnaligned(p + 16, 0, 16);
            if (slices > 2) Unsafe.InitBlockUnaligned(p + 32, 0, 16);
            if (slices > 3) Unsafe.InitBlockUnaligned(p + 48, 0, 16);
        }
        else
        {
            SliceClear.Clear(p, (nuint)slices << Layout.SliceShift);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* AllocSlow(nuint byteCount)
    {
        if (byteCount >= Layout.LargeThreshold)
            return LargeAllocations.Allocate(byteCount, LargeAllocations.Kind.Large, Layout.SliceSize);
        ThreadCache cache = ThreadCache.Current ?? ThreadCache.CreateForCurrentThread();
        int slices = Layout.SlicesFor(byteCount);
        int start = cache.Next;
        if (start + slices > Layout.SlicesPerBlock)
        {
            Refill(cache, byteCount);
            start = cache.Next;
        }
        return Slice(cache, start, start + slices, keptSlices: 0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* AlignedAllocSlow(nuint byteCount, nuint alignment)
    {
        if (byteCount >= Layout.LargeThreshold || alignment > Layout.MaxSlicedAlignment)
            return LargeAllocations.Allocate(byteCount, LargeAllocations.Kind.Large, alignment);
        ThreadCache cache = ThreadCache.Current ?? ThreadCache.CreateForCurrentThread();
        int slices = Layout.SlicesFor(byteCount);
        int mask = (int)(alignment >> Layout.SliceShift) - 1;
        int next = cache.Next;
        int start = (next + mask) & ~mask;
        if (start + slices > Layout.SlicesPerBlock)
        {
            Refill(cache, byteCount);
            next = cache.Next;
            start = (next + mask) & ~mask;
        }
        if (start != next)
            SkipToAligned(cache, next, start);
        return Slice(cache, start, start + slices, keptSlices: 0);
    }

    /// <summary>
    /// Moves the bump pointer from <paramref name="next"/> up to the aligned <paramref name="start"/>. No pointer into
    /// the skipped slices may pass for an allocation: they become the zeroed tail of the allocation before them, whose
    /// end bit moves to <paramref name="start"/> (a block's first allocation has none before it, and the skipped
    /// slices stay unmarked). Checked mode instead keeps them as an allocation of their own that is already freed:
    /// poisoned, with no live bit, so the recycle check finds poison there and a free of it is rejected.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SkipToAligned(ThreadCache cache, int next, int start)
    {
        Debug.Assert(next < start && start <= Layout.SlicesPerBlock, "the gap lies in the block");
        byte* block = cache.Block;
        byte* gap = block + ((nuint)next << Layout.SliceShift);
        ulong* bits = Block.Boundaries(block);
        if (FioMemoryOptions.Checked)
        {
            new Span<byte>(gap, (start - next) << Layout.SliceShift).Fill(CheckedMode.Poison);
            bits[next >> 6] |= 1UL << next;
            bits[start >> 6] |= 1UL << start;
        }
        else
        {
            // Zeroed before they join the allocation before them (whose Realloc would copy them), and the new end is
            // marked before the old one is cleared, so a thread sizing that allocation meanwhile finds one or the other.
            if (next < cache.DirtyEnd)
                SliceClear.Clear(gap, (nuint)(Math.Min(start, cache.DirtyEnd) - next) << Layout.SliceShift);
            bits[start >> 6] |= 1UL << start;
            Volatile.Write(ref bits[next >> 6], bits[next >> 6] & ~(1UL << next));
        }
        cache.Next = start;
    }

    /// <summary>
    /// Retires the cache's block and gives it a new one: the same block if it is already empty, else a pooled or fresh
    /// one. <paramref name="byteCount"/> is the size asked for, named if there is no memory left.
    /// </summary>
    private static void Refill(ThreadCache cache, nuint byteCount)
    {
        byte* block = RetireCurrentBlock(cache, reuse: true);
        if (block == null)
            block = BlockPool.Rent(cache);
        if (block == null)
        {
            block = AddressSpace.TakeFreshBlock();
            if (block == null)
            {
                // Blocks of exited threads may be all that is left; take them back and try once more.
                ThreadCache.SweepExitedThreads();
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
        cache.Block = block;
        cache.Next = Layout.FirstDataSlice;
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
        header->State = (int)BlockState.Retired;
        int allocated = cache.Allocated;
        cache.Block = null;
        cache.Next = ThreadCache.NoBlock;
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

    // ---------------------------------------------------------------- free

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* ptr)
    {
        if (AddressSpace.InRegion(ptr))
            FreeSlice(ptr);
        else if (ptr != null)
            FreeOther(ptr);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FreeSlice(void* ptr)
    {
        byte* block = Block.Of(ptr);
        ThreadCache? cache = ThreadCache.Current;
        if (cache is not null && cache.Block == block)
        {
            // The caller's own block is active by definition, so its header is not read: other threads' frees write
            // the header's cache line, and reading it here would pull it back to this core on every free.
            int own = ValidateSliceOf(ptr, block, out ulong boundaryWord);
            if (FioMemoryOptions.Checked)
                CheckedMode.OnFree(ptr, block, own);
            FreeFromOwnBlock(cache, ptr, block, own, boundaryWord);
            return;
        }
        int slice = ValidateSlice(ptr, block, out _);
        if (FioMemoryOptions.Checked)
            CheckedMode.OnFree(ptr, block, slice);
        int remaining = Interlocked.Decrement(ref Block.Header(block)->References);
        Debug.Assert(remaining >= -1, "a double free is undone before another free sees the count");
        if (remaining <= 0)
            LastReferenceGone(block, ptr, remaining);
    }

    /// <summary>
    /// A free by the thread that is slicing the block: the thread's private count drops instead of the shared one
    /// (no atomic), and when the allocation is the latest one the bump pointer steps back over it, so a
    /// "malloc then immediate free" pattern reuses the same, cache-hot slices (except in checked mode).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FreeFromOwnBlock(ThreadCache cache, void* ptr, byte* block, int slice, ulong boundaryWord)
    {
        int next = cache.Next;
        // Nothing at or past the bump pointer is allocated: a pointer there is the latest allocation freed a second
        // time (its slices were stepped back over), or the end of the latest one.
        if (slice >= next)
            ThrowHelper.ThrowForeignPointer(ptr);
        cache.Allocated--;
        // Checked mode leaves freed slices poisoned until the block is recycled, so writes after free show up.
        if (FioMemoryOptions.Checked)
            return;
        // boundaryWord is still current: only this thread, the block's slicer, writes its boundary bits.
        int end = Block.EndInWord(slice, boundaryWord);
        if (end == 0)
        {
            // The allocation ends in a later bitmap word: found out of line, so the common case keeps nothing live
            // across a call.
            StepBackOverLong(cache, block, slice, boundaryWord, next);
            return;
        }
        StepBackIfLatest(cache, block, slice, end, next);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StepBackOverLong(ThreadCache cache, byte* block, int slice, ulong boundaryWord, int next) =>
        StepBackIfLatest(cache, block, slice, Block.EndOf(block, slice, boundaryWord), next);

    /// <summary>
    /// Steps the bump pointer back over the allocation [<paramref name="slice"/>, <paramref name="end"/>) when it is
    /// the latest one, that is when it ends at <paramref name="next"/>, the bump pointer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StepBackIfLatest(ThreadCache cache, byte* block, int slice, int end, int next)
    {
        if (end != next)
            return;
        Block.Boundaries(block)[next >> 6] &= ~(1UL << next);
        cache.Next = slice;
        if (cache.DirtyEnd < next)
            cache.DirtyEnd = next;
    }

    /// <summary>
    /// Checks that <paramref name="ptr"/> is the start of an allocation in a live block and returns its slice:
    /// aligned, past the header, in a block that is sliced or retired, on a boundary the slicer marked that some
    /// boundary follows. The last check tells a start from the end of the block's latest allocation (the bump
    /// pointer, or a retired block's end), whose bit is set too but where nothing was handed out.
    /// </summary>
    /// <param name="ptr">The pointer being freed or reallocated.</param>
    /// <param name="block">The block it lies in.</param>
    /// <param name="end">The slice where the allocation ends.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ValidateSlice(void* ptr, byte* block, out int end)
    {
        if (!AddressSpace.IsCarved(ptr) || (uint)(Block.Header(block)->State - (int)BlockState.Active) > 1u)
            ThrowHelper.ThrowForeignPointer(ptr);
        int slice = ValidateSliceOf(ptr, block, out ulong boundaryWord);
        end = Block.EndOf(block, slice, boundaryWord);
        if (end == 0)
            ThrowHelper.ThrowNeverHandedOut(ptr, block);
        return slice;
    }

    /// <summary>
    /// The checks of <see cref="ValidateSlice(void*, byte*, out int)"/> that read neither the block's header nor past
    /// the slice's bitmap word, for a block known to be live (the caller's own, whose bump pointer the caller checks
    /// instead): aligned, past the header, on a boundary the slicer marked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ValidateSliceOf(void* ptr, byte* block, out ulong boundaryWord)
    {
        nuint offset = (nuint)ptr & Layout.BlockMask;
        int slice = (int)(offset >> Layout.SliceShift);
        if ((offset & (Layout.SliceSize - 1)) != 0 || slice < Layout.FirstDataSlice)
            ThrowHelper.ThrowForeignPointer(ptr);
        boundaryWord = Block.Boundaries(block)[slice >> 6];
        if ((boundaryWord & (1UL << slice)) == 0)
            ThrowHelper.ThrowNotAnAllocationStart(ptr, block);
        return slice;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LastReferenceGone(byte* block, void* ptr, int remaining)
    {
        if (remaining < 0)
        {
            // More frees than allocations: a double free that checked mode would have named. Undo and report.
            Interlocked.Increment(ref Block.Header(block)->References);
            ThrowHelper.ThrowDoubleFree(ptr, block);
        }
        Recycle(block);
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
    /// Makes an empty block ready to slice again: clears its bitmaps; in checked mode first verifies the poison of
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
        Block.ClearBitmap(Block.Boundaries(block), usedEnd);
        if (FioMemoryOptions.Checked)
            Block.ClearBitmap(Block.LiveBits(block), usedEnd);
        header->UsedEnd = 0;
        return problem;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FreeOther(void* ptr)
    {
        if (AddressSpace.IsPortable && AddressSpace.OwnsBlockOf(ptr))
        {
            FreeSlice(ptr);
            return;
        }
        if (!LargeAllocations.TryFree(ptr))
            ThrowHelper.ThrowForeignPointer(ptr);
    }

    // ---------------------------------------------------------------- realloc

    public static void* Realloc(void* ptr, nuint byteCount, nuint copyLength) =>
        Resize(ptr, byteCount, copyLength, Layout.SliceSize);

    public static void* AlignedRealloc(void* ptr, nuint byteCount, nuint alignment)
    {
        if (!System.Numerics.BitOperations.IsPow2(alignment))
            ThrowHelper.ThrowAlignmentNotPowerOfTwo(alignment);
        return Resize(ptr, byteCount, nuint.MaxValue, alignment);
    }

    /// <summary>
    /// Resizes an allocation to <paramref name="byteCount"/> bytes at a multiple of <paramref name="alignment"/> (a power
    /// of two), keeping its first min(old size, new size, <paramref name="copyLength"/>) bytes. A small allocation stays
    /// where it is when it shrinks, or grows over free slices after it, and is already aligned; otherwise it moves.
    /// Nothing is changed until the new memory is had, so an <see cref="OutOfMemoryException"/> leaves
    /// <paramref name="ptr"/> as it was.
    /// </summary>
    private static void* Resize(void* ptr, nuint byteCount, nuint copyLength, nuint alignment)
    {
        if (ptr == null)
            return alignment <= Layout.SliceSize ? Alloc(byteCount) : AlignedAlloc(byteCount, alignment);
        if (!AddressSpace.OwnsBlockOf(ptr))
            return LargeAllocations.Reallocate(ptr, byteCount, copyLength, alignment);

        byte* block = Block.Of(ptr);
        int slice = ValidateSlice(ptr, block, out int oldEnd);
        if (FioMemoryOptions.Checked)
            CheckedMode.CheckLive(ptr, block, slice);
        nuint oldSize = (nuint)(oldEnd - slice) << Layout.SliceShift;
        nuint keep = Math.Min(Math.Min(oldSize, byteCount), copyLength);

        if (byteCount < Layout.LargeThreshold && ((nuint)ptr & (alignment - 1)) == 0)
        {
            // Shrinking stays in place; so does growing over free slices after the allocation. What is no longer kept
            // is zeroed, so bytes past the kept ones read as zero, now and after a later growth.
            if (byteCount <= oldSize || TryGrowInPlace(block, oldEnd, slice, byteCount))
            {
                NativeMemory.Clear((byte*)ptr + keep, oldSize - keep);
                return ptr;
            }
        }
        void* result = alignment <= Layout.SliceSize
            ? Alloc(byteCount, keptSlices: (int)(keep >> Layout.SliceShift))
            : AlignedAlloc(byteCount, alignment);
        Buffer.MemoryCopy(ptr, result, byteCount, keep);
        FreeSlice(ptr);
        return result;
    }

    /// <summary>
    /// Grows the calling thread's latest allocation over the free slices after it, when it is the last one in the
    /// block the thread is slicing and they fit: a buffer grown step by step then never copies.
    /// </summary>
    private static bool TryGrowInPlace(byte* block, int oldEnd, int slice, nuint byteCount)
    {
        ThreadCache? cache = ThreadCache.Current;
        int newEnd = slice + Layout.SlicesFor(byteCount);
        if (cache is null || cache.Block != block || cache.Next != oldEnd || newEnd > Layout.SlicesPerBlock)
            return false;
        ulong* bits = Block.Boundaries(block);
        bits[oldEnd >> 6] &= ~(1UL << oldEnd);
        bits[newEnd >> 6] |= 1UL << newEnd;
        cache.Next = newEnd;
        if (oldEnd < cache.DirtyEnd)
            SliceClear.Clear(block + ((nuint)oldEnd << Layout.SliceShift), (nuint)(Math.Min(newEnd, cache.DirtyEnd) - oldEnd) << Layout.SliceShift);
        return true;
    }

    // ---------------------------------------------------------------- long-lived, statistics, trim

    public static void* AllocLongLived(nuint byteCount) =>
        LargeAllocations.Allocate(byteCount, LargeAllocations.Kind.LongLived, Layout.SliceSize);

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
            CheckedMode = FioMemoryOptions.Checked,
        };
    }

    public static void Trim()
    {
        ThreadCache.SweepExitedThreads();
        BlockPool.Trim();
    }
}
