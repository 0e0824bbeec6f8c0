// A heap that one thread allocates from and that releases everything allocated from it at once.
using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace FioMem;

/// <summary>
/// A heap for memory freed in groups: per request, per frame, per document. The thread that creates it allocates from
/// it with no thread-static lookup, no lock and no atomic; <see cref="Reset"/> and <see cref="Dispose"/> release
/// everything still allocated from it at once, block by block (128 KiB at a time), without looking at single
/// allocations.
/// </summary>
/// <remarks>
/// <para>Memory from a heap is zeroed and aligned like <see cref="FioMemory"/>'s (16 bytes, or the alignment asked
/// for). Any thread may release one allocation early with <see cref="FioMemory.Free(void*)"/>; its slices are reused
/// when the heap is reset (or at once, when it is the heap's latest allocation and its own thread frees it).
/// <see cref="FioMemory.Realloc(void*, nuint)"/> accepts heap memory on any thread: it shrinks in place anywhere, and
/// grows (in place, or moving within the heap) on the heap's thread only.</para>
/// <para>Allocations of <see cref="FioMemory.LargeAllocationThreshold"/> bytes or more, and alignments beyond 4 KiB, are mapped
/// from the system as <see cref="FioMemory"/>'s large allocations are, and released with the heap all the same (a
/// <c>Realloc</c> that shrinks one below the threshold moves it to ordinary FioMem memory, which the heap no longer
/// releases). There is no long-lived allocation from a heap: memory that outlives the group belongs to
/// <see cref="FioMemory.AllocLongLived(nuint)"/>.</para>
/// <para>Only the creating thread may allocate. In checked mode (<c>FioMem.Checked</c>) every allocation on another
/// thread throws <see cref="InvalidOperationException"/>; otherwise the check is made whenever the heap needs a new
/// block. <see cref="Reset"/> and <see cref="Dispose"/> may run on any thread, as long as nothing allocates from the
/// heap meanwhile. Checked mode also poisons a reset or disposed heap's memory and reports a later write through a
/// stale pointer, as it reports a write after free.</para>
/// <para>A heap that is never disposed keeps its blocks: there is no finalizer, since pointers into the heap may
/// outlive the heap object.</para>
/// </remarks>
public sealed unsafe class FioHeap : IDisposable
{
    /// <summary>The last <see cref="_serial"/> given out.</summary>
    private static long s_lastSerial;

    /// <summary>The block being sliced, or null.</summary>
    internal byte* _block;

    /// <summary>The next free slice in <see cref="_block"/>; <see cref="ThreadCache.NoBlock"/> when there is none.</summary>
    internal int _next = ThreadCache.NoBlock;

    /// <summary>Slices of <see cref="_block"/> below this may hold old bytes and are zeroed as they are handed out.</summary>
    internal int _dirtyEnd;

    /// <summary>The heap's blocks that have been sliced since the last reset, the current one first (chained by <see cref="BlockHeader.HeapNext"/>).</summary>
    internal byte* _usedBlocks;

    /// <summary>Reset blocks kept for the heap's next round (chained by <see cref="BlockHeader.HeapNext"/>).</summary>
    internal byte* _spareBlocks;

    /// <summary>The heap's slot: its id is in the header of each of its blocks.</summary>
    internal readonly HeapSlot _slot;

    /// <summary>Tells this heap's large allocations apart from every other heap's.</summary>
    internal readonly long _serial = Interlocked.Increment(ref s_lastSerial);

    /// <summary>Whether the heap made a large allocation since its last reset (so reset needs to look for them).</summary>
    internal bool _hasLarge;

    private bool _disposed;

    /// <summary>Creates a heap owned by the calling thread.</summary>
    public FioHeap()
    {
        FioMemoryOptions.ThrowIfInvalid();
        OwnerThreadId = Environment.CurrentManagedThreadId;
        _slot = HeapSlots.Rent(this);
    }

    /// <summary>The managed thread id of the thread that created the heap, the only one that may allocate from it.</summary>
    public int OwnerThreadId { get; }

    /// <summary>Whether <see cref="Dispose"/> has been called.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Allocates <paramref name="byteCount"/> zeroed bytes, aligned on 16 bytes.</summary>
    /// <param name="byteCount">The size; zero gives a distinct pointer that may be freed.</param>
    /// <returns>The memory; it lives until the heap is reset or disposed, or until it is freed with <see cref="FioMemory.Free(void*)"/>.</returns>
    /// <exception cref="InvalidOperationException">The calling thread is not the heap's (always in checked mode, otherwise when a new block is needed).</exception>
    /// <exception cref="ObjectDisposedException">The heap is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void* Alloc(nuint byteCount)
    {
        if (FioMemoryOptions.Checked)
            CheckOwner();
        if (byteCount < Layout.LargeThreshold)
        {
            int start = _next;
            int end = start + Layout.SlicesFor(byteCount);
            if (end <= Layout.SlicesPerBlock)
                return Slice(start, end);
        }
        return AllocSlow(byteCount, Layout.SliceSize);
    }

    /// <summary>Allocates <paramref name="elementCount"/> zeroed elements of <paramref name="elementSize"/> bytes.</summary>
    /// <param name="elementCount">How many elements.</param>
    /// <param name="elementSize">The size of one element.</param>
    /// <returns>The memory, aligned on 16 bytes.</returns>
    /// <exception cref="InvalidOperationException">The calling thread is not the heap's.</exception>
    /// <exception cref="ObjectDisposedException">The heap is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The size overflows or the memory could not be allocated.</exception>
    public void* Alloc(nuint elementCount, nuint elementSize) => Alloc(FioMemory.CheckedProduct(elementCount, elementSize));

