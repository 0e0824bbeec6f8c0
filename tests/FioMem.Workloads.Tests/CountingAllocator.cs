// A benchmark peer that counts its calls, so the tests can check each workload's shape and that it frees what it allocates.
using System.Runtime.InteropServices;
using System.Threading;
using FioMem.Benchmarks.Allocators;

namespace FioMem.Workloads.Tests;

/// <summary>NativeMemory underneath, with process-wide call counters (tests using it run one at a time).</summary>
public readonly unsafe struct CountingAllocator : IBenchAllocator
{
    private static long s_allocs, s_reallocs, s_frees, s_live;

    public static long Allocations => Volatile.Read(ref s_allocs);

    public static long Reallocations => Volatile.Read(ref s_reallocs);

    public static long Frees => Volatile.Read(ref s_frees);

    public static long Live => Volatile.Read(ref s_live);

    public static void Reset()
    {
        s_allocs = s_reallocs = s_frees = s_live = 0;
    }

    public static void* Alloc(nuint byteCount)
    {
        Interlocked.Increment(ref s_allocs);
        Interlocked.Increment(ref s_live);
        return NativeMemory.AllocZeroed(byteCount);
    }

    public static void* Calloc(nuint elementCount, nuint elementSize)
    {
        Interlocked.Increment(ref s_allocs);
        Interlocked.Increment(ref s_live);
        return NativeMemory.AllocZeroed(elementCount, elementSize);
    }

    public static void* Realloc(void* ptr, nuint byteCount)
    {
        Interlocked.Increment(ref s_reallocs);
        return NativeMemory.Realloc(ptr, byteCount);
    }

    public static void Free(void* ptr)
    {
        Interlocked.Increment(ref s_frees);
        Interlocked.Decrement(ref s_live);
        NativeMemory.Free(ptr);
    }
}
