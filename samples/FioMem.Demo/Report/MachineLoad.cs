// The machine's load average against its cores: a busy machine makes the demo's figures move from run to run.
using System;
using System.Globalization;
using System.IO;

namespace FioMem.Demo.Report;

/// <summary>Reads the 1-minute load average (Linux's <c>/proc/loadavg</c>) and says when it exceeds the cores.</summary>
public static class MachineLoad
{
    /// <summary>The 1-minute load average, or null where <paramref name="path"/> cannot be read (not Linux).</summary>
    public static double? Read(string path = "/proc/loadavg")
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The first field of <c>/proc/loadavg</c> ("0.52 0.58 0.59 1/389 12345"), or null when it is not a number.</summary>
    public static double? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string first = text.TrimStart().Split(' ', 2)[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out double load) ? load : null;
    }

    /// <summary>A warning when <paramref name="load"/> is above <paramref name="cores"/>; null otherwise.</summary>
    /// <param name="load">The load average, or null when unknown.</param>
    /// <param name="cores">The processors the process may use.</param>
    /// <param name="when">"at the start", "at the end".</param>
    public static string? Warning(double? load, int cores, string when)
    {
        if (load is not { } value || value <= cores)
            return null;
        return string.Create(CultureInfo.InvariantCulture, $"Load average {value:0.00} {when}, above the {cores} cores: ")
            + "other processes compete for the CPUs, so these figures can move a lot from one run to the next, and the order of the allocators with them. Compare "
            + "each allocator's spread across rounds, and repeat the run on a quiet machine before drawing conclusions.";
    }
}
