// A benchmark peer that records which pointer each call made or freed, and on which thread, so the tests can check the
// order and the thread of each free.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using FioMem.Benchmarks.Allocators;

namespace FioMem.Workloads.Tests;

/// <summary>NativeMemory underneath, with a process-wide log of allocations and frees (tests using it run one at a time).</summary>
public readonly unsafe struct OrderRecordingAllocator : IBenchAllocator
{
    private static readonly object s_lock = new();
    private static readonly List<(nint Pointer, int Thread)> s_allocations = new();
    private static readonly List<(nint Pointer, int Thread)> s_frees = new();

    /// <summary>The pointers handed out, in order, with the managed thread that asked.</summary>
    public static List<(nint Pointer, int Thread)> Allocations
    {
        get { lock (s_lock) return new(s_allocations); }
    }

    /// <summary>The pointers freed, in order, with the managed thread that freed them.</summary>
    public static List<(nint Pointer, int Thread)> Frees
    {
        get { lock (s_lock) return new(s_frees); }
    }

    public static void Reset()
    {
        lock (s_lock)
        {
            s_allocations.Clear();
            s_frees.Clear();
        }
    }

    public static void* Alloc(nuint byteCount) => Record(NativeMemory.AllocZeroed(byteCount));

    public static void* Calloc(nuint elementCount, nuint elementSize) => Record(NativeMemory.AllocZeroed(elementCount, elementSize));

    public static void* Realloc(void* ptr, nuint byteCount) => NativeMemory.Realloc(ptr, byteCount);

    public static void Free(void* ptr)
    {
        lock (s_lock) s_frees.Add(((nint)ptr, Environment.CurrentManagedThreadId));
        NativeMemory.Free(ptr);
    }

    private static void* Record(void* ptr)
    {
        lock (s_lock) s_allocations.Add(((nint)ptr, Environment.CurrentManagedThreadId));
        return ptr;
    }
}
