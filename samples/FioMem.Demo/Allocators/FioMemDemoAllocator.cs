// FioMem in the demo: always zeroed.
using System.Runtime.CompilerServices;

using FioMem.Demo.Server;

namespace FioMem.Demo.Allocators;

/// <summary><see cref="FioMemory.Alloc(nuint)"/> and <see cref="FioMemory.Free"/>; request headers typed with <see cref="FioAlloc{T}"/>.</summary>
public readonly unsafe struct FioMemDemoAllocator : IDemoAllocator
{
    /// <inheritdoc/>
    public static string Name => "FioMem";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DemoBuffer Allocate(int length) => new((byte*)FioMemory.Alloc((nuint)length), length);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DemoBuffer AllocateHeader() => new((byte*)FioAlloc<RequestHeader>.New(), sizeof(RequestHeader));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(DemoBuffer buffer) => FioMemory.Free(buffer.Pointer);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DemoBuffer AllocateForRequest(RequestMemory memory, int length) => Allocate(length);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DemoBuffer AllocateHeaderForRequest(RequestMemory memory) => AllocateHeader();

    /// <inheritdoc/>
    public static void EndRequest(RequestMemory memory, DemoBuffer header, System.ReadOnlySpan<DemoBuffer> lines, System.ReadOnlySpan<DemoBuffer> chunks)
    {
        Free(header);
        foreach (DemoBuffer line in lines) Free(line);
        foreach (DemoBuffer chunk in chunks) Free(chunk);
    }
}
