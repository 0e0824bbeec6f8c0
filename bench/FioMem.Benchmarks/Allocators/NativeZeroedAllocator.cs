// The system allocator through NativeMemory, zeroing every allocation: the like-for-like peer of FioMem and the baseline.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FioMem.Benchmarks.Allocators;

/// <summary><see cref="NativeMemory.AllocZeroed(nuint)"/> for "malloc" (glibc's calloc underneath).</summary>
public readonly unsafe struct NativeZeroedAllocator : IBenchAllocator
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint byteCount) => NativeMemory.AllocZeroed(byteCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Calloc(nuint elementCount, nuint elementSize) => NativeMemory.AllocZeroed(elementCount, elementSize);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* ptr, nuint byteCount) => NativeMemory.Realloc(ptr, byteCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* ptr) => NativeMemory.Free(ptr);
}
