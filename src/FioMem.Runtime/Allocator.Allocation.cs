// The allocation paths: the fast path first (one thread slicing its own block, no lock, no atomic); refilling and
// the large path are calls out of it.
using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace FioMem;

/// <summary>
/// FioMem's engine. Small allocations are bump-sliced from the calling thread's current block in 16-byte slices:
/// no lock, no atomic, no per-allocation header. A free is one atomic decrement of the block's reference count;
/// the thread that brings it to zero recycles the whole block. Large and long-lived allocations go to
/// <see cref="LargeAllocations"/>. One file per path: Allocator.Allocation (here), Allocator.Free, Allocator.Realloc,
/// Allocator.Validation, Allocator.Blocks and Allocator.Statistics.
/// </summary>
internal static unsafe partial class Allocator
{
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
        return AllocSlow(byteCount, Layout.SliceSize);
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
        ThreadCache? cache = ThreadCache.Current;
        if (byteCount < Layout.LargeThreshold && alignment <= Layout.MaxSlicedAlignment && cache is not null)
        {
            // Slices per alignment step, less one: 0 up to 16 bytes, which every slice start already has.
            int mask = (int)((alignment - 1) >> Layout.SliceShift);
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
        return AllocSlow(byteCount, alignment);
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
        // Mark where this allocation ends before anyone can see the pointer (see BlockHeader). Its start is the bump
        // pointer, whose bit is set already (ThreadCache.Next).
        ulong* bits = Block.Boundaries(block);
        Debug.Assert(Block.IsSet(bits, start), "the bump pointer's boundary bit is set");
        bits[end >> 6] |= 1UL << end;
        byte* p = block + ((nuint)start << Layout.SliceShift);
        if (!FioMemoryOptions.Checked)
            cache.Latest = p;
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

    /// <summary>
    /// The slow path of both fast paths (a plain allocation is aligned on a slice, so nothing is skipped): a large
    /// size or alignment, the thread's first allocation, or a block too full for the allocation.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* AllocSlow(nuint byteCount, nuint alignment)
    {
        if (byteCount >= Layout.LargeThreshold || alignment > Layout.MaxSlicedAlignment)
            return LargeAllocations.Allocate(byteCount, LargeAllocations.Kind.Large, Math.Max(alignment, Layout.SliceSize));
        ThreadCache cache = ThreadCache.Current ?? NewThreadCache();
        int slices = Layout.SlicesFor(byteCount);
        int mask = (int)((alignment - 1) >> Layout.SliceShift);
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
        MarkSkippedSlices(cache.Block, next, start, cache.DirtyEnd);
        cache.Next = start;
    }

    /// <summary>
    /// Marks the slices [<paramref name="next"/>, <paramref name="start"/>) of <paramref name="block"/>, skipped for an
    /// alignment, as <see cref="SkipToAligned"/> says (a thread's block or a heap's); <paramref name="dirtyEnd"/> is
    /// how far the block's data may hold old bytes.
    /// </summary>
    internal static void MarkSkippedSlices(byte* block, int next, int start, int dirtyEnd)
    {
        Debug.Assert(next < start && start <= Layout.SlicesPerBlock, "the gap lies in the block");
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
            if (next < dirtyEnd)
                SliceClear.Clear(gap, (nuint)(Math.Min(start, dirtyEnd) - next) << Layout.SliceShift);
            bits[start >> 6] |= 1UL << start;
            Volatile.Write(ref bits[next >> 6], bits[next >> 6] & ~(1UL << next));
        }
    }

    public static void* AllocLongLived(nuint byteCount) =>
        LargeAllocations.Allocate(byteCount, LargeAllocations.Kind.LongLived, Layout.SliceSize);
}
