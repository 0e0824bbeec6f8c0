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
            ticks[t] = new long[SeedRoundBenchmarks.PhaseCount][];
            for (int p = 0; p < SeedRoundBenchmarks.PhaseCount; p++) ticks[t][p] = new long[rounds];
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
                {
                    var clock = new PhaseClock(mine, round);
                    SeedRoundBenchmarks.RunRound<TAlloc, PhaseClock>(tables[worker].Items, m, ref clock);
                }
            }
        });
        foreach (PointerTable table in tables) table.Dispose();
        long faults = MinorFaults() - faultsBefore;
        if (faults >= 0)
            Console.WriteLine($"{name}: {faults:N0} page faults over {passes + 1} pass(es) ({faults / (double)((passes + 1) * sizes):F0} per round)");

        var medians = new double[SeedRoundBenchmarks.PhaseCount];
        var slower = new double[rounds];
        for (int p = 0; p < SeedRoundBenchmarks.PhaseCount; p++)
        {
            for (int r = 0; r < rounds; r++) slower[r] = Math.Max(ticks[0][p][r], ticks[1][p][r]) * 1000.0 / Stopwatch.Frequency;
            Array.Sort(slower);
            medians[p] = slower[rounds / 2];
        }
        return (name, medians);
    }

    /// <summary>Records the clock at each phase boundary and stores each phase's ticks for one round.</summary>
    private struct PhaseClock : SeedRoundBenchmarks.IPhaseMarks
    {
        private readonly long[][] _ticks;
        private readonly int _round;
        private long _last;

        public PhaseClock(long[][] ticks, int round)
        {
            _ticks = ticks;
            _round = round;
            _last = 0;
        }

        public void Mark(int boundary)
        {
            long now = Stopwatch.GetTimestamp();
            if (boundary > 0) _ticks[boundary - 1][_round] = now - _last;
            _last = now;
        }
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
}
