// `-- interleaved <workload> [rounds]`: a benchmark class's methods timed back to back in each round, with FioMem's
// ratio to each peer taken within a round, so a change in the machine's speed between rounds moves every peer together.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Threading;
using BenchmarkDotNet.Attributes;

namespace FioMem.Benchmarks.Harness;

/// <summary>
/// Runs the <c>[Benchmark]</c> methods of one workload class (the same code BenchmarkDotNet times), interleaved: for each
/// value of its <c>[Params]</c>, every round gives each method a few batches in turn, and the ratio of FioMem to each
/// peer is taken within the round. On this 2-vCPU virtual machine the speed of a loop moves by up to 1.5× for seconds at
/// a time, for every peer at once (measured: FioMem's and ArrayPool's tiny loops slowed and recovered together);
/// BenchmarkDotNet runs one benchmark after another, each in its own process, so such a shift shows up there as a
/// difference between peers. Medians of per-round ratios cancel most of it.
/// </summary>
internal static class Interleaved
{
    private const int BatchesPerRound = 3;

    /// <summary>Warm-up passes over all peers: enough for the runtime's tiered PGO to reach its final code for each.</summary>
    private const int WarmupPasses = 10;

    /// <summary>Target time of one batch; the number of invocations per batch is set from the warm-up.</summary>
    private static readonly TimeSpan BatchTarget = TimeSpan.FromMilliseconds(25);

