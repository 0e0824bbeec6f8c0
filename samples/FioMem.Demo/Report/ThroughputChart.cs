// The PNG chart: requests per second per allocator, with the time per allocation written on each bar.
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using FioMem.Demo.Server;
using ScottPlot;

namespace FioMem.Demo.Report;

/// <summary>Draws the runs as a bar chart with ScottPlot.</summary>
public static class ThroughputChart
{
    /// <summary>Writes the chart of <paramref name="results"/> to <paramref name="path"/>, creating its directory.</summary>
    public static void Save(IReadOnlyList<RunResult> results, int workers, string path)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        var ticks = new Tick[results.Count];
        for (int i = 0; i < results.Count; i++)
        {
            RunResult result = results[i];
            bars.Add(new Bar
            {
                Position = i,
                Value = result.RequestsPerSecond,
                FillColor = result.Allocator.StartsWith("FioMem", System.StringComparison.Ordinal) ? Colors.SteelBlue : Colors.Gray,
                Label = string.Create(CultureInfo.InvariantCulture, $"{result.RequestsPerSecond:N0} req/s\n{result.NanosecondsPerAllocation:N1} ns/alloc"),
            });
            ticks[i] = new Tick(i, result.Allocator);
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Margins(bottom: 0, top: 0.25);
        plot.Title($"FioMem demo: request handling, {workers} workers");
        plot.YLabel("requests per second (higher is better)");

        string? directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        plot.SavePng(path, 900, 500);
    }
}
