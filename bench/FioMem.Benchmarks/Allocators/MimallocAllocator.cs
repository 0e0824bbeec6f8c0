// mimalloc without zeroing (mi_malloc): shown for reference, it does less work than FioMem.
using System.Runtime.CompilerServices;

namespace FioMem.Benchmarks.Allocators;

/// <summary><c>mi_malloc</c> for "malloc" (not zeroed), <c>mi_calloc</c>, <c>mi_realloc</c>, <c>mi_free</c>.</summary>
public readonly unsafe struct MimallocAllocator : IBenchAllocator
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint byteCount) => Mimalloc.Malloc(byteCount);

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
