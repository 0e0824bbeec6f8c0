// Entry point: `dotnet run -c Release --project bench/FioMem.Benchmarks -- --filter '*'` (add `--job short` for a quick run),
// or `-- memory` for the memory check.
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

        if (!Mimalloc.IsAvailable)
        {
            Console.WriteLine(
                $"note: {Mimalloc.UnavailableReason}; the mimalloc cases are skipped (Debian/Ubuntu: apt-get install libmimalloc2.0).");
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchConfig.Create(args));
        return 0;
    }
}
