// The GC in the demo: new byte[] (zeroed); "free" drops the reference and the collector does the rest.
using System.Runtime.CompilerServices;

using FioMem.Demo.Server;

namespace FioMem.Demo.Allocators;

/// <summary>GC arrays. <see cref="Free"/> does nothing: the cost is paid in collections, which the demo counts.</summary>
public readonly struct GcDemoAllocator : IDemoAllocator
{
    /// <inheritdoc/>
    public static string Name => "GC new byte[]";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DemoBuffer Allocate(int length) => new(new byte[length]);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DemoBuffer AllocateHeader() => Allocate(Unsafe.SizeOf<RequestHeader>());

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(DemoBuffer buffer)
    {
    }

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
