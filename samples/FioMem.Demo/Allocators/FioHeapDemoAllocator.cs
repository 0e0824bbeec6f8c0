// FioMem with a heap per request: the request's buffers come from the worker's FioHeap and go back with one Reset.
using System;
using System.Runtime.CompilerServices;

using FioMem.Demo.Server;

namespace FioMem.Demo.Allocators;

/// <summary>
/// A request's header, lines and chunks from the worker's <see cref="FioHeap"/>, released together by
/// <see cref="FioHeap.Reset"/>; responses, which another worker frees, as <see cref="FioMemDemoAllocator"/> makes them.
/// </summary>
public readonly unsafe struct FioHeapDemoAllocator : IDemoAllocator
{
    /// <inheritdoc/>
    public static string Name => "FioMem, heap per request";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DemoBuffer Allocate(int length) => FioMemDemoAllocator.Allocate(length);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DemoBuffer AllocateHeader() => FioMemDemoAllocator.AllocateHeader();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(DemoBuffer buffer) => FioMemDemoAllocator.Free(buffer);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DemoBuffer AllocateForRequest(RequestMemory memory, int length) =>
        new((byte*)memory.Heap.Alloc((nuint)length), length);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DemoBuffer AllocateHeaderForRequest(RequestMemory memory) =>
        new((byte*)RequestHeader.New(memory.Heap), sizeof(RequestHeader));

    /// <inheritdoc/>
    public static void EndRequest(RequestMemory memory, DemoBuffer header, ReadOnlySpan<DemoBuffer> lines, ReadOnlySpan<DemoBuffer> chunks) =>
        memory.Heap.Reset();
}
