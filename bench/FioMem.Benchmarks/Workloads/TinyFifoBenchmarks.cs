// Tiny allocations (16, 32, 64 bytes), 4,096 allocated on one thread and then freed in allocation order (FIFO).
using System;
using BenchmarkDotNet.Attributes;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Harness;

namespace FioMem.Benchmarks.Workloads;

/// <summary>
/// The tiny workload freed first-in, first-out: <see cref="BatchSize"/> allocations of <see cref="Size"/> bytes, one
/// byte written in each, then all freed by the same thread in the order they were made. Unlike
/// <see cref="TinyBenchmarks"/>, whose pairs free each allocation at once (the latest one, which FioMem's bump pointer
/// steps back over, its best case), no free here is of the latest allocation but the last, so FioMem's blocks fill and
/// empty as a whole.
/// </summary>
[MemoryDiagnoser]
public unsafe class TinyFifoBenchmarks
{
    /// <summary>Allocations made before the first is freed.</summary>
    public const int BatchSize = 4096;

    /// <summary>Alloc+free pairs per invocation.</summary>
    public const int PairsPerInvoke = BatchSize;

    private PointerTable _table = null!;
    private byte[][] _arrays = null!;

    /// <summary>Bytes per allocation.</summary>
    [Params(16, 32, 64)]
    public int Size { get; set; }

    /// <summary>Makes the table of live pointers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _table = new PointerTable(BatchSize);
        _arrays = new byte[BatchSize][];
    }

    /// <summary>Releases the table.</summary>
    [GlobalCleanup]
    public void Cleanup() => _table.Dispose();

    /// <summary>FioMem (every allocation zeroed).</summary>
    [Benchmark(Description = "FioMem (zeroed), FIFO", OperationsPerInvoke = PairsPerInvoke)]
    public void FioMem() => RunBatch<FioMemAllocator>(_table.Items, (nuint)Size);

    /// <summary>The baseline: glibc's calloc through NativeMemory.</summary>
    [Benchmark(Baseline = true, Description = "NativeMemory.AllocZeroed, FIFO", OperationsPerInvoke = PairsPerInvoke)]
    public void NativeAllocZeroed() => RunBatch<NativeZeroedAllocator>(_table.Items, (nuint)Size);

    /// <summary>glibc's malloc through NativeMemory (not zeroed).</summary>
    [Benchmark(Description = "NativeMemory.Alloc (not zeroed), FIFO", OperationsPerInvoke = PairsPerInvoke)]
    public void NativeAlloc() => RunBatch<NativeAllocator>(_table.Items, (nuint)Size);

    /// <summary>mimalloc's zeroing allocation.</summary>
    [Benchmark(Description = "mimalloc mi_zalloc, FIFO", OperationsPerInvoke = PairsPerInvoke)]
    public void MimallocZalloc() => RunBatch<MimallocZeroedAllocator>(_table.Items, (nuint)Size);

    /// <summary>mimalloc's plain allocation (not zeroed).</summary>
    [Benchmark(Description = "mi_malloc (not zeroed), FIFO", OperationsPerInvoke = PairsPerInvoke)]
    public void MimallocMalloc() => RunBatch<MimallocAllocator>(_table.Items, (nuint)Size);

    /// <summary>GC arrays (zeroed): the batch is kept, then dropped; the collections that follow are part of the time.</summary>
    [Benchmark(Description = "GC new byte[] (zeroed), batch dropped", OperationsPerInvoke = PairsPerInvoke)]
    public void GcArray()
    {
        byte[][] arrays = _arrays;
        int size = Size;
        for (int i = 0; i < arrays.Length; i++)
        {
            var array = new byte[size];
            array[0] = 1;
            arrays[i] = array;
        }

        Array.Clear(arrays);
    }

    /// <summary>Allocates <see cref="BatchSize"/> blocks of <paramref name="size"/> bytes, then frees them in the same order.</summary>
    public static void RunBatch<TAlloc>(void** pointers, nuint size) where TAlloc : struct, IBenchAllocator
    {
        for (int i = 0; i < BatchSize; i++)
        {
            byte* p = (byte*)TAlloc.Alloc(size);
            *p = 1;
            pointers[i] = p;
        }

        for (int i = 0; i < BatchSize; i++) TAlloc.Free(pointers[i]);
    }
}
