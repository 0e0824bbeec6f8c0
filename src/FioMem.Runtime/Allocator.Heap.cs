// The allocator's side of FioHeap: blocks taken for a heap and given back whole, and frees and reallocations of heap
// memory from any thread. Kept apart from the thread-cache paths, which reach it by a block's state only.
using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace FioMem;

internal static unsafe partial class Allocator
{
    /// <summary>
    /// Gives the heap a block to slice: one of its own reset blocks, else a pooled or fresh one, marked
    /// <see cref="BlockState.Heap"/> and chained to the heap's used blocks. The block it was slicing stays in that chain.
    /// </summary>
    internal static void NextHeapBlock(FioHeap heap, nuint byteCount)
    {
        FinishHeapBlock(heap);
        byte* block = heap._spareBlocks;
        if (block != null)
        {
            heap._spareBlocks = (byte*)Block.Header(block)->HeapNext;
        }
        else
        {
            ThreadCache cache = ThreadCache.Current ?? NewThreadCache();
            block = TakeBlock(cache, byteCount);
            BlockHeader* fresh = Block.Header(block);
            Debug.Assert(fresh->References == 0 && fresh->UsedEnd == 0, "only an empty, reset block is taken by a heap");
            fresh->Slicer = cache.Id;
            fresh->HeapSlot = heap._slot.Id;
            Volatile.Write(ref fresh->State, (int)BlockState.Heap);
        }
        BlockHeader* header = Block.Header(block);
        header->HeapNext = (nuint)heap._usedBlocks;
        heap._usedBlocks = block;
        heap._block = block;
        heap._next = Layout.FirstDataSlice;
        heap._dirtyEnd = header->DirtyEnd;
    }

    /// <summary>A pooled or fresh block (as <see cref="Refill"/> finds one); throws when there is none.</summary>
    private static byte* TakeBlock(ThreadCache cache, nuint byteCount)
    {
        byte* block = BlockPool.Rent(cache);
        if (block == null)
            block = AddressSpace.TakeFreshBlock();
        if (block == null)
        {
            SweepExitedThreads();
            block = BlockPool.Rent(cache);
            if (block == null)
                ThrowHelper.ThrowBlocksExhausted(byteCount);
        }
        return block;
    }

    /// <summary>Records in the header of the heap's current block how far it was used, and lets it go.</summary>
    private static void FinishHeapBlock(FioHeap heap)
    {
        byte* block = heap._block;
        if (block == null)
            return;
        BlockHeader* header = Block.Header(block);
        header->UsedEnd = heap._next;
        header->DirtyEnd = Math.Max(heap._dirtyEnd, heap._next);
        heap._block = null;
        heap._next = ThreadCache.NoBlock;
    }

    /// <summary>
    /// <see cref="FioHeap.Reset"/> outside checked mode: every block the heap sliced is reset where it is (its
    /// bitmap cleared, nothing else touched) and kept for the heap's next round.
    /// </summary>
    /// <remarks>
    /// The blocks stay the heap's, so nothing needs to wait for other threads: outside checked mode a free of heap memory
    /// only reads the block (and steps the bump pointer back on the heap's own thread), so a stale free racing the
    /// reset can at worst be rejected or accepted wrongly, or leave a stale freed bit, never write heap memory.
    /// </remarks>
    internal static void ResetHeapBlocks(FioHeap heap)
    {
        FinishHeapBlock(heap);
        byte* block = heap._usedBlocks;
        while (block != null)
        {
            BlockHeader* header = Block.Header(block);
            byte* next = (byte*)header->HeapNext;
            Block.ResetBitmaps(block);
            header->HeapNext = (nuint)heap._spareBlocks;
            heap._spareBlocks = block;
            block = next;
        }
        heap._usedBlocks = null;
    }

