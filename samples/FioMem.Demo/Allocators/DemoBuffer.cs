// One buffer of the demo's workload, from native memory or from the GC heap, seen as a span either way.
using System;
using System.Runtime.CompilerServices;

namespace FioMem.Demo.Allocators;

/// <summary>A buffer the workload allocated: a native pointer, or a GC array for the GC run.</summary>
public readonly unsafe struct DemoBuffer
{
    /// <summary>Wraps native memory.</summary>
    public DemoBuffer(byte* pointer, int length)
    {
        Pointer = pointer;
        Length = length;
    }

    /// <summary>Wraps a GC array.</summary>
    public DemoBuffer(byte[] array)
    {
        Array = array;
        Length = array.Length;
    }

    /// <summary>The native memory, or null for a GC array.</summary>
    public byte* Pointer { get; }

    /// <summary>The GC array, or null for native memory.</summary>
    public byte[]? Array { get; }

    /// <summary>The size in bytes.</summary>
    public int Length { get; }

    /// <summary>The bytes.</summary>
    public Span<byte> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Array is null ? new Span<byte>(Pointer, Length) : Array.AsSpan();
    }
}
