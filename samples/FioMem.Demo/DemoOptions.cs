// The demo's command line: --workers N, --requests N (per worker), --chart PATH.
using System;
using System.IO;

namespace FioMem.Demo;

/// <summary>The demo's settings.</summary>
/// <param name="Workers">Worker threads per run (default: one per core).</param>
/// <param name="RequestsPerWorker">Requests each worker handles in a measured run.</param>
/// <param name="ChartPath">Where the PNG chart goes (full path).</param>
public sealed record DemoOptions(int Workers, long RequestsPerWorker, string ChartPath)
{
    /// <summary>Requests per worker when none are given: on two shared cores the three runs took 12–20 s (12 s with the current allocator and warm-up).</summary>
    public const long DefaultRequestsPerWorker = 300_000;

    /// <summary>Reads the arguments; returns null and writes the reason to <paramref name="error"/> when they are wrong.</summary>
    public static DemoOptions? Parse(string[] args, out string? error)
    {
        int workers = Environment.ProcessorCount;
        long requests = DefaultRequestsPerWorker;
        string chart = Path.Combine("artifacts", "demo-throughput.png");
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--workers" when int.TryParse(value, out int w) && w > 0:
                    workers = w;
                    i++;
                    break;
                case "--requests" when long.TryParse(value, out long r) && r > 0:
                    requests = r;
                    i++;
                    break;
                case "--chart" when !string.IsNullOrWhiteSpace(value):
                    chart = value;
                    i++;
                    break;
                default:
                    error = $"unknown or incomplete option '{args[i]}'. Usage: [--workers N] [--requests N-per-worker] [--chart PATH.png]";
                    return null;
            }
        }

        return new DemoOptions(workers, requests, Path.GetFullPath(chart));
    }
}
