// The system allocator in the demo, zeroing as FioMem does, so the two are compared like with like.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using FioMem.Demo.Server;

namespace FioMem.Demo.Allocators;

/// <summary><see cref="NativeMemory.AllocZeroed(nuint)"/> and <see cref="NativeMemory.Free"/>.</summary>
public readonly unsafe struct NativeZeroedDemoAllocator : IDemoAllocator
{
    /// <inheritdoc/>
    public static string Name => "NativeMemory.AllocZeroed";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DemoBuffer Allocate(int length) => new((byte*)NativeMemory.AllocZeroed((nuint)length), length);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DemoBuffer AllocateHeader() => Allocate(sizeof(RequestHeader));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(DemoBuffer buffer) => NativeMemory.Free(buffer.Pointer);

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
