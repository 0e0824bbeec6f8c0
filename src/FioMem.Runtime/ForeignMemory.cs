// Memory FioMem did not allocate: handed to the matching NativeMemory call, after the checks that tell a pointer no
// allocator handed out.
using System;
using System.Runtime.InteropServices;
using System.Threading;
using FioMem.Os;

namespace FioMem;

/// <summary>
/// What <c>Free</c>, <c>AlignedFree</c>, <c>Realloc</c> and <c>AlignedRealloc</c> do with a pointer that lies in no
/// FioMem block and is no live large or long-lived allocation: it goes to the <c>NativeMemory</c> call of the same
/// name, so a code base moved from <c>NativeMemory</c> does not crash where an allocation and its release ended up
/// on different allocators. Reached only from the allocator's out-of-line paths (<c>FreeOther</c>,
/// <c>ResizeOther</c>), after every FioMem lookup missed.
/// </summary>
/// <remarks>
/// First it rejects, with an <see cref="ArgumentException"/> naming the pointer, what it can tell no allocator handed
/// out: a pointer into the calling thread's stack; one not aligned as every <c>NativeMemory</c> allocation is (two
/// pointers' size for <c>Alloc</c>, whose C allocators all give that much; a pointer's size for <c>AlignedAlloc</c>);
/// one inside a live FioMem large or long-lived allocation; and a page-aligned one where no memory is mapped (which
/// is what a second free of a FioMem large allocation looks like once its pages went back). None of these can be a
/// live allocation of any allocator, so no correct program is rejected.
/// </remarks>
internal static unsafe class ForeignMemory
{
    /// <summary>Releases and reallocations handed to <c>NativeMemory</c> since start-up.</summary>
    private static long s_handoffs;

    public static long Handoffs => Volatile.Read(ref s_handoffs);

    /// <summary><c>NativeMemory.AlignedFree</c> when <paramref name="aligned"/>, else <c>NativeMemory.Free</c>.</summary>
    public static void Free(void* ptr, bool aligned)
    {
        Check(ptr, aligned);
        Interlocked.Increment(ref s_handoffs);
        if (aligned)
            NativeMemory.AlignedFree(ptr);
        else
            NativeMemory.Free(ptr);
    }

    /// <summary>
    /// <c>NativeMemory.Realloc</c>, then the bytes from min(<paramref name="copyLength"/>, <paramref name="byteCount"/>)
    /// to the end are zeroed (nothing for the two-argument <c>Realloc</c>, whose copy length is unbounded). The result
    /// is <c>NativeMemory</c>'s.
    /// </summary>
    public static void* Realloc(void* ptr, nuint byteCount, nuint copyLength)
    {
        Check(ptr, aligned: false);
        byte* result = (byte*)NativeMemory.Realloc(ptr, byteCount);
        Interlocked.Increment(ref s_handoffs);
        nuint kept = Math.Min(copyLength, byteCount);
        NativeMemory.Clear(result + kept, byteCount - kept);
        return result;
    }

    /// <summary><c>NativeMemory.AlignedRealloc</c>; the result is <c>NativeMemory</c>'s.</summary>
    public static void* AlignedRealloc(void* ptr, nuint byteCount, nuint alignment)
    {
        Check(ptr, aligned: true);
        void* result = NativeMemory.AlignedRealloc(ptr, byteCount, alignment);
        Interlocked.Increment(ref s_handoffs);
        return result;
    }

    /// <summary>Throws for a pointer no allocator can have handed out (see the remarks).</summary>
    private static void Check(void* ptr, bool aligned)
    {
        if (ThreadStack.Contains(ptr))
            ThrowHelper.ThrowStackPointer(ptr);
        nuint alignment = (nuint)sizeof(nint) * (aligned ? 1u : 2u);
        if (((nuint)ptr & (alignment - 1)) != 0)
            ThrowHelper.ThrowMisalignedForeign(ptr, alignment);
        nuint start = LargeAllocations.FindContaining(ptr);
        if (start != 0)
            ThrowHelper.ThrowInsideLargeAllocation(ptr, start);
        if (((nuint)ptr & (SystemMemory.PageSize - 1)) == 0 && SystemMemory.IsCertainlyUnmapped(ptr))
            ThrowHelper.ThrowUnmapped(ptr);
    }
}
