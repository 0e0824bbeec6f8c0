// Producer→consumer pairs: one thread allocates a round, another frees it; the path a response writer takes.
using System;
using BenchmarkDotNet.Attributes;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Harness;

namespace FioMem.Benchmarks.Workloads;

/// <summary>
/// The cross-thread workload. <see cref="Threads"/>/2 pairs; in each, the producer allocates a round of
/// <see cref="LocalBenchmarks.RoundSize"/> random sizes (16..4096 bytes, one byte written) and hands it over through a
/// <see cref="RoundHandoff"/> ring; the consumer frees every pointer. An invocation moves <see cref="TotalRounds"/>
/// rounds over all pairs; the figure is wall time per alloc+free pair.
/// </summary>
public unsafe class CrossThreadBenchmarks
{
    /// <summary>Rounds per invocation, over all pairs.</summary>
    public const int TotalRounds = 16;

    /// <summary>Alloc+free pairs per invocation.</summary>
    public const int PairsPerInvoke = TotalRounds * LocalBenchmarks.RoundSize;

    /// <summary>Rounds a producer may run ahead of its consumer.</summary>
    public const int HandoffDepth = 4;

    private nuint[] _sizes = null!;
    private WorkerGang _gang = null!;
    private RoundHandoff[] _handoffs = null!;
    private Action<int> _fioMem = null!, _nativeZeroed = null!, _native = null!, _miZalloc = null!, _miMalloc = null!;

    /// <summary>Threads: half produce, half consume.</summary>
    [Params(2, 4)]
    public int Threads { get; set; }

    /// <summary>Starts the threads and builds one hand-over ring per pair.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _sizes = RandomSizes.Uniform(LocalBenchmarks.RoundSize, LocalBenchmarks.MinSize, LocalBenchmarks.MaxSize);
        int pairs = Threads / 2;
        _gang = new WorkerGang(pairs * 2, "cross-thread");
        _handoffs = new RoundHandoff[pairs];
        for (int i = 0; i < pairs; i++) _handoffs[i] = new RoundHandoff(HandoffDepth, LocalBenchmarks.RoundSize);

        int rounds = TotalRounds / pairs;
        _fioMem = worker => RunPairMember<FioMemAllocator>(worker, _handoffs, _sizes, rounds);
        _nativeZeroed = worker => RunPairMember<NativeZeroedAllocator>(worker, _handoffs, _sizes, rounds);
        _native = worker => RunPairMember<NativeAllocator>(worker, _handoffs, _sizes, rounds);
        _miZalloc = worker => RunPairMember<MimallocZeroedAllocator>(worker, _handoffs, _sizes, rounds);
        _miMalloc = worker => RunPairMember<MimallocAllocator>(worker, _handoffs, _sizes, rounds);
    }

    /// <summary>Stops the threads.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _gang.Dispose();
        foreach (RoundHandoff handoff in _handoffs) handoff.Dispose();
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

    /// <summary>Worker 2k produces for pair k and worker 2k+1 consumes, for <paramref name="rounds"/> rounds.</summary>
    public static void RunPairMember<TAlloc>(int worker, RoundHandoff[] handoffs, nuint[] sizes, int rounds)
        where TAlloc : struct, IBenchAllocator
    {
        RoundHandoff handoff = handoffs[worker / 2];
        if (worker % 2 == 0)
            Produce<TAlloc>(handoff, sizes, rounds);
        else
            Consume<TAlloc>(handoff, sizes.Length, rounds);
    }

    private static void Produce<TAlloc>(RoundHandoff handoff, nuint[] sizes, int rounds) where TAlloc : struct, IBenchAllocator
    {
        for (int r = 0; r < rounds; r++)
        {
            void** pointers = handoff.AcquireForProducer(r);
            for (int j = 0; j < sizes.Length; j++)
            {
                byte* p = (byte*)TAlloc.Alloc(sizes[j]);
                *p = 1;
                pointers[j] = p;
            }

            handoff.Publish(r);
        }
    }

    private static void Consume<TAlloc>(RoundHandoff handoff, int roundSize, int rounds) where TAlloc : struct, IBenchAllocator
    {
        for (int r = 0; r < rounds; r++)
        {
            void** pointers = handoff.AcquireForConsumer(r);
            for (int j = 0; j < roundSize; j++) TAlloc.Free(pointers[j]);
            handoff.Release(r);
        }
    }
}
