// facil.io's own allocator speed test (tests/malloc_speed.c), ported: two threads, sizes 2 KiB..4 KiB, seven phases per round.
using System;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Harness;

namespace FioMem.Benchmarks.Workloads;

/// <summary>
/// The seed round. Two threads run the same test at once; a round is one size <c>16·i</c> bytes, i in 128..255, and
/// consists of 4096 each of: malloc, realloc to twice the size, free, calloc(16, i), free, then "4096 mallocs followed
/// by 4096 frees", then "malloc and immediate free". Every allocation has its first byte written, as in the C test.
/// One invocation runs all 128 sizes on both threads; the figure is the time of one round (all seven phases, both
/// threads in parallel): facil.io's "total".
/// </summary>
/// <remarks>
/// A round of 2–4 KiB allocations takes tens of milliseconds with glibc (most of it page faults on memory glibc gave
/// back), so all 128 sizes in one invocation would take seconds. An invocation therefore runs
/// <see cref="RoundsPerInvoke"/> sizes spaced <see cref="SizeStride"/> apart, and each invocation starts one size further
/// on: every size 128..255 is measured over <see cref="SizeStride"/> invocations, and each invocation's mean size is
/// within 4% of the others'. The memory check runs all 128 sizes at once.
/// </remarks>
public unsafe class SeedRoundBenchmarks
{
    /// <summary>Allocations per phase.</summary>
    public const int PhaseLength = 4096;

    /// <summary>Phases in a round (the marks of one round are 0..PhaseCount).</summary>
    public const int PhaseCount = 8;

    /// <summary>The first size multiplier (16·128 = 2048 bytes).</summary>
    public const int FirstMultiplier = 128;

    /// <summary>One past the last size multiplier (16·255 = 4080 bytes).</summary>
    public const int EndMultiplier = 256;

    /// <summary>The distance between the sizes of one invocation.</summary>
    public const int SizeStride = 8;

    /// <summary>Rounds (sizes) per invocation.</summary>
    public const int RoundsPerInvoke = (EndMultiplier - FirstMultiplier) / SizeStride;

    /// <summary>Threads running the test at once, as in facil.io's test.</summary>
    public const int Threads = 2;

    private WorkerGang _gang = null!;
    private int _firstOffset;
    private PointerTable[] _tables = null!;
    private Action<int> _fioMem = null!, _nativeZeroed = null!, _native = null!, _miZalloc = null!, _miMalloc = null!;
    private Action<int> _miAllZeroing = null!;

