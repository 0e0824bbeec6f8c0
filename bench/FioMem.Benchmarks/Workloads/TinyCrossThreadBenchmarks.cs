// Tiny allocations (16, 32, 64 bytes) made on one thread and freed on another: the tiny workload's cross-thread case.
using System;
using BenchmarkDotNet.Attributes;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Harness;

namespace FioMem.Benchmarks.Workloads;

/// <summary>
/// The tiny workload freed on another thread: one producer allocates rounds of <see cref="RoundSize"/> allocations of
/// <see cref="Size"/> bytes (one byte written in each) and hands each round over through a <see cref="RoundHandoff"/>
/// ring, as <see cref="CrossThreadBenchmarks"/> does with mixed sizes; one consumer frees every pointer. An invocation
/// moves <see cref="TotalRounds"/> rounds; the figure is wall time per alloc+free pair with the two threads running at
/// once. No free is by the thread slicing the block, so FioMem's step-back never applies.
/// </summary>
public unsafe class TinyCrossThreadBenchmarks
{
    /// <summary>Allocations per round.</summary>
    public const int RoundSize = 4096;

    /// <summary>Rounds per invocation.</summary>
    public const int TotalRounds = 16;

    /// <summary>Alloc+free pairs per invocation.</summary>
    public const int PairsPerInvoke = TotalRounds * RoundSize;

    private nuint[] _sizes = null!;
    private WorkerGang _gang = null!;
    private RoundHandoff[] _handoffs = null!;
    private Action<int> _fioMem = null!, _nativeZeroed = null!, _native = null!, _miZalloc = null!, _miMalloc = null!;

    /// <summary>Bytes per allocation.</summary>
    [Params(16, 32, 64)]
    public int Size { get; set; }

    /// <summary>Starts the consumer thread and builds the hand-over ring.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _sizes = RoundOf(Size);
        _gang = new WorkerGang(2, "tiny cross-thread");
        _handoffs = [new RoundHandoff(CrossThreadBenchmarks.HandoffDepth, RoundSize)];
        _fioMem = worker => RunPairMember<FioMemAllocator>(worker, _handoffs, _sizes);
        _nativeZeroed = worker => RunPairMember<NativeZeroedAllocator>(worker, _handoffs, _sizes);
        _native = worker => RunPairMember<NativeAllocator>(worker, _handoffs, _sizes);
        _miZalloc = worker => RunPairMember<MimallocZeroedAllocator>(worker, _handoffs, _sizes);
        _miMalloc = worker => RunPairMember<MimallocAllocator>(worker, _handoffs, _sizes);
    }

    /// <summary>Stops the thread.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _gang.Dispose();
        foreach (RoundHandoff handoff in _handoffs) handoff.Dispose();
    }

    /// <summary>FioMem (every allocation zeroed).</summary>
    [Benchmark(Description = "FioMem (zeroed), freed on another thread", OperationsPerInvoke = PairsPerInvoke)]
    public void FioMem() => _gang.Run(_fioMem);

    /// <summary>The baseline: glibc's calloc through NativeMemory.</summary>
    [Benchmark(Baseline = true, Description = "NativeMemory.AllocZeroed, freed on another thread", OperationsPerInvoke = PairsPerInvoke)]
    public void NativeAllocZeroed() => _gang.Run(_nativeZeroed);

    /// <summary>glibc's malloc through NativeMemory (not zeroed).</summary>
    [Benchmark(Description = "NativeMemory.Alloc (not zeroed), freed on another thread", OperationsPerInvoke = PairsPerInvoke)]
    public void NativeAlloc() => _gang.Run(_native);

    /// <summary>mimalloc's zeroing allocation.</summary>
    [Benchmark(Description = "mimalloc mi_zalloc, freed on another thread", OperationsPerInvoke = PairsPerInvoke)]
    public void MimallocZalloc() => _gang.Run(_miZalloc);

    /// <summary>mimalloc's plain allocation (not zeroed).</summary>
    [Benchmark(Description = "mi_malloc (not zeroed), freed on another thread", OperationsPerInvoke = PairsPerInvoke)]
    public void MimallocMalloc() => _gang.Run(_miMalloc);

    /// <summary>A round's sizes: <see cref="RoundSize"/> times <paramref name="size"/>.</summary>
    public static nuint[] RoundOf(int size)
    {
        var sizes = new nuint[RoundSize];
        Array.Fill(sizes, (nuint)size);
        return sizes;
    }

    /// <summary>Worker 0 allocates <see cref="TotalRounds"/> rounds of <paramref name="sizes"/> and worker 1 frees them.</summary>
    public static void RunPairMember<TAlloc>(int worker, RoundHandoff[] handoffs, nuint[] sizes) where TAlloc : struct, IBenchAllocator =>
        CrossThreadBenchmarks.RunPairMember<TAlloc>(worker, handoffs, sizes, TotalRounds);
}
