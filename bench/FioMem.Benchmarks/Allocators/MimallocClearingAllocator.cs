// mi_malloc followed by clearing the bytes asked for: the cost of zeroing on top of a fast allocator, as a reference line.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FioMem.Benchmarks.Allocators;

/// <summary>
/// <c>mi_malloc</c> plus <see cref="NativeMemory.Clear"/> of the requested size: not a real allocator mode, but the floor
/// any zeroing allocator meets when it must clear reused memory. When FioMem and <c>mi_zalloc</c> sit near this line, the
/// workload measures memory bandwidth, not allocator bookkeeping.
/// </summary>
public readonly unsafe struct MimallocClearingAllocator : IBenchAllocator
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint byteCount)
    {
        void* p = Mimalloc.Malloc(byteCount);
        NativeMemory.Clear(p, byteCount);
        return p;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Calloc(nuint elementCount, nuint elementSize) => Mimalloc.Calloc(elementCount, elementSize);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* ptr, nuint byteCount) => Mimalloc.Realloc(ptr, byteCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* ptr) => Mimalloc.Free(ptr);
}
