// The result table: throughput, time in the allocator, ratio to NativeMemory, GC collections, checks.
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FioMem.Demo.Server;
using Spectre.Console;

namespace FioMem.Demo.Report;

/// <summary>Renders the runs' figures side by side.</summary>
public static class ResultTable
{
    /// <summary>A table of <paramref name="results"/>; ratios are to the run named <paramref name="baseline"/>.</summary>
    public static Table Create(IReadOnlyList<RunResult> results, string baseline)
    {
        RunResult? reference = results.FirstOrDefault(r => r.Allocator == baseline);
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Request-handling workload[/]");
        table.AddColumn("Allocator");
        table.AddColumn(new TableColumn("Requests/s").RightAligned());
        table.AddColumn(new TableColumn("ns/alloc+free").RightAligned());
        table.AddColumn(new TableColumn($"vs {Markup.Escape(baseline)}").RightAligned());
        table.AddColumn(new TableColumn("Allocations").RightAligned());
        table.AddColumn(new TableColumn("GC gen0/1/2").RightAligned());
        table.AddColumn(new TableColumn("Checks").RightAligned());
        foreach (RunResult result in results)
        {
            string ratio = reference is null
                ? "-"
                : (result.NanosecondsPerAllocation / reference.NanosecondsPerAllocation).ToString("0.00x", CultureInfo.InvariantCulture);
            table.AddRow(
                Markup.Escape(result.Allocator),
                result.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                result.NanosecondsPerAllocation.ToString("N1", CultureInfo.InvariantCulture),
                ratio,
                result.Allocations.ToString("N0", CultureInfo.InvariantCulture),
                $"{result.Gen0Collections}/{result.Gen1Collections}/{result.Gen2Collections}",
                result.FailedChecks == 0 ? "[green]all verified[/]" : $"[red]{result.FailedChecks} failed[/]");
        }

        return table;
    }
}
