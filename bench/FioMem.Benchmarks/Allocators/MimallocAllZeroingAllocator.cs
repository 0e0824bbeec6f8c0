// mimalloc with every call zeroing, realloc included (mi_rezalloc): the same promise FioMem makes.
using System.Runtime.CompilerServices;

namespace FioMem.Benchmarks.Allocators;

/// <summary>
/// mimalloc as FioMem behaves: <c>mi_zalloc</c>, <c>mi_calloc</c>, and <c>mi_rezalloc</c>, which zeroes what a growth
/// adds as FioMem's <see cref="FioMemory.Realloc(void*, nuint)"/> does. <see cref="MimallocZeroedAllocator"/> grows with
/// <c>mi_realloc</c> instead, which leaves the new bytes as they were.
/// </summary>
public readonly unsafe struct MimallocAllZeroingAllocator : IBenchAllocator
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint byteCount) => Mimalloc.Zalloc(byteCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Calloc(nuint elementCount, nuint elementSize) => Mimalloc.Calloc(elementCount, elementSize);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* ptr, nuint byteCount) => Mimalloc.Rezalloc(ptr, byteCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* ptr) => Mimalloc.Free(ptr);
}
