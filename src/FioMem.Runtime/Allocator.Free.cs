// The free path: the thread's own frees first, inlined — its latest allocation (no bitmap read), the rest of the block it
// slices (no atomic, no header read), and blocks it sliced and retired (counted in the thread, settled with one atomic
// per run of frees) — then, out of line, one atomic decrement for every other free, with an atomic test-and-set of the
// allocation's freed bit. Recycling an emptied block is a call out of both. A second free of an allocation finds a
// freed bit set and is rejected before any count changes.
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
        ThreadCache? cache = ThreadCache.Current;
        if (!FioMemoryOptions.Checked && cache is not null && ptr == cache.Latest)
        {
            FreeLatest(cache, ptr);
            return;
        }
        byte* block = Block.Of(ptr);
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
        if (!FioMemoryOptions.Checked && cache is not null && Block.Header(block)->Slicer == cache.Id)
        {
            // A block this thread sliced and has retired (a heap's block is told apart by its state, below): no atomic.
            FreeIntoOwnRetiredBlock(cache, ptr, block);
            return;
        }
        FreeIntoOtherBlock(ptr, block);
    }

    /// <summary>
    /// Normal mode, a free by the thread that sliced <paramref name="block"/> and retired it: validated, marked in the
    /// owner-freed bitmap, and counted in the thread's cache (<see cref="AddPendingFree"/>). Any other state of the block
    /// (a heap's, or a pointer into a block that holds nothing) goes the general way, which rejects what it must.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FreeIntoOwnRetiredBlock(ThreadCache cache, void* ptr, byte* block)
    {
        BlockHeader* header = Block.Header(block);
        if (Volatile.Read(ref header->State) != (int)BlockState.Retired || !AddressSpace.IsCarved(ptr))
        {
            FreeIntoOtherBlock(ptr, block);
            return;
        }
        int slice = ValidateSliceOf(ptr, block, out _);
        if (slice >= header->UsedEnd)
            ThrowHelper.ThrowNeverHandedOut(ptr, block);
        ulong bit = 1UL << slice;
        ulong* ownerFreed = Block.OwnerFreedWord(block, slice >> 6);
        ulong mine = *ownerFreed;
        if (((mine | ownerFreed[1]) & bit) != 0)
            ThrowHelper.ThrowDoubleFree(ptr, block);
        *ownerFreed = mine | bit;
        AddPendingFree(cache, block);
    }

    /// <summary>
    /// A free into a block the calling thread is not slicing: another thread's, a heap's, or (checked mode) one it
    /// sliced and retired. Out of line, so the thread's own frees (inlined) stay small enough that a caller's loop keeps
    /// the thread-static lookup out of it; these frees take an atomic or two anyway.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FreeIntoOtherBlock(void* ptr, byte* block)
    {
        if (Block.Header(block)->State == (int)BlockState.Heap)
        {
            FreeHeapSlice(ptr, block);
            return;
        }
        int slice = ValidateSlice(ptr, block, out _);
        if (FioMemoryOptions.Checked)
            CheckedMode.OnFree(ptr, block, slice);
        else
            MarkFreed(ptr, block, slice);
        int remaining = Interlocked.Decrement(ref Block.Header(block)->References);
        Debug.Assert(remaining >= -1, "a double free is undone before another free sees the count");
        if (remaining <= 0)
            LastReferenceGone(block, ptr, remaining);
    }

    /// <summary>
    /// A free by the thread that is slicing the block: the thread's private count drops instead of the shared one
    /// (no atomic), and when the allocation is the latest one the bump pointer steps back over it, so a
    /// "malloc then immediate free" pattern reuses the same, cache-hot slices (except in checked mode). Any other
    /// allocation is marked in the owner-freed bitmap, which only this thread, the block's slicer, writes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FreeFromOwnBlock(ThreadCache cache, void* ptr, byte* block, int slice, ulong boundaryWord)
    {
        int next = cache.Next;
        Debug.Assert(slice < next, "the caller rejected a pointer at or past the bump pointer");
        // Checked mode leaves freed slices poisoned until the block is recycled, so writes after free show up.
        if (FioMemoryOptions.Checked)
        {
            cache.Allocated--;
            return;
        }
        // Freed already, by this thread or another: rejected before the count drops. A latest allocation freed here
        // never gets a bit (the bump pointer steps back over it instead, and a second free lies past it).
        ulong bit = 1UL << slice;
        ulong* ownerFreed = Block.OwnerFreedWord(block, slice >> 6);
        ulong mine = *ownerFreed;
        // ownerFreed[1] is the freed word for the same slices, on the same cache line.
        if (((mine | ownerFreed[1]) & bit) != 0)
            ThrowHelper.ThrowDoubleFree(ptr, block);
        cache.Allocated--;
        // boundaryWord is still current: only this thread, the block's slicer, writes its boundary bits.
        int end = Block.EndInWord(slice, boundaryWord);
        if (end == 0)
        {
            // The allocation ends in a later bitmap word: found out of line, so the common case keeps nothing live
            // across a call.
            StepBackOverLong(cache, block, slice, boundaryWord, next);
            return;
        }
        if (end == next)
            StepBack(cache, block, slice, next);
        else
            *ownerFreed = mine | bit;
    }

    /// <summary>
    /// Normal mode, a free of the calling thread's latest allocation (<see cref="ThreadCache.Latest"/>): a live
    /// allocation start in the thread's current block that ends at the bump pointer, so nothing of the boundary
    /// bitmap needs reading and its owner-freed bit is clear (this thread's free of it steps back and forgets it). Only
    /// another thread's free of it can have come first, which set its freed bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FreeLatest(ThreadCache cache, void* ptr)
    {
        byte* block = cache.Block;
        int slice = (int)(((nuint)ptr & Layout.BlockMask) >> Layout.SliceShift);
        if ((*Block.FreedWord(block, slice >> 6) & (1UL << slice)) != 0)
            ThrowHelper.ThrowDoubleFree(ptr, block);
        cache.Allocated--;
        cache.Latest = null;
        StepBack(cache, block, slice, cache.Next);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StepBackOverLong(ThreadCache cache, byte* block, int slice, ulong boundaryWord, int next)
    {
        if (Block.EndOf(block, slice, boundaryWord) == next)
            StepBack(cache, block, slice, next);
        else
            *Block.OwnerFreedWord(block, slice >> 6) |= 1UL << slice;
    }

    /// <summary>
    /// Steps the bump pointer back from <paramref name="next"/> over the latest allocation, which starts at
    /// <paramref name="slice"/>: its slices are handed out again next.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StepBack(ThreadCache cache, byte* block, int slice, int next)
    {
        Block.Boundaries(block)[next >> 6] &= ~(1UL << next);
        cache.Next = slice;
        if (cache.DirtyEnd < next)
            cache.DirtyEnd = next;
    }

    /// <summary>
    /// Normal mode, a free by a thread that did not slice <paramref name="block"/> (the slicing thread's own frees are
    /// marked on the inlined paths, with plain stores into the owner-freed bitmap it alone writes): sets the
    /// allocation's bit in the freed bitmap atomically, and rejects the free when that bit or the owner-freed one is set
    /// already. The owner-freed bit is read plainly: only two frees at the very same moment, one on the thread that
    /// sliced the block and one on another, can both pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MarkFreed(void* ptr, byte* block, int slice)
    {
        ulong bit = 1UL << slice;
        int word = slice >> 6;
        if ((*Block.OwnerFreedWord(block, word) & bit) != 0 || (Interlocked.Or(ref *Block.FreedWord(block, word), bit) & bit) != 0)
            ThrowHelper.ThrowDoubleFree(ptr, block);
    }

    /// <summary>
    /// Normal mode, a free by the thread that sliced <paramref name="block"/> and has retired it: counted in the thread's
    /// cache instead of with an atomic decrement of the block's count (<see cref="ThreadCache.PendingFrees"/>). The
    /// count is settled with one atomic when the thread frees into another block, takes a new block, calls
    /// <c>Trim()</c> or exits, and at once when these frees are all the block's count has left (the block is empty).
    /// The block's count stays above zero meanwhile, so no other thread's free recycles it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddPendingFree(ThreadCache cache, byte* block)
    {
        if (cache.PendingBlock != block)
            SwitchPendingBlock(cache, block);
        int pending = ++cache.PendingFrees;
        // The count is the live allocations plus these frees: equal, the block is empty. (The header's line was read
        // by the validation.)
        if (pending == Volatile.Read(ref Block.Header(block)->References))
            SettlePendingFrees(cache);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SwitchPendingBlock(ThreadCache cache, byte* block)
    {
        SettlePendingFrees(cache);
        cache.PendingBlock = block;
    }

    /// <summary>
    /// Takes the frees <paramref name="cache"/> counted for its pending block off the block's count, and recycles the
    /// block when that empties it. The calling thread is the cache's, or the cache's thread has exited.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void SettlePendingFrees(ThreadCache cache)
    {
        byte* block = cache.PendingBlock;
        if (block == null)
            return;
        int pending = cache.PendingFrees;
        cache.PendingBlock = null;
        cache.PendingFrees = 0;
        int remaining = Interlocked.Add(ref Block.Header(block)->References, -pending);
        if (remaining > 0)
            return;
        if (remaining < 0)
        {
            // More frees than allocations: a double free the freed bits missed (two frees racing, one on this thread
            // and one on another). Undone and reported, as when a single free finds it; the block is not recycled.
            Interlocked.Add(ref Block.Header(block)->References, -remaining);
            ThrowHelper.ThrowOverFreed(block);
        }
        Recycle(block);
    }

    /// <summary>
    /// For <c>Realloc</c>: rejects the allocation at <paramref name="slice"/> when it was freed already (checked mode:
    /// any use of freed memory; normal mode: a set freed bit).
    /// </summary>
    private static void ThrowIfFreed(void* ptr, byte* block, int slice)
    {
        if (FioMemoryOptions.Checked)
            CheckedMode.CheckLive(ptr, block, slice);
        else if (((*Block.OwnerFreedWord(block, slice >> 6) | *Block.FreedWord(block, slice >> 6)) & (1UL << slice)) != 0)
            ThrowHelper.ThrowDoubleFree(ptr, block);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LastReferenceGone(byte* block, void* ptr, int remaining)
    {
        if (remaining < 0)
        {
            // More frees than allocations: a double free the freed bits missed (two frees racing, one on the thread
            // that sliced the block and one on another). Undo and report.
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
