// The system allocator through NativeMemory without zeroing: shown for reference, it does less work than FioMem.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FioMem.Benchmarks.Allocators;

/// <summary><see cref="NativeMemory.Alloc(nuint)"/> for "malloc" (not zeroed); "calloc" still zeroes.</summary>
public readonly unsafe struct NativeAllocator : IBenchAllocator
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint byteCount) => NativeMemory.Alloc(byteCount);

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
