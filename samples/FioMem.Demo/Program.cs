// The FioMem demo: `dotnet run -c Release --project samples/FioMem.Demo` runs a request-handling workload on FioMem,
// NativeMemory.AllocZeroed and the GC in one process, and prints a table, FioMem's statistics and a chart's path.
using System;
using System.Collections.Generic;
using System.IO;
using FioMem.Demo.Allocators;
using FioMem.Demo.Report;
using FioMem.Demo.Server;
using Spectre.Console;

namespace FioMem.Demo;

/// <summary>Runs the demo.</summary>
public static class Program
{
    private sealed record Contender(string Name, Func<int, long, ServerRun> Start);

    private static readonly Contender[] s_contenders =
    [
        new(FioMemDemoAllocator.Name, ServerRun.Start<FioMemDemoAllocator>),
        new(FioHeapDemoAllocator.Name, ServerRun.Start<FioHeapDemoAllocator>),
        new(NativeZeroedDemoAllocator.Name, ServerRun.Start<NativeZeroedDemoAllocator>),
        new(GcDemoAllocator.Name, ServerRun.Start<GcDemoAllocator>),
    ];

    /// <summary>Runs every allocator, prints the results and writes the chart; returns 1 when a check failed.</summary>
    public static int Main(string[] args)
    {
        DemoOptions? options = DemoOptions.Parse(args, out string? error);
        if (options is null)
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(error!)}[/]");
            return 2;
        }

        // Without a terminal (CI, a pipe) Spectre assumes 80 columns, too narrow for the result table.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 132;

        AnsiConsole.Write(new Rule("[bold]FioMem demo[/]"));
        AnsiConsole.MarkupLine(
            $"{options.Workers} worker threads; {options.RequestsPerWorker:N0} requests per worker and allocator.");
        AnsiConsole.MarkupLine(
            "Each request allocates its header struct, 4-12 header lines and 0-4 body chunks (16 B-4 KiB), fills, checksums and parses them, " +
            "frees them together, and sends a response to the next worker, which checks and frees it (a cross-thread free).");
        AnsiConsole.MarkupLine(
            "Like with like: FioMem always zeroes, so the native run uses [bold]NativeMemory.AllocZeroed[/]; GC arrays are zeroed too.");

        List<RunResult> results = Run(options);
        FioMemoryStatistics beforeTrim = FioMemory.GetStatistics();
        FioMemory.Trim();
        FioMemoryStatistics afterTrim = FioMemory.GetStatistics();

        AnsiConsole.Write(ResultTable.Create(results, NativeZeroedDemoAllocator.Name));
        AnsiConsole.MarkupLine(
            "ns per alloc+free: time inside the allocator's allocate and free calls (all threads), per allocation. " +
            "The GC's cost is in its allocations and the collections they trigger; its \"free\" is dropping the reference.");

        long failed = 0, allocations = 0;
        foreach (RunResult result in results)
        {
            failed += result.FailedChecks;
            allocations += result.Allocations;
        }

        if (failed == 0)
            AnsiConsole.MarkupLine($"[green]all buffers verified[/]: {allocations:N0} allocations zeroed, checksums and parses intact, no overlap.");
        else
            AnsiConsole.MarkupLine($"[red]{failed:N0} checks FAILED[/] over {allocations:N0} allocations.");

        AnsiConsole.Write(StatisticsTable.Create(beforeTrim, afterTrim));

        try
        {
            ThroughputChart.Save(results, options.Workers, options.ChartPath);
            AnsiConsole.MarkupLine($"Chart written to [bold]{Markup.Escape(options.ChartPath)}[/]");
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or IOException or UnauthorizedAccessException)
        {
            // The chart needs SkiaSharp's native library and a writable folder; the measurements above stand without it.
            AnsiConsole.MarkupLine($"[yellow]No chart: {Markup.Escape(e.Message)}[/]");
        }

        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Measured rounds. Each round runs every allocator in turn on a share of the requests, starting one allocator
    /// further on each time, and each allocator's rounds are added up: on a shared machine whose speed drifts for
    /// seconds at a time, one long run per allocator compared the machine's moods as much as the allocators.
    /// </summary>
    public const int Rounds = 5;

    private static List<RunResult> Run(DemoOptions options)
    {
        var totals = new RunResult?[s_contenders.Length];
        long warmUpRequests = Math.Max(1, options.RequestsPerWorker / 100);
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                // Warm-up: the allocators fetch their first memory, and passes repeat until the JIT has installed
                // optimized code for every allocator's path (see JitWarmUp).
                ProgressTask warmUp = context.AddTask("warm-up (all allocators)", maxValue: JitWarmUp.MaxPasses);
                int passes = JitWarmUp.Run(() =>
                {
                    foreach (Contender contender in s_contenders)
                        contender.Start(options.Workers, warmUpRequests).Finish();
                    warmUp.Increment(1);
                });
                warmUp.Value = warmUp.MaxValue;
                warmUp.Description = $"warm-up (all allocators, {passes} passes)";

                var tasks = new ProgressTask[s_contenders.Length];
                for (int c = 0; c < s_contenders.Length; c++)
                    tasks[c] = context.AddTask(Markup.Escape(s_contenders[c].Name), maxValue: options.Workers * options.RequestsPerWorker);
                for (int round = 0; round < Rounds; round++)
                {
                    long requests = RoundShare(options.RequestsPerWorker, round);
                    for (int turn = 0; turn < s_contenders.Length; turn++)
                    {
                        int c = (round + turn) % s_contenders.Length;
                        double before = tasks[c].Value;
                        ServerRun run = s_contenders[c].Start(options.Workers, requests);
                        while (!run.Wait(TimeSpan.FromMilliseconds(100))) tasks[c].Value = before + run.CompletedRequests;
                        RunResult result = run.Finish();
                        tasks[c].Value = before + run.TotalRequests;
                        totals[c] = totals[c] is { } total ? total.Plus(result) : result;
                    }
                }
            });
        var results = new List<RunResult>(totals.Length);
        foreach (RunResult? total in totals) results.Add(total!);
        return results;
    }

    /// <summary>The requests per worker of round <paramref name="round"/>: an even share, the first round taking the remainder.</summary>
    public static long RoundShare(long requestsPerWorker, int round) =>
        requestsPerWorker / Rounds + (round == 0 ? requestsPerWorker % Rounds : 0);
}
