// The cross-thread workload without the concurrency: one thread allocates a round, then another frees it, in turn.
using System;
using System.Threading;
using BenchmarkDotNet.Attributes;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Harness;

namespace FioMem.Benchmarks.Workloads;

/// <summary>
/// The rounds of <see cref="CrossThreadBenchmarks"/> (<see cref="LocalBenchmarks.RoundSize"/> random sizes of 16..4096
/// bytes, one byte written in each) allocated on one thread and freed on another, but one after the other: the freeing
/// thread starts when the round is complete, and the allocating thread starts its next round when the frees are done.
/// Both threads' time counts, so the figure is an allocation plus a free on another thread, per pair, with no two
/// threads running at once: on a machine shared with other work, the ratio of two builds (<c>-- ab … remote-free</c>)
/// moves far less than in the concurrent workload, where a thread taken off its core leaves the other spinning.
/// </summary>
public unsafe class RemoteFreeBenchmarks
{
    /// <summary>Rounds per invocation.</summary>
    public const int Rounds = 4;

    /// <summary>Alloc+free pairs per invocation.</summary>
    public const int PairsPerInvoke = Rounds * LocalBenchmarks.RoundSize;

    private nuint[] _sizes = null!;
    private WorkerGang _gang = null!;
    private PointerTable _table = null!;
    private int _turn;
    private Action<int> _fioMem = null!, _miZalloc = null!;

    /// <summary>Starts the second thread.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _sizes = RandomSizes.Uniform(LocalBenchmarks.RoundSize, LocalBenchmarks.MinSize, LocalBenchmarks.MaxSize);
        _gang = new WorkerGang(2, "remote free");
        _table = new PointerTable(LocalBenchmarks.RoundSize);
        _fioMem = worker => RunTurns<FioMemAllocator>(worker);
        _miZalloc = worker => RunTurns<MimallocZeroedAllocator>(worker);
    }

    /// <summary>Stops the thread.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _gang.Dispose();
        _table.Dispose();
    }

    /// <summary>FioMem (every allocation zeroed).</summary>
    [Benchmark(Description = "FioMem (zeroed)", OperationsPerInvoke = PairsPerInvoke)]
    public void FioMem() => _gang.Run(_fioMem);

    /// <summary>mimalloc's zeroing allocation.</summary>
    [Benchmark(Description = "mimalloc mi_zalloc", OperationsPerInvoke = PairsPerInvoke)]
    public void MimallocZalloc() => _gang.Run(_miZalloc);

    /// <summary>Worker 0 allocates each round, worker 1 frees it; each waits for the other's turn to end.</summary>
    private void RunTurns<TAlloc>(int worker) where TAlloc : struct, IBenchAllocator
    {
        void** pointers = _table.Items;
        for (int r = 0; r < Rounds; r++)
        {
            // Turns 0, 2, 4, ... allocate; 1, 3, 5, ... free. Volatile.Read/Write order the table between the threads.
            int mine = 2 * r + worker;
            var spinner = new SpinWait();
            while (Volatile.Read(ref _turn) != mine) spinner.SpinOnce(sleep1Threshold: -1);
            if (worker == 0)
            {
                for (int j = 0; j < _sizes.Length; j++)
                {
                    byte* p = (byte*)TAlloc.Alloc(_sizes[j]);
                    *p = 1;
                    pointers[j] = p;
                }
            }
            else
            {
                for (int j = 0; j < _sizes.Length; j++) TAlloc.Free(pointers[j]);
            }
            Volatile.Write(ref _turn, mine + 1 == 2 * Rounds ? 0 : mine + 1);
        }
    }
}
