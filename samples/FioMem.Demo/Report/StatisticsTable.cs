// FioMem's own figures (FioMemory.GetStatistics) before and after Trim, side by side.
using System.Globalization;
using Spectre.Console;

namespace FioMem.Demo.Report;

/// <summary>Renders two <see cref="FioMemoryStatistics"/> snapshots.</summary>
public static class StatisticsTable
{
    /// <summary>A table comparing <paramref name="before"/> and <paramref name="after"/> a call to <see cref="FioMemory.Trim"/>;
    /// <see cref="BlocksInUseNote"/> says what the blocks in use after the run are.</summary>
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

    /// <summary>
    /// What "Blocks in use" means after runs that started <paramref name="threadsStarted"/> worker threads on FioMem,
    /// all exited by now. Every buffer was freed, but each thread that allocated keeps its
    /// current block in its thread cache until FioMem sweeps the caches of exited threads (<see cref="FioMemory.Trim"/>
    /// does; so does a new thread's first allocation once the caches have doubled in number): the blocks in use are those
    /// current blocks, not leaks, and the column after <c>Trim()</c> shows them gone.
    /// </summary>
    public static string BlocksInUseNote(FioMemoryStatistics before, int threadsStarted)
    {
        string threads = string.Create(CultureInfo.InvariantCulture,
            $"Every buffer was freed. The demo started {threadsStarted:N0} worker threads on FioMem (warm-up passes and rounds), all exited now. ");
        if (before.BlocksInUse == 0)
            return threads + "No block was in use after the run.";
        string held = before.BlocksInUse <= before.ThreadCaches
            ? string.Create(CultureInfo.InvariantCulture,
                $"The {before.BlocksInUse:N0} blocks in use after the run are current blocks of the {before.ThreadCaches:N0} thread caches FioMem still holds")
            : string.Create(CultureInfo.InvariantCulture,
                $"Of the {before.BlocksInUse:N0} blocks in use after the run, up to {before.ThreadCaches:N0} are current blocks of the thread caches FioMem still holds");
        return threads + held + ": FioMem keeps a thread's current block until it sweeps the caches of exited threads, which "
            + "Trim() does, and the idle trim a few seconds after a collection has noticed the threads' exit (also a new thread's "
            + "first allocation once the caches have doubled in number). They are not leaks: after Trim() they are gone.";
    }

    private static void Row(Table table, string name, long before, long after) =>
        table.AddRow(name, before.ToString("N0", CultureInfo.InvariantCulture), after.ToString("N0", CultureInfo.InvariantCulture));
}
