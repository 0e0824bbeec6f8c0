// Tiny allocations (16, 32, 64 bytes), each freed at once on the thread that made it: FioMem's best case.
using System.Buffers;
using BenchmarkDotNet.Attributes;
using FioMem.Benchmarks.Allocators;

namespace FioMem.Benchmarks.Workloads;

/// <summary>
/// The tiny workload: <see cref="PairsPerInvoke"/> alloc+free pairs of <see cref="Size"/> bytes on one thread, one byte
/// written in each, each allocation freed before the next is made. That is FioMem's best case: the freed allocation is
/// the latest of the thread's block, so the bump pointer steps back over it and the next pair reuses the same slice
/// (and <c>ArrayPool</c> returns the same array). <see cref="TinyFifoBenchmarks"/> frees in allocation order and
/// <see cref="TinyCrossThreadBenchmarks"/> on another thread. The GC peer's arrays escape to a field, so the JIT cannot
/// put them on the stack, and its collections count in its time (<see cref="MemoryDiagnoserAttribute"/> shows them).
/// </summary>
[MemoryDiagnoser]
public unsafe class TinyBenchmarks
{
    /// <summary>Alloc+free pairs per invocation.</summary>
    public const int PairsPerInvoke = 4096;

    private byte[]? _escaped;

    /// <summary>Bytes per allocation.</summary>
    [Params(16, 32, 64)]
    public int Size { get; set; }

    /// <summary>FioMem (every allocation zeroed).</summary>
    [Benchmark(Description = "FioMem (zeroed), freed at once", OperationsPerInvoke = PairsPerInvoke)]
    public void FioMem() => RunPairs<FioMemAllocator>((nuint)Size);

    /// <summary>The baseline: glibc's calloc through NativeMemory.</summary>
    [Benchmark(Baseline = true, Description = "NativeMemory.AllocZeroed, freed at once", OperationsPerInvoke = PairsPerInvoke)]
    public void NativeAllocZeroed() => RunPairs<NativeZeroedAllocator>((nuint)Size);

    /// <summary>glibc's malloc through NativeMemory (not zeroed).</summary>
    [Benchmark(Description = "NativeMemory.Alloc (not zeroed), freed at once", OperationsPerInvoke = PairsPerInvoke)]
    public void NativeAlloc() => RunPairs<NativeAllocator>((nuint)Size);

    /// <summary>mimalloc's zeroing allocation.</summary>
    [Benchmark(Description = "mimalloc mi_zalloc, freed at once", OperationsPerInvoke = PairsPerInvoke)]
    public void MimallocZalloc() => RunPairs<MimallocZeroedAllocator>((nuint)Size);

    /// <summary>mimalloc's plain allocation (not zeroed).</summary>
    [Benchmark(Description = "mi_malloc (not zeroed), freed at once", OperationsPerInvoke = PairsPerInvoke)]
    public void MimallocMalloc() => RunPairs<MimallocAllocator>((nuint)Size);

    /// <summary>GC arrays (zeroed), collections included.</summary>
    [Benchmark(Description = "GC new byte[] (zeroed), dropped at once", OperationsPerInvoke = PairsPerInvoke)]
    public void GcArray()
    {
        int size = Size;
        for (int i = 0; i < PairsPerInvoke; i++)
        {
            var array = new byte[size];
            array[0] = 1;
            _escaped = array;
        }
    }

    /// <summary><see cref="ArrayPool{T}.Shared"/> Rent and Return (not zeroed).</summary>
    [Benchmark(Description = "ArrayPool.Shared (not zeroed), returned at once", OperationsPerInvoke = PairsPerInvoke)]
    public void ArrayPoolShared()
    {
        ArrayPool<byte> pool = ArrayPool<byte>.Shared;
        int size = Size;
        for (int i = 0; i < PairsPerInvoke; i++)
        {
            byte[] array = pool.Rent(size);
            array[0] = 1;
            pool.Return(array);
        }
    }

    /// <summary>Runs the pairs on the calling thread.</summary>
    public static void RunPairs<TAlloc>(nuint size) where TAlloc : struct, IBenchAllocator
    {
        for (int i = 0; i < PairsPerInvoke; i++)
        {
            byte* p = (byte*)TAlloc.Alloc(size);
            *p = 1;
            TAlloc.Free(p);
        }
    }
}
