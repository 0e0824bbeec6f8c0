// Thread-local rounds: each thread allocates 4096 random sizes, touches each, then frees them all; T = 1, 2, 4, 8.
using System;
using System.Buffers;
using BenchmarkDotNet.Attributes;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Harness;

namespace FioMem.Benchmarks.Workloads;

/// <summary>
/// The local workload. A round is <see cref="RoundSize"/> allocations of sizes 16..4096 bytes (fixed seed), one byte
/// written in each, then all freed by the same thread. An invocation runs <see cref="TotalRounds"/> rounds split evenly
/// over <see cref="Threads"/> threads, so the figure is wall time per alloc+free pair across all threads (throughput);
/// on this 2-core machine T = 4 and 8 are oversubscribed on purpose.
/// </summary>
[MemoryDiagnoser]
public unsafe class LocalBenchmarks
{
    /// <summary>Allocations per round.</summary>
    public const int RoundSize = 4096;

    /// <summary>Rounds per invocation, over all threads (divisible by every thread count).</summary>
    public const int TotalRounds = 16;

    /// <summary>Alloc+free pairs per invocation.</summary>
    public const int PairsPerInvoke = TotalRounds * RoundSize;

    /// <summary>Smallest size drawn.</summary>
    public const int MinSize = 16;

    /// <summary>Largest size drawn.</summary>
    public const int MaxSize = 4096;

    private nuint[] _sizes = null!;
    private WorkerGang _gang = null!;
    private PointerTable[] _tables = null!;
    private byte[][][] _arrays = null!;
    private Action<int> _fioMem = null!, _nativeZeroed = null!, _native = null!, _miZalloc = null!, _miMalloc = null!;
    private Action<int> _miMallocClear = null!, _gc = null!, _arrayPool = null!, _floor = null!;
    private ZeroingFloor[] _floors = null!;

    /// <summary>Threads allocating at once.</summary>
    [Params(1, 2, 4, 8)]
    public int Threads { get; set; }

    /// <summary>Starts the threads and gives each its tables.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _sizes = RandomSizes.Uniform(RoundSize, MinSize, MaxSize);
        _gang = new WorkerGang(Threads, "local");
        _tables = new PointerTable[Threads];
        _arrays = new byte[Threads][][];
        _floors = new ZeroingFloor[Threads];
        for (int i = 0; i < Threads; i++)
        {
            _tables[i] = new PointerTable(RoundSize);
            _arrays[i] = new byte[RoundSize][];
            _floors[i] = new ZeroingFloor(_sizes);
        }

