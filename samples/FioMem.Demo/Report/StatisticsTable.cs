// FioMem's own figures (FioMemory.GetStatistics) before and after Trim, side by side.
using System.Globalization;
using Spectre.Console;

namespace FioMem.Demo.Report;

/// <summary>Renders two <see cref="FioMemoryStatistics"/> snapshots.</summary>
public static class StatisticsTable
{
    /// <summary>A table comparing <paramref name="before"/> and <paramref name="after"/> a call to <see cref="FioMemory.Trim"/>.</summary>
    public static Table Create(FioMemoryStatistics before, FioMemoryStatistics after)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]FioMem allocator statistics[/]");
        table.AddColumn("Figure");
        table.AddColumn(new TableColumn("After the run").RightAligned());
        table.AddColumn(new TableColumn("After Trim()").RightAligned());
        Row(table, "Reserved bytes", before.ReservedBytes, after.ReservedBytes);
        Row(table, "Blocks in use", before.BlocksInUse, after.BlocksInUse);
        Row(table, "Blocks pooled", before.BlocksPooled, after.BlocksPooled);
        Row(table, "Blocks released to the OS", before.BlocksReleased, after.BlocksReleased);
        Row(table, "Large allocations", before.LargeAllocations, after.LargeAllocations);
        Row(table, "Large bytes", before.LargeBytes, after.LargeBytes);
        Row(table, "Long-lived allocations", before.LongLivedAllocations, after.LongLivedAllocations);
        Row(table, "Thread caches", before.ThreadCaches, after.ThreadCaches);
        Row(table, "Pool cap (blocks)", before.MaxPooledBlocks, after.MaxPooledBlocks);
        Row(table, "Block size", before.BlockSize, after.BlockSize);
        table.AddRow("Checked mode", before.CheckedMode ? "on" : "off", after.CheckedMode ? "on" : "off");
        return table;
    }

    private static void Row(Table table, string name, long before, long after) =>
        table.AddRow(name, before.ToString("N0", CultureInfo.InvariantCulture), after.ToString("N0", CultureInfo.InvariantCulture));
}
