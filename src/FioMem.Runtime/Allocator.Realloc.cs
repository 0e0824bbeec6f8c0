// Realloc and AlignedRealloc: in place when the allocation shrinks or can grow over free slices, else a move.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FioMem;

internal static unsafe partial class Allocator
{
    public static void* Realloc(void* ptr, nuint byteCount, nuint copyLength) =>
        Resize(ptr, byteCount, copyLength, Layout.SliceSize, aligned: false);

    public static void* AlignedRealloc(void* ptr, nuint byteCount, nuint alignment)
    {
        if (!System.Numerics.BitOperations.IsPow2(alignment))
            ThrowHelper.ThrowAlignmentNotPowerOfTwo(alignment);
        return Resize(ptr, byteCount, nuint.MaxValue, alignment, aligned: true);
    }

    /// <summary>
    /// Resizes an allocation to <paramref name="byteCount"/> bytes at a multiple of <paramref name="alignment"/> (a power
    /// of two), keeping its first min(old size, new size, <paramref name="copyLength"/>) bytes. A small allocation stays
    /// where it is when it shrinks, or grows over free slices after it, and is already aligned; otherwise it moves.
    /// Nothing is changed until the new memory is had, so an <see cref="OutOfMemoryException"/> leaves
    /// <paramref name="ptr"/> as it was. <paramref name="aligned"/> says which <c>NativeMemory</c> call memory FioMem did
    /// not allocate goes to (<c>AlignedRealloc</c> or <c>Realloc</c>).
    /// </summary>
    private static void* Resize(void* ptr, nuint byteCount, nuint copyLength, nuint alignment, bool aligned)
    {
        if (ptr == null)
            return AlignedAlloc(byteCount, alignment);
        if (!AddressSpace.OwnsBlockOf(ptr))
            return ResizeOther(ptr, byteCount, copyLength, alignment, aligned);

        byte* block = Block.Of(ptr);
        if (Block.Header(block)->State == (int)BlockState.Heap)
            return ResizeHeapSlice(ptr, block, byteCount, copyLength, alignment);
        int slice = ValidateSliceAndEnd(ptr, block, out int oldEnd);
        ThrowIfFreed(ptr, block, slice);
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
        // The old bytes are read only after the new allocation's tail is zeroed: asked for now, they arrive meanwhile.
        PrefetchForCopy(ptr, keep);
        void* result = alignment <= Layout.SliceSize
            ? Alloc(byteCount, keptSlices: (int)(keep >> Layout.SliceShift))
            : AlignedAlloc(byteCount, alignment);
        CopyKept((byte*)result, (byte*)ptr, keep);
        FreeSlice(ptr);
        return result;
    }

    /// <summary>The most of an allocation's bytes a moving <c>Realloc</c> asks the cache for ahead of its copy.</summary>
    private const nuint PrefetchLimit = 4096;

    /// <summary>
    /// Asks for the cache lines of the first <paramref name="length"/> bytes at <paramref name="source"/> (up to
    /// <see cref="PrefetchLimit"/>), which a moving reallocation copies once it has zeroed the new allocation's tail.
    /// The old allocation was usually written long before and has left the cache: so its lines are fetched while the
    /// tail is zeroed instead of after. Beyond the limit the processor's own prefetch follows the copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchForCopy(void* source, nuint length)
    {
        if (!Sse.IsSupported)
            return;
        byte* end = (byte*)source + Math.Min(length, PrefetchLimit);
        for (byte* line = (byte*)source; line < end; line += 64)
            Sse.Prefetch0(line);
    }

    /// <summary>
    /// Copies the <paramref name="length"/> kept bytes of a moving reallocation (both addresses 16-byte aligned). Up to
    /// <see cref="SliceClear.NativeThreshold"/> bytes a loop of vector loads and stores, which spares the native
    /// <c>memmove</c> call (and its transition) that <c>Buffer.MemoryCopy</c> makes for a few kilobytes.
    /// </summary>
    private static void CopyKept(byte* to, byte* from, nuint length)
    {
        if (length > SliceClear.NativeThreshold || !Vector256.IsHardwareAccelerated)
        {
            Buffer.MemoryCopy(from, to, length, length);
            return;
        }
        byte* end = from + (length & ~(nuint)127);
        for (; from < end; from += 128, to += 128)
        {
            Vector256<byte> a = Vector256.Load(from), b = Vector256.Load(from + 32);
            Vector256<byte> c = Vector256.Load(from + 64), d = Vector256.Load(from + 96);
            a.Store(to);
            b.Store(to + 32);
            c.Store(to + 64);
            d.Store(to + 96);
        }
        if ((length & 127) != 0)
            Buffer.MemoryCopy(from, to, length & 127, length & 127);
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

    /// <summary>A pointer outside every block: a large or long-lived allocation, or memory FioMem did not allocate.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* ResizeOther(void* ptr, nuint byteCount, nuint copyLength, nuint alignment, bool aligned)
    {
        if (LargeAllocations.TryReallocate(ptr, byteCount, copyLength, alignment, out void* result))
            return result;
        return aligned
            ? ForeignMemory.AlignedRealloc(ptr, byteCount, alignment)
            : ForeignMemory.Realloc(ptr, byteCount, copyLength);
    }
}
