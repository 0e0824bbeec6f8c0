// The result table: throughput and its spread across rounds, time in the allocator, ratio to NativeMemory, GC collections, checks.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FioMem.Demo.Allocators;
using FioMem.Demo.Server;
using Spectre.Console;

namespace FioMem.Demo.Report;

/// <summary>Renders the runs' figures side by side.</summary>
public static class ResultTable
{
    /// <summary>A table of <paramref name="results"/> (each allocator's rounds added up) with each one's
    /// <paramref name="spreads"/> across rounds, in the same order; ratios ("vs native") are to the run named <paramref name="baseline"/>.</summary>
    public static Table Create(IReadOnlyList<RunResult> results, IReadOnlyList<RoundSpread> spreads, string baseline)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(spreads);
        if (spreads.Count != results.Count)
            throw new ArgumentException($"{spreads.Count} spreads for {results.Count} results", nameof(spreads));
        RunResult? reference = results.FirstOrDefault(r => r.Allocator == baseline);
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Request-handling workload[/]");
        table.AddColumn("Allocator");
        table.AddColumn(new TableColumn("Requests/s").RightAligned());
        table.AddColumn(new TableColumn("Requests/s per round").RightAligned());
        table.AddColumn(new TableColumn("ns/alloc+free").RightAligned());
        table.AddColumn(new TableColumn("vs native").RightAligned());
        table.AddColumn(new TableColumn("Allocations").RightAligned());
        table.AddColumn(new TableColumn("GC gen0/1/2").RightAligned());
        table.AddColumn(new TableColumn("Checks").RightAligned());
        for (int i = 0; i < results.Count; i++)
        {
            RunResult result = results[i];
            string ratio = reference is null
                ? "-"
                : (result.NanosecondsPerAllocation / reference.NanosecondsPerAllocation).ToString("0.00x", CultureInfo.InvariantCulture);
            table.AddRow(
                Markup.Escape(result.Allocator),
                result.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                spreads[i].ToString(),
                result.NanosecondsPerAllocation.ToString("N1", CultureInfo.InvariantCulture),
                ratio,
                result.Allocations.ToString("N0", CultureInfo.InvariantCulture),
                $"{result.Gen0Collections}/{result.Gen1Collections}/{result.Gen2Collections}",
                result.FailedChecks == 0 ? "[green]all verified[/]" : $"[red]{result.FailedChecks} failed[/]");
        }

        return table;
    }

    /// <summary>
    /// A note for each allocator whose rounds overlap FioMem's: a round of either could have been the faster one, so
    /// the totals' order between them says little about the allocators on this run.
    /// </summary>
    public static IEnumerable<string> OverlapNotes(IReadOnlyList<RunResult> results, IReadOnlyList<RoundSpread> spreads)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(spreads);
        int fioMem = -1;
        for (int i = 0; i < results.Count; i++)
            if (results[i].Allocator == FioMemDemoAllocator.Name) fioMem = i;
        if (fioMem < 0)
            yield break;
        for (int i = 0; i < results.Count; i++)
        {
            if (i != fioMem && spreads[i].Overlaps(spreads[fioMem]))
                yield return $"{results[fioMem].Allocator} and {results[i].Allocator}: their rounds' requests/s overlap, "
                    + "so which of the two is faster is within this run's variation.";
        }
    }
}
