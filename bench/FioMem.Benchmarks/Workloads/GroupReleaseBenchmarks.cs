// Memory freed in groups: a request's few dozen allocations, or a frame's thousands, all released together.
using System;
using System.Buffers;
using BenchmarkDotNet.Attributes;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Harness;

namespace FioMem.Benchmarks.Workloads;

/// <summary>
/// One group of allocations of mixed sizes, each written once, then all released: a request (48 allocations of
/// 16 B–2 KiB, most of them small) or a frame (4096 allocations of 16–256 B). Peers: a <see cref="FioHeap"/> reset
/// after each group (kept across groups), a <see cref="FioHeap"/> created and disposed per group, FioMem freed
/// allocation by allocation, mimalloc's heaps (<c>mi_heap_new</c>, <c>mi_heap_zalloc</c>, <c>mi_heap_destroy</c>),
/// <c>mi_zalloc</c>/<c>mi_free</c> one by one, <see cref="ArrayPool{T}.Shared"/> (not zeroed) and GC arrays. Every
/// peer but ArrayPool hands out zeroed memory. Times are per group.
/// </summary>
[MemoryDiagnoser]
public unsafe class GroupReleaseBenchmarks
{
    /// <summary>Groups per invocation, so one invocation is long enough to time.</summary>
    public const int GroupsPerInvoke = 16;

    private nuint[] _sizes = [];
    private void*[] _pointers = [];
    private byte[][] _arrays = [];
    private FioHeap? _heap;

    /// <summary>The shape of a group.</summary>
    [Params("request", "frame")]
    public string Group { get; set; } = "request";

    /// <summary>Draws the sizes of one group (the same for every peer) and makes the kept heap.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _sizes = Group == "frame"
            ? RandomSizes.Uniform(4096, 16, 256)
            : RequestSizes(48);
        _pointers = new void*[_sizes.Length];
        _arrays = new byte[_sizes.Length][];
        _heap = new FioHeap();
    }

    /// <summary>Disposes the kept heap.</summary>
    [GlobalCleanup]
    public void Cleanup() => _heap?.Dispose();

    /// <summary>Mostly small, a few larger: three in four 16–128 B, the rest up to 2 KiB.</summary>
    private static nuint[] RequestSizes(int count)
    {
        nuint[] small = RandomSizes.Uniform(count, 16, 128);
        nuint[] large = RandomSizes.Uniform(count, 129, 2048, RandomSizes.Seed + 1);
        var sizes = new nuint[count];
        for (int i = 0; i < count; i++)
            sizes[i] = i % 4 == 3 ? large[i] : small[i];
        return sizes;
    }

    /// <summary>A heap kept across groups, reset after each.</summary>
    [Benchmark(Description = "FioHeap, Reset after each group", OperationsPerInvoke = GroupsPerInvoke)]
    public void FioMemHeapReset()
    {
        FioHeap heap = _heap!;
        nuint[] sizes = _sizes;
        for (int g = 0; g < GroupsPerInvoke; g++)
        {
            for (int i = 0; i < sizes.Length; i++)
                *(byte*)heap.Alloc(sizes[i]) = 1;
            heap.Reset();
        }
    }

    /// <summary>A new heap per group, disposed at its end.</summary>
    [Benchmark(Description = "FioHeap, new and Dispose per group", OperationsPerInvoke = GroupsPerInvoke)]
    public void FioMemHeapPerGroup()
    {
        nuint[] sizes = _sizes;
        for (int g = 0; g < GroupsPerInvoke; g++)
        {
            using var heap = new FioHeap();
            for (int i = 0; i < sizes.Length; i++)
                *(byte*)heap.Alloc(sizes[i]) = 1;
        }
    }

    /// <summary>FioMem's per-allocation path: every allocation freed on its own, in allocation order.</summary>
    [Benchmark(Description = "FioMemory.Alloc, each freed", OperationsPerInvoke = GroupsPerInvoke)]
    public void FioMemOneByOne() => RunOneByOne<FioMemAllocator>(_sizes, _pointers);

    /// <summary>mimalloc's heaps: one per group, destroyed at its end.</summary>
    [Benchmark(Description = "mimalloc mi_heap_new, mi_heap_zalloc, mi_heap_destroy", OperationsPerInvoke = GroupsPerInvoke)]
    public void MimallocHeap()
    {
        nuint[] sizes = _sizes;
        for (int g = 0; g < GroupsPerInvoke; g++)
        {
            void* heap = Mimalloc.HeapNew();
            for (int i = 0; i < sizes.Length; i++)
                *(byte*)Mimalloc.HeapZalloc(heap, sizes[i]) = 1;
            Mimalloc.HeapDestroy(heap);
        }
    }

    /// <summary>mimalloc's per-allocation path.</summary>
    [Benchmark(Description = "mimalloc mi_zalloc, each freed", OperationsPerInvoke = GroupsPerInvoke)]
    public void MimallocOneByOne() => RunOneByOne<MimallocZeroedAllocator>(_sizes, _pointers);

    /// <summary><see cref="ArrayPool{T}.Shared"/>: rented, then all returned (not zeroed).</summary>
    [Benchmark(Description = "ArrayPool.Shared (not zeroed), all returned", OperationsPerInvoke = GroupsPerInvoke)]
    public void ArrayPoolShared()
    {
        ArrayPool<byte> pool = ArrayPool<byte>.Shared;
        nuint[] sizes = _sizes;
        byte[][] arrays = _arrays;
        for (int g = 0; g < GroupsPerInvoke; g++)
        {
            for (int i = 0; i < sizes.Length; i++)
            {
                byte[] array = pool.Rent((int)sizes[i]);
                array[0] = 1;
                arrays[i] = array;
            }
            for (int i = 0; i < sizes.Length; i++)
                pool.Return(arrays[i]);
        }
    }

    /// <summary>GC arrays, kept until the group ends (collections count in the time).</summary>
    [Benchmark(Description = "GC new byte[], dropped together", OperationsPerInvoke = GroupsPerInvoke)]
    public void GcArrays()
    {
        nuint[] sizes = _sizes;
        byte[][] arrays = _arrays;
        for (int g = 0; g < GroupsPerInvoke; g++)
        {
            for (int i = 0; i < sizes.Length; i++)
            {
                var array = new byte[(int)sizes[i]];
                array[0] = 1;
                arrays[i] = array;
            }
            Array.Clear(arrays);
        }
    }

    /// <summary>The sizes of one group (after <see cref="Setup"/>).</summary>
    public nuint[] Sizes => _sizes;

    /// <summary>
    /// <see cref="GroupsPerInvoke"/> groups of <paramref name="sizes"/>, each allocation freed on its own after the
    /// group is made, in allocation order; <paramref name="pointers"/> holds a group's pointers.
    /// </summary>
    public static void RunOneByOne<TAlloc>(nuint[] sizes, void*[] pointers) where TAlloc : struct, IBenchAllocator
    {
        for (int g = 0; g < GroupsPerInvoke; g++)
        {
            for (int i = 0; i < sizes.Length; i++)
            {
                byte* p = (byte*)TAlloc.Alloc(sizes[i]);
                *p = 1;
                pointers[i] = p;
            }
            for (int i = 0; i < sizes.Length; i++)
                TAlloc.Free(pointers[i]);
        }
    }
}
