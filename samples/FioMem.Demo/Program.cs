// The FioMem demo: `dotnet run -c Release --project samples/FioMem.Demo` runs a request-handling workload on FioMem,
// NativeMemory.AllocZeroed and the GC in one process, and prints a table, FioMem's statistics and a chart's path.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 140;

        AnsiConsole.Write(new Rule("[bold]FioMem demo[/]"));
        AnsiConsole.MarkupLine(
            $"{options.Workers} worker threads; {options.RequestsPerWorker:N0} requests per worker and allocator.");
        AnsiConsole.MarkupLine(
            "Each request allocates its header struct, 4-12 header lines and 0-4 body chunks (16 B-4 KiB), fills, checksums and parses them, " +
            "frees them together, and sends a response to the next worker, which checks and frees it (a cross-thread free).");
        AnsiConsole.MarkupLine(
            "Like with like: FioMem always zeroes, so the native run uses [bold]NativeMemory.AllocZeroed[/]; GC arrays are zeroed too.");
        WarnIfBusy("at the start");

        List<ContenderRounds> runs = Run(options);
        List<RunResult> results = runs.ConvertAll(r => r.Total);
        FioMemoryStatistics beforeTrim = FioMemory.GetStatistics();
        FioMemory.Trim();
        FioMemoryStatistics afterTrim = FioMemory.GetStatistics();

        AnsiConsole.Write(ResultTable.Create(results, runs.ConvertAll(r => RoundSpread.Of(r.Rounds)), NativeZeroedDemoAllocator.Name));
        AnsiConsole.MarkupLine(
            "ns per alloc+free: time inside the allocator's allocate and free calls (all threads), per allocation; " +
            $"vs native: that time over {NativeZeroedDemoAllocator.Name}'s. " +
            "The GC's cost is in its allocations and the collections they trigger; its \"free\" is dropping the reference. " +
            $"Requests/s per round: the slowest and fastest of the {Rounds} rounds (thousands), and how much faster the fastest was.");
        foreach (string note in ResultTable.OverlapNotes(results, runs.ConvertAll(r => RoundSpread.Of(r.Rounds))))
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(note)}[/]");

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
        AnsiConsole.MarkupLine(Markup.Escape(
            StatisticsTable.BlocksInUseNote(beforeTrim, runs.Find(r => r.Name == FioMemDemoAllocator.Name)!.ThreadsStarted)));
        WarnIfBusy("at the end");

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

    /// <summary>One allocator's measured rounds, in the order they ran, and the worker threads its runs started.</summary>
    private sealed record ContenderRounds(string Name, List<RunResult> Rounds, int ThreadsStarted)
    {
        public RunResult Total => Rounds.Skip(1).Aggregate(Rounds[0], (sum, round) => sum.Plus(round));
    }

    private static List<ContenderRounds> Run(DemoOptions options)
    {
        var rounds = new List<RunResult>[s_contenders.Length];
        var threads = new int[s_contenders.Length];
        for (int c = 0; c < s_contenders.Length; c++) rounds[c] = new List<RunResult>(Rounds);
        long warmUpRequests = Math.Max(1, options.RequestsPerWorker / 100);
        // On a terminal, live bars; redirected (CI, a file), a redrawn bar would leave a line per step: one line per task.
        DemoProgress.Run(interactive: !Console.IsOutputRedirected, Console.Out, progress =>
        {
            // Warm-up: the allocators fetch their first memory, and passes repeat until the JIT has installed
            // optimized code for every allocator's path (see JitWarmUp).
            IDemoProgressTask warmUp = progress.AddTask("warm-up (all allocators)", JitWarmUp.MaxPasses);
            int passes = JitWarmUp.Run(() =>
            {
                for (int c = 0; c < s_contenders.Length; c++)
                {
                    s_contenders[c].Start(options.Workers, warmUpRequests).Finish();
                    threads[c] += options.Workers;
                }
                warmUp.Value++;
            });
            warmUp.Description = $"warm-up (all allocators, {passes} passes)";
            warmUp.Complete();

            var tasks = new IDemoProgressTask[s_contenders.Length];
            for (int c = 0; c < s_contenders.Length; c++)
                tasks[c] = progress.AddTask(s_contenders[c].Name, options.Workers * options.RequestsPerWorker);
            for (int round = 0; round < Rounds; round++)
            {
                long requests = RoundShare(options.RequestsPerWorker, round);
                for (int turn = 0; turn < s_contenders.Length; turn++)
                {
                    int c = (round + turn) % s_contenders.Length;
                    double before = tasks[c].Value;
                    ServerRun run = s_contenders[c].Start(options.Workers, requests);
                    threads[c] += options.Workers;
                    while (!run.Wait(TimeSpan.FromMilliseconds(100))) tasks[c].Value = before + run.CompletedRequests;
                    rounds[c].Add(run.Finish());
                    tasks[c].Value = before + run.TotalRequests;
                    if (round == Rounds - 1) tasks[c].Complete();
                }
            }
        });
        var results = new List<ContenderRounds>(s_contenders.Length);
        for (int c = 0; c < s_contenders.Length; c++) results.Add(new ContenderRounds(s_contenders[c].Name, rounds[c], threads[c]));
        return results;
    }

    /// <summary>Prints a warning when the machine's load average is above its cores.</summary>
    private static void WarnIfBusy(string when)
    {
        if (MachineLoad.Warning(MachineLoad.Read(), Environment.ProcessorCount, when) is { } warning)
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(warning)}[/]");
    }

    /// <summary>The requests per worker of round <paramref name="round"/>: an even share, the first round taking the remainder.</summary>
    public static long RoundShare(long requestsPerWorker, int round) =>
        requestsPerWorker / Rounds + (round == 0 ? requestsPerWorker % Rounds : 0);
}
