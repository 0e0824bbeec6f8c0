// The demo's report: each allocator's spread across rounds, the load-average warning, progress without a terminal and
// the note on blocks in use. Fixed figures, not measured ones.
using System;
using System.IO;
using FioMem.Demo.Report;
using FioMem.Demo.Server;
using Xunit;

namespace FioMem.Workloads.Tests;

public class DemoReportTests
{
    [Fact]
    public void ASpreadGoesFromTheSlowestRoundToTheFastest()
    {
        // 1,000 requests in 10, 5 and 8 ms: 100k, 200k and 125k requests per second.
        RoundSpread spread = RoundSpread.Of([Round("FioMem", 10), Round("FioMem", 5), Round("FioMem", 8)]);

        Assert.Equal(100_000, spread.Min, precision: 6);
        Assert.Equal(200_000, spread.Max, precision: 6);
        Assert.Equal(1.0, spread.Relative, precision: 9);
        Assert.Equal("100k–200k (+100 %)", spread.ToString());
        Assert.Throws<ArgumentException>(() => RoundSpread.Of([]));
    }

    [Fact]
    public void SpreadsOverlapWhenTheyShareAValue()
    {
        var low = new RoundSpread(100, 200);

        Assert.True(low.Overlaps(new RoundSpread(150, 300)));
        Assert.True(low.Overlaps(new RoundSpread(200, 300)));
        Assert.False(low.Overlaps(new RoundSpread(201, 300)));
        Assert.False(new RoundSpread(201, 300).Overlaps(low));
    }

    [Fact]
    public void OnlyAllocatorsWhoseRoundsOverlapFioMemsGetANote()
    {
        RunResult[] totals = [Round("FioMem", 10), Round("NativeMemory.AllocZeroed", 20), Round("GC new byte[]", 9)];
        RoundSpread[] spreads = [new(90_000, 110_000), new(40_000, 60_000), new(100_000, 120_000)];

        string note = Assert.Single(ResultTable.OverlapNotes(totals, spreads));
        Assert.StartsWith("FioMem and GC new byte[]: their rounds' requests/s overlap", note);
    }

    [Fact]
    public void TheResultTableNeedsASpreadPerAllocator() =>
        Assert.Throws<ArgumentException>(() => ResultTable.Create([Round("FioMem", 10)], [], "FioMem"));

    [Theory]
    [InlineData("0.52 0.58 0.59 1/389 12345\n", 0.52)]
    [InlineData("17.25 10.67 6.38 9/1024 777", 17.25)]
    public void TheLoadAverageIsTheFirstFieldOfProcLoadavg(string text, double load) =>
        Assert.Equal(load, MachineLoad.Parse(text));

    [Fact]
    public void AnUnreadableLoadAverageIsUnknown()
    {
        Assert.Null(MachineLoad.Parse("not a number"));
        Assert.Null(MachineLoad.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "loadavg")));
    }

    [Fact]
    public void TheDemoWarnsOnlyWhenTheLoadIsAboveTheCores()
    {
        Assert.Null(MachineLoad.Warning(2.0, cores: 2, "at the start"));
        Assert.Null(MachineLoad.Warning(null, cores: 2, "at the start"));
        string? warning = MachineLoad.Warning(6.01, cores: 2, "at the end");
        Assert.NotNull(warning);
        Assert.StartsWith("Load average 6.01 at the end, above the 2 cores", warning);
    }

    [Fact]
    public void WithoutATerminalEachTaskPrintsOneLineWhenItCompletes()
    {
        var output = new StringWriter();
        DemoProgress.Run(interactive: false, output, progress =>
        {
            IDemoProgressTask warmUp = progress.AddTask("warm-up", 12);
            IDemoProgressTask fioMem = progress.AddTask("FioMem", 100);
            for (int i = 1; i <= 100; i++)
            {
                fioMem.Value = i;
                if (i <= 12) warmUp.Value = i;
            }
            Assert.Equal("", output.ToString());
            warmUp.Description = "warm-up (3 passes)";
            warmUp.Complete();
            fioMem.Complete();
            fioMem.Complete();
        });

        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("warm-up (3 passes): done after ", lines[0]);
        Assert.StartsWith("FioMem: done after ", lines[1]);
    }

    [Fact]
    public void TheNoteSaysBlocksInUseAreTheExitedThreadsCurrentBlocks()
    {
        var afterRun = new FioMemoryStatistics { BlocksInUse = 24, ThreadCaches = 24 };

        string note = StatisticsTable.BlocksInUseNote(afterRun, threadsStarted: 24);

        Assert.Contains("The demo started 24 worker threads on FioMem", note);
        Assert.Contains("The 24 blocks in use after the run are current blocks of the 24 thread caches FioMem still holds", note);
        Assert.Contains("after Trim() they are gone", note);
        Assert.Contains("up to 3 are current blocks", StatisticsTable.BlocksInUseNote(afterRun with { ThreadCaches = 3 }, 24));
    }

    private static RunResult Round(string allocator, double milliseconds) =>
        new(allocator, 2, 1_000, 10_000, TimeSpan.FromMilliseconds(milliseconds), TimeSpan.FromMilliseconds(1), 0, 0, 0, 0);
}
