// Entry point: `dotnet run -c Release --project bench/FioMem.Benchmarks -- --filter '*'` (add `--job short` for a quick run),
// `-- memory` for the memory check, `-- seed-phases [passes] [allocator]` for the seed round timed phase by phase, or
// `-- interleaved <seed|seed-realloc|local|cross-thread|remote-free|tiny|tiny-fifo|tiny-cross-thread|typed|groups> [rounds] [reference method]`
// for a workload with all peers timed in turn each round (ratios against the first FioMem method, or the one named),
// `-- ab <build dir A> <build dir B> <workload> [pairs] [method]` for two builds of FioMem timed alternately in one process,
// `-- tiny-positions [size] [places]` for the tiny pair timed at many places in a block.
using System;
using BenchmarkDotNet.Running;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Harness;

namespace FioMem.Benchmarks;

/// <summary>Runs the benchmark suite through BenchmarkDotNet's switcher, or the memory check.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks named by <paramref name="args"/>.</summary>
    public static int Main(string[] args)
    {
        if (args is ["memory", ..]) return MemoryCheck.Run();
        if (args is ["interleaved", ..])
        {
            return Interleaved.Run(args.Length > 1 ? args[1] : "",
                args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 15,
                args.Length > 3 ? args[3] : null);
        }
        if (args is ["ab", ..])
            return AbCompare.Run(args);
        if (args is ["tiny-positions", ..])
            return TinyPositions.Run(args);
        if (args is ["seed-phases", ..])
            return SeedPhases.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3, args.Length > 2 ? args[2] : null);

        if (!Mimalloc.IsAvailable)
        {
            Console.WriteLine(
                $"note: {Mimalloc.UnavailableReason}; the mimalloc cases are skipped (Debian/Ubuntu: apt-get install libmimalloc2.0).");
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchConfig.Create(args));
        return 0;
    }
}