        int rounds = TotalRounds / Threads;
        _fioMem = worker => RunRounds<FioMemAllocator>(_tables[worker].Items, _sizes, rounds);
        _nativeZeroed = worker => RunRounds<NativeZeroedAllocator>(_tables[worker].Items, _sizes, rounds);
        _native = worker => RunRounds<NativeAllocator>(_tables[worker].Items, _sizes, rounds);
        _miZalloc = worker => RunRounds<MimallocZeroedAllocator>(_tables[worker].Items, _sizes, rounds);
        _miMalloc = worker => RunRounds<MimallocAllocator>(_tables[worker].Items, _sizes, rounds);
        _miMallocClear = worker => RunRounds<MimallocClearingAllocator>(_tables[worker].Items, _sizes, rounds);
        _gc = worker => RunGcRounds(_arrays[worker], _sizes, rounds);
        _arrayPool = worker => RunArrayPoolRounds(_arrays[worker], _sizes, rounds);
        _floor = worker => _floors[worker].RunRounds(rounds);
    }

    /// <summary>Stops the threads.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _gang.Dispose();
        foreach (PointerTable table in _tables) table.Dispose();
        foreach (ZeroingFloor floor in _floors) floor.Dispose();
    }

    /// <summary>FioMem (every allocation zeroed).</summary>
    [Benchmark(Description = "FioMem (zeroed)", OperationsPerInvoke = PairsPerInvoke)]
    public void FioMem() => _gang.Run(_fioMem);

    /// <summary>The baseline: glibc's calloc through NativeMemory.</summary>
    [Benchmark(Baseline = true, Description = "NativeMemory.AllocZeroed", OperationsPerInvoke = PairsPerInvoke)]
    public void NativeAllocZeroed() => _gang.Run(_nativeZeroed);

    /// <summary>glibc's malloc through NativeMemory (not zeroed).</summary>
    [Benchmark(Description = "NativeMemory.Alloc (not zeroed)", OperationsPerInvoke = PairsPerInvoke)]
    public void NativeAlloc() => _gang.Run(_native);

    /// <summary>mimalloc's zeroing allocation.</summary>
    [Benchmark(Description = "mimalloc mi_zalloc", OperationsPerInvoke = PairsPerInvoke)]
    public void MimallocZalloc() => _gang.Run(_miZalloc);

    /// <summary>mimalloc's plain allocation (not zeroed).</summary>
    [Benchmark(Description = "mi_malloc (not zeroed)", OperationsPerInvoke = PairsPerInvoke)]
    public void MimallocMalloc() => _gang.Run(_miMalloc);

    /// <summary>Reference line: mi_malloc plus clearing the requested bytes, the cost of zeroing reused memory.</summary>
    [Benchmark(Description = "mi_malloc + memset (zeroing floor)", OperationsPerInvoke = PairsPerInvoke)]
    public void MimallocMallocThenClear() => _gang.Run(_miMallocClear);

    /// <summary>
    /// Reference line with no allocator: clearing each round's sizes where they lie in one buffer, and touching them.
    /// What any allocator that zeroes reused memory pays at least.
    /// </summary>
    [Benchmark(Description = "zeroing only, no allocator (floor)", OperationsPerInvoke = PairsPerInvoke)]
    public void ZeroingOnly() => _gang.Run(_floor);

    /// <summary>GC arrays (zeroed); "free" drops the reference and the collections that follow are part of the time.</summary>
    [Benchmark(Description = "GC new byte[] (zeroed)", OperationsPerInvoke = PairsPerInvoke)]
    public void GcArray() => _gang.Run(_gc);

    /// <summary>
    /// <see cref="ArrayPool{T}.Shared"/> Rent and Return (not zeroed; Rent rounds up to a power of two). A round keeps
    /// all <see cref="RoundSize"/> arrays rented before returning any, far more per size than the shared pool keeps, so
    /// most Rents allocate a new array and most Returns drop theirs: this measures the pool's overflow to GC allocation,
    /// not pooling.
    /// </summary>
    [Benchmark(Description = "ArrayPool.Shared overflowing: 4096 rented, mostly new arrays", OperationsPerInvoke = PairsPerInvoke)]
    public void ArrayPoolSharedOverflowing() => _gang.Run(_arrayPool);

    /// <summary>Runs <paramref name="rounds"/> local rounds on the calling thread.</summary>
    public static void RunRounds<TAlloc>(void** pointers, nuint[] sizes, int rounds) where TAlloc : struct, IBenchAllocator
    {
        for (int r = 0; r < rounds; r++)
        {
            for (int j = 0; j < sizes.Length; j++)
            {
                byte* p = (byte*)TAlloc.Alloc(sizes[j]);
                *p = 1;
                pointers[j] = p;
            }

            for (int j = 0; j < sizes.Length; j++) TAlloc.Free(pointers[j]);
        }
    }

    private static void RunGcRounds(byte[][] arrays, nuint[] sizes, int rounds)
    {
        for (int r = 0; r < rounds; r++)
        {
            for (int j = 0; j < sizes.Length; j++)
            {
                var array = new byte[sizes[j]];
                array[0] = 1;
                arrays[j] = array;
            }

            Array.Clear(arrays);
        }
    }

    private static void RunArrayPoolRounds(byte[][] arrays, nuint[] sizes, int rounds)
    {
        ArrayPool<byte> pool = ArrayPool<byte>.Shared;
        for (int r = 0; r < rounds; r++)
        {
            for (int j = 0; j < sizes.Length; j++)
            {
                byte[] array = pool.Rent((int)sizes[j]);
                array[0] = 1;
                arrays[j] = array;
            }

            for (int j = 0; j < sizes.Length; j++)
            {
                pool.Return(arrays[j]);
                arrays[j] = null!;
            }
        }
    }
}
