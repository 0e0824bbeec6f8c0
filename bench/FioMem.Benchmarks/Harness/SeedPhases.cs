// The seed-round breakdown (`-- seed-phases`): times each of the seed round's seven phases per allocator, in one process.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Workloads;

namespace FioMem.Benchmarks.Harness;

/// <summary>
/// Runs the seed round (<see cref="SeedRoundBenchmarks"/>) on two threads for every size, timing each phase on each thread
/// with a <see cref="Stopwatch"/>, and prints the median per phase (ms per round, slower thread of the two) for every
/// allocator. It tells where a total comes from; the totals themselves are BenchmarkDotNet's job.
/// </summary>
public static unsafe class SeedPhases
{
    private static readonly string[] PhaseNames =
    [
        "malloc", "realloc 2x", "free", "calloc", "free", "4096 mallocs", "4096 frees", "malloc+free",
    ];

    /// <summary>
    /// Runs the breakdown; <paramref name="passes"/> is how many times every size runs, and <paramref name="only"/>,
    /// when given, keeps the allocators whose name contains it (for profiling one of them).
    /// </summary>
    public static int Run(int passes, string? only = null)
    {
        Console.WriteLine($"Seed round by phase: median ms per round over {passes} pass(es) of all 128 sizes, 2 threads (slower thread)");
        var rows = new List<(string Name, double[] Medians)>();
        bool Wanted(string name) => only is null || name.Contains(only, StringComparison.OrdinalIgnoreCase);
        if (Wanted("FioMem (zeroed)")) rows.Add(Measure<FioMemAllocator>("FioMem (zeroed)", passes));
        if (Wanted("NativeMemory.AllocZeroed")) rows.Add(Measure<NativeZeroedAllocator>("NativeMemory.AllocZeroed", passes));
        if (!Mimalloc.IsAvailable)
        {
            Console.WriteLine($"note: {Mimalloc.UnavailableReason}; mimalloc skipped.");
        }
        else
        {
            if (Wanted("mimalloc mi_zalloc")) rows.Add(Measure<MimallocZeroedAllocator>("mimalloc mi_zalloc", passes));
            if (Wanted("mi_zalloc + mi_rezalloc")) rows.Add(Measure<MimallocAllZeroingAllocator>("mi_zalloc + mi_rezalloc", passes));
            if (Wanted("mi_malloc (not zeroed)")) rows.Add(Measure<MimallocAllocator>("mi_malloc (not zeroed)", passes));
        }

        Console.Write($"{"allocator",-26}");
        foreach (string phase in PhaseNames) Console.Write($"{phase,13}");
        Console.WriteLine($"{"total",10}");
        foreach ((string name, double[] medians) in rows)
        {
            Console.Write($"{name,-26}");
            double total = 0;
            foreach (double m in medians)
            {
                Console.Write($"{m,13:F3}");
                total += m;
            }
            Console.WriteLine($"{total,10:F3}");
        }
        return 0;
    }

    private static (string, double[]) Measure<TAlloc>(string name, int passes) where TAlloc : struct, IBenchAllocator
    {
        const int threads = SeedRoundBenchmarks.Threads;
        int sizes = SeedRoundBenchmarks.EndMultiplier - SeedRoundBenchmarks.FirstMultiplier;
        int rounds = passes * sizes;
        // ticks[thread][phase][round]
        var ticks = new long[threads][][];
        for (int t = 0; t < threads; t++)
        {
            ticks[t] = new long[PhaseNames.Length][];
            for (int p = 0; p < PhaseNames.Length; p++) ticks[t][p] = new long[rounds];
        }

        long faultsBefore = MinorFaults();
        using var gang = new WorkerGang(threads, "seed phases");
        var tables = new PointerTable[threads];
        for (int i = 0; i < threads; i++) tables[i] = new PointerTable(SeedRoundBenchmarks.PhaseLength);
        // One warm-up pass, then the timed ones.
        gang.Run(worker => SeedRoundBenchmarks.RunAllRounds<TAlloc>(tables[worker].Items));
        gang.Run(worker =>
        {
            long[][] mine = ticks[worker];
            for (int pass = 0, round = 0; pass < passes; pass++)
            {
                for (int m = SeedRoundBenchmarks.FirstMultiplier; m < SeedRoundBenchmarks.EndMultiplier; m++, round++)
                    TimedRound<TAlloc>(tables[worker].Items, m, mine, round);
            }
        });
        foreach (PointerTable table in tables) table.Dispose();
        long faults = MinorFaults() - faultsBefore;
        if (faults >= 0)
            Console.WriteLine($"{name}: {faults:N0} page faults over {passes + 1} pass(es) ({faults / (double)((passes + 1) * sizes):F0} per round)");

        var medians = new double[PhaseNames.Length];
        var slower = new double[rounds];
        for (int p = 0; p < PhaseNames.Length; p++)
        {
            for (int r = 0; r < rounds; r++) slower[r] = Math.Max(ticks[0][p][r], ticks[1][p][r]) * 1000.0 / Stopwatch.Frequency;
            Array.Sort(slower);
            medians[p] = slower[rounds / 2];
        }
        return (name, medians);
    }

    private static void TimedRound<TAlloc>(void** pointers, int multiplier, long[][] ticks, int round) where TAlloc : struct, IBenchAllocator
    {
        const int n = SeedRoundBenchmarks.PhaseLength;
        nuint size = (nuint)(multiplier << 4);
        long t0 = Stopwatch.GetTimestamp();
        for (int j = 0; j < n; j++) pointers[j] = Touch(TAlloc.Alloc(size));
        long t1 = Stopwatch.GetTimestamp();
        for (int j = 0; j < n; j++) pointers[j] = Touch(TAlloc.Realloc(pointers[j], size * 2));
        long t2 = Stopwatch.GetTimestamp();
        for (int j = 0; j < n; j++) TAlloc.Free(pointers[j]);
        long t3 = Stopwatch.GetTimestamp();
        for (int j = 0; j < n; j++) pointers[j] = Touch(TAlloc.Calloc(16, (nuint)multiplier));
        long t4 = Stopwatch.GetTimestamp();
        for (int j = 0; j < n; j++) TAlloc.Free(pointers[j]);
        long t5 = Stopwatch.GetTimestamp();
        for (int j = 0; j < n; j++) pointers[j] = Touch(TAlloc.Alloc(size));
        long t6 = Stopwatch.GetTimestamp();
        for (int j = 0; j < n; j++) TAlloc.Free(pointers[j]);
        long t7 = Stopwatch.GetTimestamp();
        for (int j = 0; j < n; j++) TAlloc.Free(Touch(TAlloc.Alloc(size)));
        long t8 = Stopwatch.GetTimestamp();
        ticks[0][round] = t1 - t0;
        ticks[1][round] = t2 - t1;
        ticks[2][round] = t3 - t2;
        ticks[3][round] = t4 - t3;
        ticks[4][round] = t5 - t4;
        ticks[5][round] = t6 - t5;
        ticks[6][round] = t7 - t6;
        ticks[7][round] = t8 - t7;
    }

    /// <summary>The process's minor page faults so far (Linux), or -1 where /proc is not there.</summary>
    private static long MinorFaults()
    {
        try
        {
            string stat = System.IO.File.ReadAllText("/proc/self/stat");
            // Fields after the parenthesised command name: state is field 3, minflt field 10.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (System.IO.IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static void* Touch(void* ptr)
    {
        *(byte*)ptr = (byte)'1';
        return ptr;
    }
}
