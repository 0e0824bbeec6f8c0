// The allocator families FIO002 tells apart.
namespace FioMem.Analyzers.MismatchedRelease;

/// <summary>The allocators whose memory must go back to the same allocator.</summary>
internal enum AllocatorFamily
{
    /// <summary>Not an allocation this analysis knows.</summary>
    Unknown,

    /// <summary><c>FioMemory.Alloc*</c>, <c>Realloc</c>, <c>AllocLongLived</c>, <c>FioAlloc&lt;T&gt;.New</c>.</summary>
    FioMem,

    /// <summary><c>NativeMemory.Alloc</c>, <c>AllocZeroed</c>, <c>Realloc</c>.</summary>
    NativeMemory,

    /// <summary><c>NativeMemory.AlignedAlloc</c>, <c>AlignedRealloc</c>: released by <c>AlignedFree</c>.</summary>
    NativeMemoryAligned,

    /// <summary><c>Marshal.AllocHGlobal</c>, <c>ReAllocHGlobal</c>.</summary>
    HGlobal,
}
