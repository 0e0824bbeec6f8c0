// The free path: a free by the slicing thread first (no atomic, no header read), then one atomic decrement for every
// other thread; recycling the emptied block is a call out of it.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace FioMem;

internal static unsafe partial class Allocator
{
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
            // Nothing at or past the bump pointer is allocated: a pointer there is the end of the latest allocation,
            // or the latest allocation freed a second time (its slices were stepped back over).
            if (own >= cache.Next)
                ThrowHelper.ThrowNeverHandedOut(ptr, block);
            if (FioMemoryOptions.Checked)
                CheckedMode.OnFree(ptr, block, own);
            FreeFromOwnBlock(cache, ptr, block, own, boundaryWord);
            return;
        }
        if (Block.Header(block)->State == (int)BlockState.Heap)
        {
            FreeHeapSlice(ptr, block);
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
        Debug.Assert(slice < next, "the caller rejected a pointer at or past the bump pointer");
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

    /// <summary>
    /// <see cref="Free(void*)"/> for <c>AlignedFree</c>: the same path for FioMem's memory; memory FioMem did not
    /// allocate goes to <c>NativeMemory.AlignedFree</c> instead of <c>NativeMemory.Free</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AlignedFree(void* ptr)
    {
        if (AddressSpace.InRegion(ptr))
            FreeSlice(ptr);
        else if (ptr != null)
            AlignedFreeOther(ptr);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FreeOther(void* ptr) => ReleaseOther(ptr, aligned: false);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AlignedFreeOther(void* ptr) => ReleaseOther(ptr, aligned: true);

    /// <summary>
    /// A pointer outside the region: a portable block's slice, a large or long-lived allocation, or memory FioMem did
    /// not allocate, which <see cref="ForeignMemory"/> hands to <c>NativeMemory</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReleaseOther(void* ptr, bool aligned)
    {
        if (AddressSpace.IsPortable && AddressSpace.OwnsBlockOf(ptr))
        {
            FreeSlice(ptr);
            return;
        }
        if (!LargeAllocations.TryFree(ptr))
            ForeignMemory.Free(ptr, aligned);
    }
}