    /// <summary>
    /// Gives every block of the heap up: marks them all, waits until no free or reallocation from another thread is
    /// inside one, then resets and pools them (checked mode: poisons and quarantines them).
    /// </summary>
    internal static void ReleaseHeapBlocks(FioHeap heap)
    {
        FinishHeapBlock(heap);
        byte* used = heap._usedBlocks;
        byte* spare = heap._spareBlocks;
        heap._usedBlocks = null;
        heap._spareBlocks = null;
        int leaving = FioMemoryOptions.Checked ? (int)BlockState.Quarantined : (int)BlockState.Pooled;
        for (byte* block = used; block != null; block = (byte*)Block.Header(block)->HeapNext)
            Interlocked.Exchange(ref Block.Header(block)->State, leaving);
        for (byte* block = spare; block != null; block = (byte*)Block.Header(block)->HeapNext)
            Interlocked.Exchange(ref Block.Header(block)->State, leaving);
        HeapSlots.WaitForVisitors(heap._slot);

        Exception? problem = null;
        GiveUpChain(used, ref problem);
        GiveUpChain(spare, ref problem);
        if (problem is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(problem);
    }

    private static void GiveUpChain(byte* block, ref Exception? problem)
    {
        while (block != null)
        {
            BlockHeader* header = Block.Header(block);
            byte* next = (byte*)header->HeapNext;
            header->HeapNext = 0;
            if (FioMemoryOptions.Checked)
            {
                problem ??= HeapQuarantine.Add(block);
            }
            else
            {
                Block.ResetBitmaps(block);
                BlockPool.Return(block, HomeOf(block));
            }
            block = next;
        }
    }

    /// <summary>
    /// A quarantined block whose poison was verified (checked mode): reset and pooled. Returns what the verification
    /// found, to throw once the block is put away.
    /// </summary>
    internal static Exception? RecycleQuarantined(byte* block)
    {
        BlockHeader* header = Block.Header(block);
        int usedEnd = header->UsedEnd;
        Exception? problem = CheckedMode.VerifyPoison(block, usedEnd);
        Block.ResetBitmaps(block);
        BlockPool.Return(block, HomeOf(block));
        return problem;
    }

    /// <summary>
    /// <see cref="SkipToAligned"/> for a heap: the skipped slices become the zeroed tail of the allocation before them
    /// (checked mode: an allocation of their own, already freed and poisoned).
    /// </summary>
    internal static void SkipToAlignedInHeap(FioHeap heap, int next, int start)
    {
        MarkSkippedSlices(heap._block, next, start, heap._dirtyEnd);
        heap._next = start;
    }

    /// <summary>
    /// Counts the caller in as a visitor of the heap named by <paramref name="block"/>'s header and checks, after that,
    /// that the block is still the heap's; the caller leaves with <see cref="LeaveHeap"/>. Throws (having left) when
    /// the block is no heap's any more: its heap was reset in checked mode, or disposed.
    /// </summary>
    private static HeapSlot EnterHeap(void* ptr, byte* block)
    {
        BlockHeader* header = Block.Header(block);
        int id = header->HeapSlot;
        HeapSlot? slot = HeapSlots.Find(id);
        if (slot is null)
            ThrowHelper.ThrowNoLiveAllocation(ptr);
        Interlocked.Increment(ref slot.Visitors);
        if (Volatile.Read(ref header->State) != (int)BlockState.Heap || header->HeapSlot != id)
        {
            Interlocked.Decrement(ref slot.Visitors);
            ThrowHelper.ThrowNoLiveAllocation(ptr);
        }
        return slot;
    }

    private static void LeaveHeap(HeapSlot slot) => Interlocked.Decrement(ref slot.Visitors);

    /// <summary>
    /// A free of heap memory, from any thread. The slices are reused when the heap is reset; the heap's own thread
    /// steps the bump pointer back over its latest allocation at once. Checked mode names a double free and poisons.
    /// </summary>
    private static void FreeHeapSlice(void* ptr, byte* block)
    {
        HeapSlot slot = EnterHeap(ptr, block);
        try
        {
            int slice = ValidateSliceOf(ptr, block, out ulong boundaryWord);
            int end = Block.EndOf(block, slice, boundaryWord);
            if (end == 0)
                ThrowHelper.ThrowNeverHandedOut(ptr, block);
            ReleaseHeapSlice(slot, ptr, block, slice, end);
        }
        finally
        {
            LeaveHeap(slot);
        }
    }

    /// <summary>
    /// The free of a validated heap allocation [slice, end), by a visitor of <paramref name="slot"/>. Outside checked
    /// mode the allocation's bit in the block's freed bitmap is set atomically (any thread may free heap memory), and a
    /// second free finds it set and is rejected; the heap's reset clears the bitmap with the rest.
    /// </summary>
    private static void ReleaseHeapSlice(HeapSlot slot, void* ptr, byte* block, int slice, int end)
    {
        if (FioMemoryOptions.Checked)
        {
            CheckedMode.OnFree(ptr, block, slice);
            return;
        }
        ulong bit = 1UL << slice;
        ulong* freed = Block.FreedWord(block, slice >> 6);
        if ((Interlocked.Or(ref *freed, bit) & bit) != 0)
            ThrowHelper.ThrowDoubleFree(ptr, block);
        FioHeap? heap = slot.Heap;
        if (heap is not null && heap._block == block && heap._next == end && heap.IsOwnerThread)
        {
            // The latest allocation: its slices are handed out again next, so its freed bit goes with it.
            Block.Boundaries(block)[end >> 6] &= ~(1UL << end);
            heap._next = slice;
            heap._dirtyEnd = Math.Max(heap._dirtyEnd, end);
            Interlocked.And(ref *freed, ~bit);
        }
    }

    /// <summary>
    /// <c>Realloc</c> of heap memory. Shrinking stays in place on any thread. Growing is done on the heap's own thread
    /// only, since it allocates from the heap: in place over the free slices after the heap's latest allocation, else
    /// by a move within the heap.
    /// </summary>
    private static void* ResizeHeapSlice(void* ptr, byte* block, nuint byteCount, nuint copyLength, nuint alignment)
    {
        HeapSlot slot = EnterHeap(ptr, block);
        try
        {
            int slice = ValidateSliceOf(ptr, block, out ulong boundaryWord);
            int oldEnd = Block.EndOf(block, slice, boundaryWord);
            if (oldEnd == 0)
                ThrowHelper.ThrowNeverHandedOut(ptr, block);
            ThrowIfFreed(ptr, block, slice);
            nuint oldSize = (nuint)(oldEnd - slice) << Layout.SliceShift;
            nuint keep = Math.Min(Math.Min(oldSize, byteCount), copyLength);
            FioHeap? heap = slot.Heap;
            bool owner = heap is not null && heap.IsOwnerThread;
            if (byteCount < Layout.LargeThreshold && ((nuint)ptr & (alignment - 1)) == 0)
            {
                if (byteCount <= oldSize || (owner && TryGrowInHeap(heap!, block, slice, oldEnd, byteCount)))
                {
                    NativeMemory.Clear((byte*)ptr + keep, oldSize - keep);
                    return ptr;
                }
            }
            if (!owner)
                ThrowHeapGrowthOnForeignThread(ptr, heap);
            void* result = alignment <= Layout.SliceSize ? heap!.Alloc(byteCount) : heap!.AlignedAlloc(byteCount, alignment);
            Buffer.MemoryCopy(ptr, result, byteCount, keep);
            ReleaseHeapSlice(slot, ptr, block, slice, oldEnd);
            return result;
        }
        finally
        {
            LeaveHeap(slot);
        }
    }

    /// <summary>Grows the heap's latest allocation in place when there is room after it in the heap's current block.</summary>
    private static bool TryGrowInHeap(FioHeap heap, byte* block, int slice, int oldEnd, nuint byteCount)
    {
        int newEnd = slice + Layout.SlicesFor(byteCount);
        if (heap._block != block || heap._next != oldEnd || newEnd > Layout.SlicesPerBlock)
            return false;
        ulong* bits = Block.Boundaries(block);
        bits[newEnd >> 6] |= 1UL << newEnd;
        Volatile.Write(ref bits[oldEnd >> 6], bits[oldEnd >> 6] & ~(1UL << oldEnd));
        heap._next = newEnd;
        if (oldEnd < heap._dirtyEnd)
            SliceClear.Clear(block + ((nuint)oldEnd << Layout.SliceShift), (nuint)(Math.Min(newEnd, heap._dirtyEnd) - oldEnd) << Layout.SliceShift);
        return true;
    }

    private static void ThrowHeapGrowthOnForeignThread(void* ptr, FioHeap? heap) =>
        throw new InvalidOperationException(heap is null
            ? $"FioHeap: the memory at 0x{(nuint)ptr:X} belongs to a heap that is being disposed."
            : $"FioHeap: the memory at 0x{(nuint)ptr:X} belongs to a heap of thread {heap.OwnerThreadId}; it can shrink on any thread but grow only on the heap's (growing allocates from the heap).");
}
