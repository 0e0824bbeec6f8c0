// The allocator the demo's server is written against; one struct per allocator so the JIT specialises the server for each.
namespace FioMem.Demo.Allocators;

/// <summary>An allocator the demo can run on. Implementations are structs used as generic arguments.</summary>
public interface IDemoAllocator
{
    /// <summary>The name in the result table and the chart.</summary>
    static abstract string Name { get; }

    /// <summary>Allocates <paramref name="length"/> zeroed bytes.</summary>
    static abstract DemoBuffer Allocate(int length);

    /// <summary>Allocates a zeroed <see cref="Server.RequestHeader"/>; typed where the allocator can type it.</summary>
    static abstract DemoBuffer AllocateHeader();

    /// <summary>Releases a buffer from <see cref="Allocate"/>, on any thread.</summary>
    static abstract void Free(DemoBuffer buffer);

    /// <summary>Allocates one of a request's own buffers (a header line, a body chunk): it lives until <see cref="EndRequest"/>.</summary>
    static abstract DemoBuffer AllocateForRequest(RequestMemory memory, int length);

    /// <summary>Allocates the request's <see cref="Server.RequestHeader"/>: it lives until <see cref="EndRequest"/>.</summary>
    static abstract DemoBuffer AllocateHeaderForRequest(RequestMemory memory);

    /// <summary>Releases a request's own buffers together, on the thread that allocated them.</summary>
    static abstract void EndRequest(RequestMemory memory, DemoBuffer header, System.ReadOnlySpan<DemoBuffer> lines, System.ReadOnlySpan<DemoBuffer> chunks);
}
