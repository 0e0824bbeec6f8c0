// The load test's chart: each pool's resident memory over time, under load and while idle.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ScottPlot;

namespace FioMem.Server;

/// <summary>Draws the RSS samples the load-test script writes (CSV: seconds,rss_kib,phase) as one line per pool.</summary>
internal static class RssChart
{
    public static void Save(string fioMemCsv, string defaultCsv, string path)
    {
        var plot = new Plot();
        AddSeries(plot, fioMemCsv, "FioMem pool", Colors.SteelBlue, out double loadStart, out double loadEnd);
        AddSeries(plot, defaultCsv, "Kestrel default pool", Colors.Gray, out _, out _);
        if (loadEnd > loadStart)
        {
            plot.Add.VerticalLine(loadStart, 1, Colors.Black, LinePattern.Dashed).Text = "load starts";
            plot.Add.VerticalLine(loadEnd, 1, Colors.Black, LinePattern.Dashed).Text = "load stops";
        }
        plot.Title("FioMem.Server: resident memory, echo 16 KiB under wrk, then idle");
        plot.XLabel("seconds since the server was ready");
        plot.YLabel("RSS (MiB)");
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Margins(bottom: 0);

        string? directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        plot.SavePng(path, 900, 500);
    }

    private static void AddSeries(Plot plot, string csv, string label, Color color, out double loadStart, out double loadEnd)
    {
        var seconds = new List<double>();
        var mebibytes = new List<double>();
        loadStart = double.MaxValue;
        loadEnd = 0;
        foreach (string line in File.ReadLines(csv).Skip(1))
        {
            string[] fields = line.Split(',');
            if (fields.Length < 3)
                continue;
            double t = double.Parse(fields[0], CultureInfo.InvariantCulture);
            seconds.Add(t);
            mebibytes.Add(double.Parse(fields[1], CultureInfo.InvariantCulture) / 1024);
            if (fields[2] == "load")
            {
                loadStart = Math.Min(loadStart, t);
                loadEnd = Math.Max(loadEnd, t);
            }
        }
        var scatter = plot.Add.Scatter(seconds.ToArray(), mebibytes.ToArray(), color);
        scatter.LegendText = label;
        scatter.MarkerSize = 0;
        scatter.LineWidth = 2;
    }
}
