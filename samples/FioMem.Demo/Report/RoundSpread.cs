// How far one allocator's rounds lie apart: the demo's measure of how much the machine moved during the run.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FioMem.Demo.Server;

namespace FioMem.Demo.Report;

/// <summary>The slowest and fastest round of one allocator, in requests per second.</summary>
/// <param name="Min">The slowest round's requests per second.</param>
/// <param name="Max">The fastest round's requests per second.</param>
public sealed record RoundSpread(double Min, double Max)
{
    /// <summary>The spread of <paramref name="rounds"/>, the runs of one allocator.</summary>
    /// <exception cref="ArgumentException">There are no rounds.</exception>
    public static RoundSpread Of(IReadOnlyList<RunResult> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        if (rounds.Count == 0)
            throw new ArgumentException("no rounds", nameof(rounds));
        return new RoundSpread(rounds.Min(r => r.RequestsPerSecond), rounds.Max(r => r.RequestsPerSecond));
    }

    /// <summary>The fastest round over the slowest, less one: 0.10 when the fastest was 10 % faster.</summary>
    public double Relative => Max / Min - 1;

    /// <summary>Whether the two ranges share a value: then a round of each could have come out either way.</summary>
    public bool Overlaps(RoundSpread other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Min <= other.Max && other.Min <= Max;
    }

    /// <summary>"139k–152k (+9 %)": thousands of requests per second, and <see cref="Relative"/>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Min / 1000:N0}k–{Max / 1000:N0}k (+{Relative * 100:0} %)");
}
