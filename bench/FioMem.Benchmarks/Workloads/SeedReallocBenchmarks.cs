// The seed round's realloc phase on its own: 4096 allocations of one size, each reallocated to twice it, then freed.
using System;
using BenchmarkDotNet.Attributes;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Harness;

namespace FioMem.Benchmarks.Workloads;

/// <summary>
/// The first three phases of the seed round (<see cref="SeedRoundBenchmarks"/>), the realloc between them being most
/// of their time: per size <c>16·i</c> bytes (i in 128..255, <see cref="SeedRoundBenchmarks.SizeStride"/> apart per
/// invocation, as there), 4096 allocations, each reallocated to twice its size in allocation order (never the latest
/// allocation but the last, so every small reallocation moves), then all freed. Every allocation has its first byte
/// written. With the A/B tool (<c>-- ab … seed-realloc</c>) it compares two builds on the realloc path without the
/// seed round's other phases; <c>-- seed-phases</c> times the phase alone against the peers.
/// </summary>
public unsafe class SeedReallocBenchmarks
{
    private WorkerGang _gang = null!;
    private int _firstOffset;
    private PointerTable[] _tables = null!;
    private Action<int> _fioMem = null!, _miZalloc = null!, _miAllZeroing = null!;

    /// <summary>Threads running the phases at once (the seed round runs two).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Starts the threads and gives each its pointer table.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _gang = new WorkerGang(Threads, "seed realloc");
        _tables = new PointerTable[Threads];
        for (int i = 0; i < Threads; i++) _tables[i] = new PointerTable(SeedRoundBenchmarks.PhaseLength);
        _fioMem = worker => RunStrided<FioMemAllocator>(_tables[worker].Items, _firstOffset);
        _miZalloc = worker => RunStrided<MimallocZeroedAllocator>(_tables[worker].Items, _firstOffset);
        _miAllZeroing = worker => RunStrided<MimallocAllZeroingAllocator>(_tables[worker].Items, _firstOffset);
    }

    /// <summary>Stops the threads.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _gang.Dispose();
        foreach (PointerTable table in _tables) table.Dispose();
    }

    /// <summary>FioMem: the growth reads as zero.</summary>
    [Benchmark(Description = "FioMem (zeroed)", OperationsPerInvoke = SeedRoundBenchmarks.RoundsPerInvoke)]
    public void FioMem() => _gang.Run(NextInvocation(_fioMem));

    /// <summary>mimalloc, malloc as mi_zalloc; mi_realloc does not zero the growth.</summary>
    [Benchmark(Description = "mimalloc mi_zalloc", OperationsPerInvoke = SeedRoundBenchmarks.RoundsPerInvoke)]
    public void MimallocZalloc() => _gang.Run(NextInvocation(_miZalloc));

    /// <summary>mimalloc zeroing what FioMem zeroes: mi_zalloc, and mi_rezalloc for the growth.</summary>
    [Benchmark(Description = "mi_zalloc + mi_rezalloc (all zeroed)", OperationsPerInvoke = SeedRoundBenchmarks.RoundsPerInvoke)]
    public void MimallocAllZeroing() => _gang.Run(NextInvocation(_miAllZeroing));

    /// <summary>Runs the sizes 128 + <paramref name="offset"/> + k·<see cref="SeedRoundBenchmarks.SizeStride"/> on the calling thread.</summary>
    public static void RunStrided<TAlloc>(void** pointers, int offset) where TAlloc : struct, IBenchAllocator
    {
        for (int i = SeedRoundBenchmarks.FirstMultiplier + offset; i < SeedRoundBenchmarks.EndMultiplier; i += SeedRoundBenchmarks.SizeStride)
        {
            nuint size = (nuint)(i << 4);
            for (int j = 0; j < SeedRoundBenchmarks.PhaseLength; j++) pointers[j] = Touch(TAlloc.Alloc(size));
            for (int j = 0; j < SeedRoundBenchmarks.PhaseLength; j++) pointers[j] = Touch(TAlloc.Realloc(pointers[j], size * 2));
            for (int j = 0; j < SeedRoundBenchmarks.PhaseLength; j++) TAlloc.Free(pointers[j]);
        }
    }

    // Every thread reads the offset after the gang's start barrier, so they run the same sizes.
    private Action<int> NextInvocation(Action<int> work)
    {
        _firstOffset = (_firstOffset + 1) % SeedRoundBenchmarks.SizeStride;
        return work;
    }

    private static void* Touch(void* ptr)
    {
        *(byte*)ptr = (byte)'1';
        return ptr;
    }
}