    /// <summary>The workloads by the name given on the command line.</summary>
    internal static readonly Dictionary<string, Type> WorkloadTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["seed"] = typeof(Workloads.SeedRoundBenchmarks),
        ["seed-realloc"] = typeof(Workloads.SeedReallocBenchmarks),
        ["local"] = typeof(Workloads.LocalBenchmarks),
        ["cross-thread"] = typeof(Workloads.CrossThreadBenchmarks),
        ["remote-free"] = typeof(Workloads.RemoteFreeBenchmarks),
        ["tiny"] = typeof(Workloads.TinyBenchmarks),
        ["tiny-fifo"] = typeof(Workloads.TinyFifoBenchmarks),
        ["tiny-cross-thread"] = typeof(Workloads.TinyCrossThreadBenchmarks),
        ["typed"] = typeof(Typed.TypedBenchmarks),
        ["groups"] = typeof(Workloads.GroupReleaseBenchmarks),
    };

    /// <summary>
    /// Runs <paramref name="rounds"/> rounds of <paramref name="workload"/>; returns the exit code. The ratios are taken
    /// against the first FioMem method, or the method named <paramref name="reference"/>.
    /// </summary>
    public static int Run(string workload, int rounds, string? reference = null)
    {
        if (!WorkloadTypes.TryGetValue(workload, out var type) || rounds < 1)
        {
            Console.Error.WriteLine($"usage: -- interleaved <{string.Join("|", WorkloadTypes.Keys)}> [rounds ≥ 1]");
            return 2;
        }

        var methods = type.GetMethods()
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<BenchmarkAttribute>()))
            .Where(m => m.Attribute is not null)
            // As in BenchConfig: without the library the mimalloc peers would call through null function pointers.
            .Where(m => Allocators.Mimalloc.IsAvailable || !m.Method.Name.StartsWith("Mimalloc", StringComparison.Ordinal))
            .ToList();
        if (!Allocators.Mimalloc.IsAvailable)
            Console.WriteLine($"note: {Allocators.Mimalloc.UnavailableReason}; the mimalloc peers are skipped.");
        var first = reference is not null
            ? methods.FindIndex(m => m.Method.Name == reference)
            : methods.FindIndex(m => m.Method.Name.StartsWith("FioMem", StringComparison.Ordinal)
                                     || m.Method.Name.StartsWith("FioAlloc", StringComparison.Ordinal));
        if (first < 0)
        {
            Console.Error.WriteLine(reference is not null
                ? $"{type.Name} has no benchmark method {reference}"
                : $"{type.Name} has no FioMem benchmark to compare with");
            return 2;
        }
        // The reference is timed first and listed first: "FioMem / this" is its time over each peer's.
        methods.Insert(0, methods[first]);
        methods.RemoveAt(first + 1);

        var parameter = type.GetProperties().FirstOrDefault(p => p.GetCustomAttribute<ParamsAttribute>() is not null);
        var values = parameter?.GetCustomAttribute<ParamsAttribute>()!.Values ?? new object?[] { null };
        Console.WriteLine($"{type.Name}, interleaved: {rounds} rounds; per round and method the best of {BatchesPerRound} " +
                          $"batches of about {BatchTarget.TotalMilliseconds:F0} ms; time per operation as BenchmarkDotNet counts it");

        foreach (var value in values)
        {
            var bench = Activator.CreateInstance(type)!;
            if (parameter is not null)
                parameter.SetValue(bench, value);
            Invoke<GlobalSetupAttribute>(type, bench);
            try
            {
                RunParameter(bench, methods, rounds, parameter is null ? "" : $"{parameter.Name} = {value}");
            }
            finally
            {
                Invoke<GlobalCleanupAttribute>(type, bench);
            }
        }

        return 0;
    }

    private static void RunParameter(object bench, List<(MethodInfo Method, BenchmarkAttribute? Attribute)> methods, int rounds, string label)
    {
        var peers = methods.Select(m => new Peer(
            m.Attribute!.Description ?? m.Method.Name,
            AsAction(m.Method, bench),
            m.Attribute.OperationsPerInvoke)).ToList();

        // Warm-up: past tier 0 and on-stack replacement, then time for the tiering thread to install tier 1; it also
        // sets each peer's invocations per batch.
        for (int pass = 0; pass < WarmupPasses; pass++)
        {
            foreach (var peer in peers)
                peer.Calibrate(BatchTarget);
            Thread.Sleep(100);
        }

        var best = peers.ToDictionary(p => p, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            foreach (var peer in peers)
            {
                double fastest = double.MaxValue;
                for (int batch = 0; batch < BatchesPerRound; batch++)
                    fastest = Math.Min(fastest, peer.Batch());
                best[peer].Add(fastest);
            }
        }

        Console.WriteLine();
        Console.WriteLine(label.Length == 0 ? "results:" : label + ":");
        var fioMem = best[peers[0]];
        foreach (var peer in peers)
        {
            var times = best[peer];
            string ratio = peer == peers[0]
                ? ""
                : $"   FioMem / this, median of per-round ratios: {Median(fioMem.Zip(times, (f, t) => f / t).ToList()):F2}×";
            Console.WriteLine($"  {peer.Name,-58} median {Format(Median(times)),10}  ({Format(times.Min())}–{Format(times.Max())}){ratio}");
        }
    }

    /// <summary>Keeps the results of benchmarks that return one, as BenchmarkDotNet does.</summary>
    private static double s_sink;

    /// <summary>A call of <paramref name="method"/> on <paramref name="bench"/> without reflection per call where possible.</summary>
    internal static Action AsAction(MethodInfo method, object bench)
    {
        if (method.ReturnType == typeof(void))
            return (Action)method.CreateDelegate(typeof(Action), bench);
        if (method.ReturnType == typeof(double))
        {
            var function = (Func<double>)method.CreateDelegate(typeof(Func<double>), bench);
            return () => s_sink = function();
        }

        return () => method.Invoke(bench, null);
    }

    /// <summary>Calls every method of <paramref name="type"/> marked with <typeparamref name="TAttribute"/> (global setup or cleanup) on <paramref name="bench"/>.</summary>
    internal static void Invoke<TAttribute>(Type type, object bench) where TAttribute : Attribute
    {
        foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is not null))
            method.Invoke(bench, null);
    }

    private static string Format(double seconds) => seconds >= 1e-3 ? $"{seconds * 1e3:F3} ms" : $"{seconds * 1e9:F1} ns";

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>One benchmark method and how many invocations make a batch (also the A/B tool's timer).</summary>
    internal sealed class Peer(string name, Action invoke, int operationsPerInvoke)
    {
        private int _invocations = 1;

        public string Name { get; } = name;

        /// <summary>Sets the invocations per batch so a batch takes about <paramref name="target"/>.</summary>
        public void Calibrate(TimeSpan target)
        {
            long start = Stopwatch.GetTimestamp();
            invoke();
            var once = Stopwatch.GetElapsedTime(start);
            _invocations = Math.Max(1, (int)(target.Ticks / Math.Max(1, once.Ticks)));
            Batch();
        }

        /// <summary>The fastest of <paramref name="batches"/> batches, in seconds per operation.</summary>
        public double Best(int batches)
        {
            double best = double.MaxValue;
            for (int i = 0; i < batches; i++)
                best = Math.Min(best, Batch());
            return best;
        }

        /// <summary>Times one batch; returns seconds per operation.</summary>
        public double Batch()
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < _invocations; i++)
                invoke();
            return Stopwatch.GetElapsedTime(start).TotalSeconds / ((double)_invocations * operationsPerInvoke);
        }
    }
}
