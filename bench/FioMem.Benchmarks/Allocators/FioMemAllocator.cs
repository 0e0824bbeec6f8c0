// FioMem as a benchmark peer: every allocation is zeroed, so it is compared with the zeroing peers.
using System.Runtime.CompilerServices;

namespace FioMem.Benchmarks.Allocators;

/// <summary><see cref="FioMemory"/>: always zeroed, 16-byte aligned.</summary>
public readonly unsafe struct FioMemAllocator : IBenchAllocator
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint byteCount) => FioMemory.Alloc(byteCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Calloc(nuint elementCount, nuint elementSize) => FioMemory.AllocZeroed(elementCount, elementSize);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* ptr, nuint byteCount) => FioMemory.Realloc(ptr, byteCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* ptr) => FioMemory.Free(ptr);
}