    /// <summary>Starts the two threads and gives each its pointer table.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _gang = new WorkerGang(Threads, "seed round");
        _tables = new PointerTable[Threads];
        for (int i = 0; i < Threads; i++) _tables[i] = new PointerTable(PhaseLength);
        _fioMem = worker => RunStridedRounds<FioMemAllocator>(_tables[worker].Items, _firstOffset);
        _nativeZeroed = worker => RunStridedRounds<NativeZeroedAllocator>(_tables[worker].Items, _firstOffset);
        _native = worker => RunStridedRounds<NativeAllocator>(_tables[worker].Items, _firstOffset);
        _miZalloc = worker => RunStridedRounds<MimallocZeroedAllocator>(_tables[worker].Items, _firstOffset);
        _miMalloc = worker => RunStridedRounds<MimallocAllocator>(_tables[worker].Items, _firstOffset);
        _miAllZeroing = worker => RunStridedRounds<MimallocAllZeroingAllocator>(_tables[worker].Items, _firstOffset);
    }

    /// <summary>Stops the threads.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _gang.Dispose();
        foreach (PointerTable table in _tables) table.Dispose();
    }

    /// <summary>FioMem (every allocation zeroed).</summary>
    [Benchmark(Description = "FioMem (zeroed)", OperationsPerInvoke = RoundsPerInvoke)]
    public void FioMem() => _gang.Run(NextInvocation(_fioMem));

    /// <summary>The baseline: glibc through NativeMemory, malloc as AllocZeroed.</summary>
    [Benchmark(Baseline = true, Description = "NativeMemory.AllocZeroed", OperationsPerInvoke = RoundsPerInvoke)]
    public void NativeAllocZeroed() => _gang.Run(NextInvocation(_nativeZeroed));

    /// <summary>glibc through NativeMemory, malloc not zeroed.</summary>
    [Benchmark(Description = "NativeMemory.Alloc (not zeroed)", OperationsPerInvoke = RoundsPerInvoke)]
    public void NativeAlloc() => _gang.Run(NextInvocation(_native));

    /// <summary>mimalloc, malloc as mi_zalloc (the growth, mi_realloc, is not zeroed).</summary>
    [Benchmark(Description = "mimalloc mi_zalloc", OperationsPerInvoke = RoundsPerInvoke)]
    public void MimallocZalloc() => _gang.Run(NextInvocation(_miZalloc));

    /// <summary>mimalloc zeroing everything FioMem zeroes: mi_zalloc, mi_calloc, and mi_rezalloc for the growth.</summary>
    [Benchmark(Description = "mi_zalloc + mi_rezalloc (all zeroed)", OperationsPerInvoke = RoundsPerInvoke)]
    public void MimallocAllZeroing() => _gang.Run(NextInvocation(_miAllZeroing));

    /// <summary>mimalloc, malloc as mi_malloc (not zeroed).</summary>
    [Benchmark(Description = "mi_malloc (not zeroed)", OperationsPerInvoke = RoundsPerInvoke)]
    public void MimallocMalloc() => _gang.Run(NextInvocation(_miMalloc));

    /// <summary>Runs the sizes 128 + <paramref name="offset"/> + k·<see cref="SizeStride"/> on the calling thread.</summary>
    public static void RunStridedRounds<TAlloc>(void** pointers, int offset) where TAlloc : struct, IBenchAllocator
    {
        for (int i = FirstMultiplier + offset; i < EndMultiplier; i += SizeStride) RunRound<TAlloc>(pointers, i);
    }

    /// <summary>Runs every size once on the calling thread.</summary>
    public static void RunAllRounds<TAlloc>(void** pointers) where TAlloc : struct, IBenchAllocator
    {
        for (int i = FirstMultiplier; i < EndMultiplier; i++) RunRound<TAlloc>(pointers, i);
    }

    /// <summary>One round of the seed test for size <c>16·<paramref name="multiplier"/></c>.</summary>
    public static void RunRound<TAlloc>(void** pointers, int multiplier) where TAlloc : struct, IBenchAllocator
    {
        var none = default(NoPhaseMarks);
        RunRound<TAlloc, NoPhaseMarks>(pointers, multiplier, ref none);
    }

    /// <summary>
    /// One round of the seed test, calling <paramref name="marks"/> before the first phase and after each of the
    /// <see cref="PhaseCount"/> phases (the breakdown in <c>-- seed-phases</c> times them).
    /// </summary>
    public static void RunRound<TAlloc, TMarks>(void** pointers, int multiplier, ref TMarks marks)
        where TAlloc : struct, IBenchAllocator
        where TMarks : struct, IPhaseMarks
    {
        nuint size = (nuint)(multiplier << 4);

        marks.Mark(0);
        for (int j = 0; j < PhaseLength; j++) pointers[j] = Touch(TAlloc.Alloc(size));
        marks.Mark(1);
        for (int j = 0; j < PhaseLength; j++) pointers[j] = Touch(TAlloc.Realloc(pointers[j], size * 2));
        marks.Mark(2);
        for (int j = 0; j < PhaseLength; j++) TAlloc.Free(pointers[j]);
        marks.Mark(3);

        for (int j = 0; j < PhaseLength; j++) pointers[j] = Touch(TAlloc.Calloc(16, (nuint)multiplier));
        marks.Mark(4);
        for (int j = 0; j < PhaseLength; j++) TAlloc.Free(pointers[j]);
        marks.Mark(5);

        // facil.io's use case: a group allocated, then freed together.
        for (int j = 0; j < PhaseLength; j++) pointers[j] = Touch(TAlloc.Alloc(size));
        marks.Mark(6);
        for (int j = 0; j < PhaseLength; j++) TAlloc.Free(pointers[j]);
        marks.Mark(7);

        // Zero life span.
        for (int j = 0; j < PhaseLength; j++) TAlloc.Free(Touch(TAlloc.Alloc(size)));
        marks.Mark(8);
    }

    /// <summary>What <see cref="RunRound{TAlloc, TMarks}"/> calls between phases.</summary>
    public interface IPhaseMarks
    {
        /// <summary>Phase <paramref name="boundary"/> - 1 has ended and phase <paramref name="boundary"/> begins.</summary>
        void Mark(int boundary);
    }

    /// <summary>No marks: the benchmark's own rounds (the JIT removes the calls).</summary>
    private struct NoPhaseMarks : IPhaseMarks
    {
        public readonly void Mark(int boundary)
        {
        }
    }

    // Both threads read the offset after the gang's start barrier, so they run the same sizes.
    private Action<int> NextInvocation(Action<int> work)
    {
        _firstOffset = (_firstOffset + 1) % SizeStride;
        return work;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void* Touch(void* ptr)
    {
        *(byte*)ptr = (byte)'1';
        return ptr;
    }
}
