// The BenchmarkDotNet configuration of the suite: median column, mimalloc cases dropped when the library is absent, a bounded job.
using System;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using FioMem.Benchmarks.Allocators;
using Perfolizer.Horology;

namespace FioMem.Benchmarks.Harness;

/// <summary>Builds the configuration <see cref="Program"/> passes to the switcher.</summary>
public static class BenchConfig
{
    /// <summary>The suite's configuration for these command-line arguments.</summary>
    /// <remarks>
    /// Without <c>--job</c> the suite runs a fixed job (3 warm-up and 10 measured iterations of about 250 ms, one
    /// launch) so that the whole suite stays within about a quarter of an hour on two cores; BenchmarkDotNet's default
    /// job runs until the figures settle, which on a shared machine can take far longer. <c>--job short</c> replaces it.
    /// </remarks>
    public static IConfig Create(string[] args)
    {
        ManualConfig config = ManualConfig.Create(DefaultConfig.Instance)
            .AddColumn(StatisticColumn.Median)
            .AddFilter(new SimpleFilter(benchmark =>
                Mimalloc.IsAvailable
                || !benchmark.Descriptor.WorkloadMethod.Name.StartsWith("Mimalloc", StringComparison.Ordinal)));

        if (!NamesJob(args))
        {
            config.AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithIterationTime(TimeInterval.FromMilliseconds(250))
                .WithId("Suite")
                .AsDefault());
        }

        return config;
    }

    private static bool NamesJob(string[] args)
    {
        foreach (string arg in args)
        {
            if (arg is "--job" or "-j" || arg.StartsWith("--job=", StringComparison.Ordinal)) return true;
        }

        return false;
    }
}
