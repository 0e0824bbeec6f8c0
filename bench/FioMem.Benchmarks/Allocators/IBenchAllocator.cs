// The four calls every workload is written against; one struct per peer, so the JIT compiles each workload once per allocator.
namespace FioMem.Benchmarks.Allocators;

/// <summary>
/// A peer allocator seen through malloc/calloc/realloc/free. Implementations are structs used as generic arguments
/// (<c>where TAlloc : struct, IBenchAllocator</c>): the JIT specialises the workload for each one and inlines the call,
/// so no interface or delegate dispatch is measured.
/// </summary>
public unsafe interface IBenchAllocator
{
    /// <summary>The workload's "malloc": zeroed for the zeroing peers, raw for the others.</summary>
    static abstract void* Alloc(nuint byteCount);

    /// <summary>The workload's "calloc": always zeroed.</summary>
    static abstract void* Calloc(nuint elementCount, nuint elementSize);

    /// <summary>The workload's "realloc".</summary>
    static abstract void* Realloc(void* ptr, nuint byteCount);

    /// <summary>The workload's "free".</summary>
    static abstract void Free(void* ptr);
}
