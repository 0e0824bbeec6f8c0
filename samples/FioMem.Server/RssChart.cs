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
        (double fioMemLow, double fioMemHigh) = AddSeries(plot, fioMemCsv, "FioMem pool", Colors.SteelBlue, out double loadStart, out double loadEnd);
        (double defaultLow, double defaultHigh) = AddSeries(plot, defaultCsv, "Kestrel default pool", Colors.Gray, out _, out _);
        double low = Math.Min(fioMemLow, defaultLow), high = Math.Max(fioMemHigh, defaultHigh);
        // Headroom above the highest point: the "load starts/stops" labels sit there, inside the plot, clear of the lines
        // and of the axes' labels.
        double top = high + Math.Max(1, (high - low) * 0.15);
        plot.Axes.SetLimitsY(low, top);
        if (loadEnd > loadStart)
        {
            MarkLoad(plot, loadStart, top, "load starts");
            MarkLoad(plot, loadEnd, top, "load stops");
        }
        plot.Title("FioMem.Server: resident memory under the load test's cases, then idle");
        plot.XLabel("seconds since the server was ready");
        plot.YLabel("RSS (MiB)");
        // Below the figure, outside the data: inside, it hid the end of a line.
        plot.ShowLegend(Edge.Bottom);

        string? directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        plot.SavePng(path, 900, 500);
    }

    /// <summary>A dashed vertical line at <paramref name="x"/> and its label at the top of the data area, right of it.</summary>
    private static void MarkLoad(Plot plot, double x, double top, string label)
    {
        plot.Add.VerticalLine(x, 1, Colors.Black, LinePattern.Dashed);
        var text = plot.Add.Text(label, x, top);
        text.LabelAlignment = Alignment.UpperLeft;
        text.LabelOffsetX = 4;
        text.LabelOffsetY = 4;
        text.LabelFontSize = 13;
        text.LabelFontColor = Colors.Black;
    }

    /// <summary>Adds one pool's line; returns its lowest and highest RSS (MiB) and when its load phase began and ended.</summary>
    private static (double Low, double High) AddSeries(Plot plot, string csv, string label, Color color, out double loadStart, out double loadEnd)
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
        return mebibytes.Count == 0 ? (0, 1) : (mebibytes.Min(), mebibytes.Max());
    }
}
