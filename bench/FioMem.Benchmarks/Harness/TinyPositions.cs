// `-- tiny-positions [size] [positions]`: the tiny workload (allocate, write a byte, free at once) timed with the bump
// pointer at many places in a block, one fresh thread (so a fresh block) per place, after a warm-up that brings the
// loop's code to its final tier. A benchmark that runs at one place measures that place; this shows how much the place
// moves the figure.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace FioMem.Benchmarks.Harness;

/// <summary>The tiny allocate-and-free pair timed at many positions in a block.</summary>
public static unsafe class TinyPositions
{
    private const int Pairs = 1_000_000;

    /// <summary>Runs the sweep; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        nuint size = args.Length > 1 ? nuint.Parse(args[1], CultureInfo.InvariantCulture) : 32;
        int positions = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
        if (size == 0 || size > 1024 || positions < 1)
        {
            Console.Error.WriteLine("usage: -- tiny-positions [size 1–1024] [positions ≥ 1]");
            return 2;
        }
        // Places spread over the whole block: each thread first allocates `skip` 16-byte slices and keeps them.
        int step = Math.Max(1, (Layout.SlicesPerBlockForBench - 400) / positions);
        for (int i = 0; i < 100; i++)
            Measure(size, 0); // warm-up: the loop reaches its final tier
        var results = new List<(long Offset, double Ns)>();
        for (int i = 0; i < positions; i++)
            results.Add(Measure(size, i * step));
        double[] sorted = results.Select(r => r.Ns).OrderBy(x => x).ToArray();
        double median = sorted[sorted.Length / 2];
        Console.WriteLine($"{size}-byte pairs at {positions} places in a block, best of 3 × {Pairs:N0} pairs each: " +
            $"min {sorted[0]:F2} ns, median {median:F2} ns, 90th percentile {sorted[sorted.Length * 9 / 10]:F2} ns, max {sorted[^1]:F2} ns");
        var slow = results.Where(r => r.Ns > median * 1.3).ToList();
        Console.WriteLine($"{slow.Count} of {positions} places take over 1.3× the median:");
        foreach (var (offset, ns) in slow)
            Console.WriteLine($"  offset {offset} in the block (mod 4096: {offset % 4096}): {ns:F2} ns");
        return 0;
    }

    private static (long Offset, double Ns) Measure(nuint size, int skip)
    {
        long offset = 0;
        double best = double.MaxValue;
        var thread = new Thread(() =>
        {
            for (int j = 0; j < skip; j++)
                FioMemory.Alloc(16); // kept: the block stays this thread's, the place moves on
            byte* probe = (byte*)FioMemory.Alloc(size);
            offset = (long)((nuint)probe & (nuint)(Layout.BlockSizeForBench - 1));
            FioMemory.Free(probe);
            for (int round = 0; round < 3; round++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < Pairs; i++)
                {
                    byte* p = (byte*)FioMemory.Alloc(size);
                    *p = 1;
                    FioMemory.Free(p);
                }
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / Pairs);
            }
        });
        thread.Start();
        thread.Join();
        return (offset, best);
    }

    private static class Layout
    {
        // FioMem's block size (128 KiB) and 16-byte slices, as docs/allocator.md gives them.
        public const int BlockSizeForBench = 1 << 17;
        public const int SlicesPerBlockForBench = BlockSizeForBench / 16;
    }
}
