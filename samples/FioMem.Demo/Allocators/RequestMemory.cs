// What a worker keeps for the buffers of the request it is handling: a heap, for the allocator that uses one.
using System;

namespace FioMem.Demo.Allocators;

/// <summary>
/// A worker's memory for the request in hand. The heap is made on the worker's thread the first time an allocator asks
/// for it (only <see cref="FioHeapDemoAllocator"/> does), and disposed when the worker ends.
/// </summary>
public sealed class RequestMemory : IDisposable
{
    private FioHeap? _heap;

    /// <summary>The worker's heap, reset at the end of every request.</summary>
    public FioHeap Heap => _heap ??= new FioHeap();

    /// <inheritdoc/>
    public void Dispose() => _heap?.Dispose();
}
