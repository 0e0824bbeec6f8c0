// mimalloc with zeroing allocations (mi_zalloc): the like-for-like native peer of FioMem.
using System.Runtime.CompilerServices;

namespace FioMem.Benchmarks.Allocators;

/// <summary><c>mi_zalloc</c> for "malloc", <c>mi_calloc</c>, <c>mi_realloc</c>, <c>mi_free</c>.</summary>
public readonly unsafe struct MimallocZeroedAllocator : IBenchAllocator
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint byteCount) => Mimalloc.Zalloc(byteCount);

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