    /// <summary>Allocates <paramref name="byteCount"/> zeroed bytes at a multiple of <paramref name="alignment"/>.</summary>
    /// <param name="byteCount">The size.</param>
    /// <param name="alignment">A power of two; up to 4 KiB is sliced from the heap's blocks, beyond that mapped.</param>
    /// <returns>The memory; freed with the heap, or early with <see cref="FioMemory.AlignedFree(void*)"/> or <see cref="FioMemory.Free(void*)"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="alignment"/> is not a power of two.</exception>
    /// <exception cref="InvalidOperationException">The calling thread is not the heap's.</exception>
    /// <exception cref="ObjectDisposedException">The heap is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated.</exception>
    public void* AlignedAlloc(nuint byteCount, nuint alignment)
    {
        if (!System.Numerics.BitOperations.IsPow2(alignment))
            ThrowHelper.ThrowAlignmentNotPowerOfTwo(alignment);
        if (FioMemoryOptions.Checked)
            CheckOwner();
        if (byteCount < Layout.LargeThreshold && alignment <= Layout.MaxSlicedAlignment)
        {
            int mask = (int)((alignment - 1) >> Layout.SliceShift);
            int next = _next;
            int start = (next + mask) & ~mask;
            int end = start + Layout.SlicesFor(byteCount);
            if (end <= Layout.SlicesPerBlock)
            {
                if (start != next)
                    Allocator.SkipToAlignedInHeap(this, next, start);
                return Slice(start, end);
            }
        }
        return AllocSlow(byteCount, alignment);
    }

    /// <summary>
    /// Releases everything allocated from the heap at once and keeps its blocks for the next round; pointers from
    /// before the reset must not be used again. Large allocations go back to the system.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The heap is disposed.</exception>
    /// <exception cref="InvalidOperationException">Checked mode: memory of a heap reset or disposed earlier was written through a stale pointer.</exception>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (FioMemoryOptions.Checked)
        {
            // Poisoned and set aside, as on dispose; the next round slices other blocks.
            GiveUpBlocks();
            return;
        }
        Allocator.ResetHeapBlocks(this);
        ReleaseLarge();
    }

    /// <summary>
    /// Releases everything allocated from the heap at once and returns its blocks to FioMem's pool. Pointers into the
    /// heap must not be used afterwards. A second call does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Checked mode: memory of a heap reset or disposed earlier was written through a stale pointer.</exception>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _slot.Heap = null;
        try
        {
            GiveUpBlocks();
        }
        finally
        {
            // Every block is given up even when checked mode reports a write: the report is thrown after.
            HeapSlots.Return(_slot);
        }
    }

    /// <summary>Gives every block back (to the pool, or in checked mode to quarantine) and the large allocations to the system.</summary>
    private void GiveUpBlocks()
    {
        try
        {
            Allocator.ReleaseHeapBlocks(this);
        }
        finally
        {
            ReleaseLarge();
        }
    }

    private void ReleaseLarge()
    {
        if (!_hasLarge)
            return;
        _hasLarge = false;
        LargeAllocations.ReleaseHeap(_serial);
    }

    /// <summary>Hands out slices [start, end) of the current block, which the caller checked fit; zeroed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void* Slice(int start, int end)
    {
        byte* block = _block;
        _next = end;
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
        if (start < _dirtyEnd)
            SliceClear.Clear(p, (nuint)(Math.Min(end, _dirtyEnd) - start) << Layout.SliceShift);
        if (FioMemoryOptions.Checked)
            CheckedMode.OnAllocate(block, start);
        return p;
    }

    /// <summary>A large size or alignment, the heap's first allocation, a full block, a foreign thread or a disposed heap.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void* AllocSlow(nuint byteCount, nuint alignment)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckOwner();
        if (byteCount >= Layout.LargeThreshold || alignment > Layout.MaxSlicedAlignment)
        {
            void* large = LargeAllocations.Allocate(byteCount, LargeAllocations.Kind.Large, Math.Max(alignment, Layout.SliceSize), _serial);
            _hasLarge = true;
            return large;
        }
        Allocator.NextHeapBlock(this, byteCount);
        int mask = (int)((alignment - 1) >> Layout.SliceShift);
        int next = _next;
        int start = (next + mask) & ~mask;
        if (start != next)
            Allocator.SkipToAlignedInHeap(this, next, start);
        Debug.Assert(start + Layout.SlicesFor(byteCount) <= Layout.SlicesPerBlock, "a fresh block holds any small allocation");
        return Slice(start, start + Layout.SlicesFor(byteCount));
    }

    /// <summary>Whether the calling thread is the heap's.</summary>
    internal bool IsOwnerThread => Environment.CurrentManagedThreadId == OwnerThreadId;

    /// <summary>Throws when the calling thread is not the heap's.</summary>
    internal void CheckOwner()
    {
        if (!IsOwnerThread)
            ThrowForeignThread();
    }

    private void ThrowForeignThread() =>
        throw new InvalidOperationException(
            $"FioHeap: thread {Environment.CurrentManagedThreadId} allocated from a heap that thread {OwnerThreadId} created; only the creating thread may allocate from a heap (any thread may free its memory).");
}
