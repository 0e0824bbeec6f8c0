// `-- tiny-interleaved [rounds]`: the tiny workload with every peer timed back to back in each round, and ratios taken
// within a round, so a change in the machine's speed between rounds moves every peer together.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Workloads;

namespace FioMem.Benchmarks.Harness;

/// <summary>
/// Runs the exact code of <see cref="TinyBenchmarks"/> (the same methods BenchmarkDotNet times), but interleaved: in each
/// round every peer gets a few batches in turn, and FioMem's ratio to each peer is taken within the round. On this
/// 2-vCPU virtual machine the speed of a single-threaded loop moves by up to 1.5× for seconds at a time, for every peer
/// at once (measured with this harness's first version); BenchmarkDotNet runs one benchmark after another, each in its
/// own process, so a shift between them shows up as a difference between peers.
/// </summary>
internal static class TinyInterleaved
{
    private const int CallsPerBatch = 256; // × TinyBenchmarks.PairsPerInvoke pairs ≈ 1M pairs
    private const int BatchesPerRound = 5;

    /// <summary>Runs <paramref name="rounds"/> rounds for each size and prints medians; returns the exit code.</summary>
    public static int Run(int rounds)
    {
        if (rounds < 1)
        {
            Console.Error.WriteLine("tiny-interleaved: the number of rounds must be at least 1");
            return 2;
        }

        var bench = new TinyBenchmarks();
        var peers = new List<(string Name, Action Run)>
        {
            ("FioMem (zeroed)", bench.FioMem),
            ("ArrayPool.Shared (not zeroed)", bench.ArrayPoolShared),
            ("GC new byte[] (zeroed)", bench.GcArray),
            ("NativeMemory.AllocZeroed", bench.NativeAllocZeroed),
        };
        if (Mimalloc.IsAvailable)
            peers.Add(("mimalloc mi_zalloc", bench.MimallocZalloc));
        else
            Console.WriteLine($"note: {Mimalloc.UnavailableReason}; mi_zalloc is skipped.");

        Console.WriteLine($"tiny workload, interleaved: {rounds} rounds; per round and peer the best of {BatchesPerRound} batches " +
                          $"of {CallsPerBatch * TinyBenchmarks.PairsPerInvoke:N0} alloc+free pairs; ns per pair");
        foreach (int size in new[] { 16, 32, 64 })
        {
            bench.Size = size;
            // Warm-up: past tier-0 and on-stack replacement, then give the tiering thread time to install tier 1.
            for (int pass = 0; pass < 3; pass++)
            {
                foreach (var (_, run) in peers)
                    Batch(run);
                Thread.Sleep(200);
            }

            var best = peers.ToDictionary(p => p.Name, _ => new List<double>());
            for (int round = 0; round < rounds; round++)
            {
                foreach (var (name, run) in peers)
                {
                    double fastest = double.MaxValue;
                    for (int batch = 0; batch < BatchesPerRound; batch++)
                        fastest = Math.Min(fastest, Batch(run));
                    best[name].Add(fastest);
                }
            }

            Console.WriteLine();
            Console.WriteLine($"{size} bytes:");
            var fioMem = best[peers[0].Name];
            foreach (var (name, _) in peers)
            {
                var times = best[name];
                string ratio = name == peers[0].Name
                    ? ""
                    : $"   FioMem / this, median of per-round ratios: {Median(fioMem.Zip(times, (f, t) => f / t).ToList()):F2}×";
                Console.WriteLine($"  {name,-30} median {Median(times),6:F2}  (rounds {times.Min():F2}–{times.Max():F2}){ratio}");
            }
        }

        return 0;
    }

    /// <summary>Times one batch; returns ns per alloc+free pair.</summary>
    private static double Batch(Action run)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < CallsPerBatch; i++)
            run();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return seconds * 1e9 / ((double)CallsPerBatch * TinyBenchmarks.PairsPerInvoke);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
