// A thread's array of live pointers, kept outside the GC heap so reading and writing it costs what a C array costs.
using System;
using System.Runtime.InteropServices;

namespace FioMem.Benchmarks.Harness;

/// <summary>A cache-line-aligned native array of pointers, one per allocation of a round.</summary>
public sealed unsafe class PointerTable : IDisposable
{
    /// <summary>Allocates room for <paramref name="length"/> pointers.</summary>
    public PointerTable(int length)
    {
        Length = length;
        Items = (void**)NativeMemory.AlignedAlloc((nuint)length * (nuint)sizeof(void*), 64);
        NativeMemory.Clear(Items, (nuint)length * (nuint)sizeof(void*));
    }

    /// <summary>The first slot.</summary>
    public void** Items { get; private set; }

    /// <summary>How many slots there are.</summary>
    public int Length { get; }

    /// <summary>Releases the array (not what it points to).</summary>
    public void Dispose()
    {
        if (Items == null) return;
        NativeMemory.AlignedFree(Items);
        Items = null;
    }
}
