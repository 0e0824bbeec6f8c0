// `-- ab <dirA> <dirB> <workload> [pairs] [method]`: two builds of FioMem timed in one process, alternately, so a
// change in the machine's speed moves both; the figure is the median of per-pair ratios B / A.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using BenchmarkDotNet.Attributes;

namespace FioMem.Benchmarks.Harness;

/// <summary>
/// Loads the benchmark assembly of two builds (each directory a build's output, holding <c>FioMem.Benchmarks.dll</c>
/// and its own <c>FioMem.dll</c>) into an <see cref="AssemblyLoadContext"/> each, and times one benchmark method of one
/// workload (the first FioMem method unless named) in both, alternately: per pair, the best of
/// <see cref="BatchesPerTurn"/> batches of about 20 ms each, A then B on even pairs and B then A on odd ones. Prints the
/// median, quartiles and the share of pairs where B was faster. Each build has its own statics, so its own region,
/// pool and thread caches. Code placement differs between the two contexts (the same build loaded twice measured up
/// to about 10 % apart), so compare a run with the directories swapped too: load order is the argument order. On a
/// heavily loaded machine a run now and then has the first-loaded build 3–4× slower in every pair of its first
/// parameter (seen twice in about thirty runs at a load average near 28, never in the swapped run): read both orders.
/// </summary>
internal static class AbCompare
{
    private const int BatchesPerTurn = 5;

    private static readonly TimeSpan BatchTarget = TimeSpan.FromMilliseconds(20);

    public static int Run(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: -- ab <build dir A> <build dir B> <workload> [pairs] [method]");
            return 2;
        }
        string workload = args[3];
        int pairs = args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 40;
        string? methodName = args.Length > 5 ? args[5] : null;
        if (!Interleaved.WorkloadTypes.TryGetValue(workload, out var hostType))
        {
            Console.Error.WriteLine($"unknown workload {workload}: one of {string.Join("|", Interleaved.WorkloadTypes.Keys)}");
            return 2;
        }

        var a = new Build("A", Path.GetFullPath(args[1]), hostType.FullName!, methodName);
        var b = new Build("B", Path.GetFullPath(args[2]), hostType.FullName!, methodName);
        Console.WriteLine($"A = {a.Directory}\nB = {b.Directory}\n{workload}: {a.Method.Name}, {pairs} pairs per parameter; " +
                          $"per turn the best of {BatchesPerTurn} batches of about {BatchTarget.TotalMilliseconds:F0} ms");

        foreach (object? value in a.ParameterValues)
        {
            object benchA = a.Create(value), benchB = b.Create(value);
            try
            {
                Action runA = a.Action(benchA), runB = b.Action(benchB);
                var timerA = new Interleaved.Peer("A", runA, a.OperationsPerInvoke);
                var timerB = new Interleaved.Peer("B", runB, b.OperationsPerInvoke);
                for (int warm = 0; warm < 10; warm++)
                {
                    timerA.Calibrate(BatchTarget);
                    timerB.Calibrate(BatchTarget);
                    System.Threading.Thread.Sleep(50);
                }
                var ratios = new List<double>(pairs);
                var timesA = new List<double>(pairs);
                var timesB = new List<double>(pairs);
                for (int pair = 0; pair < pairs; pair++)
                {
                    double ta, tb;
                    if ((pair & 1) == 0)
                    {
                        ta = timerA.Best(BatchesPerTurn);
                        tb = timerB.Best(BatchesPerTurn);
                    }
                    else
                    {
                        tb = timerB.Best(BatchesPerTurn);
                        ta = timerA.Best(BatchesPerTurn);
                    }
                    timesA.Add(ta);
                    timesB.Add(tb);
                    ratios.Add(tb / ta);
                }
                ratios.Sort();
                string label = a.Parameter is null ? "" : $"{a.Parameter.Name} = {value}: ";
                Console.WriteLine($"  {label}B / A median {Quantile(ratios, 0.5):F3} (quartiles {Quantile(ratios, 0.25):F3}–" +
                                  $"{Quantile(ratios, 0.75):F3}), B faster in {ratios.Count(r => r < 1)}/{pairs}; " +
                                  $"A {Format(Median(timesA))}, B {Format(Median(timesB))}");
            }
            finally
            {
                a.Cleanup(benchA);
                b.Cleanup(benchB);
            }
        }
        return 0;
    }

    private static double Median(List<double> values) => Quantile(values.OrderBy(v => v).ToList(), 0.5);

    private static double Quantile(List<double> sorted, double q)
    {
        double position = q * (sorted.Count - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    private static string Format(double seconds) => seconds >= 1e-3 ? $"{seconds * 1e3:F3} ms" : $"{seconds * 1e9:F2} ns";

    /// <summary>One build's benchmark assembly in a load context of its own.</summary>
    private sealed class Build
    {
        private readonly Type _type;

        public Build(string name, string directory, string typeName, string? methodName)
        {
            Directory = directory;
            var context = new BuildContext(name, directory);
            Assembly assembly = context.LoadFromAssemblyPath(Path.Combine(directory, "FioMem.Benchmarks.dll"));
            _type = assembly.GetType(typeName, throwOnError: true)!;
            Method = _type.GetMethods()
                .Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null)
                .First(m => methodName is null ? m.Name.StartsWith("FioMem", StringComparison.Ordinal) || m.Name.StartsWith("FioAlloc", StringComparison.Ordinal) : m.Name == methodName);
            OperationsPerInvoke = Method.GetCustomAttribute<BenchmarkAttribute>()!.OperationsPerInvoke;
            Parameter = _type.GetProperties().FirstOrDefault(p => p.GetCustomAttribute<ParamsAttribute>() is not null);
            ParameterValues = Parameter?.GetCustomAttribute<ParamsAttribute>()!.Values ?? new object?[] { null };
        }

        public string Directory { get; }

        public MethodInfo Method { get; }

        public int OperationsPerInvoke { get; }

        public PropertyInfo? Parameter { get; }

        public object?[] ParameterValues { get; }

        public object Create(object? value)
        {
            object bench = Activator.CreateInstance(_type)!;
            Parameter?.SetValue(bench, value);
            Interleaved.Invoke<GlobalSetupAttribute>(_type, bench);
            return bench;
        }

        public void Cleanup(object bench) => Interleaved.Invoke<GlobalCleanupAttribute>(_type, bench);

        public Action Action(object bench) => Interleaved.AsAction(Method, bench);
    }

    /// <summary>
    /// Resolves FioMem and the benchmark assembly from one build's directory; everything else (BenchmarkDotNet's
    /// attributes among them) from the host, so both builds share those types.
    /// </summary>
    private sealed class BuildContext(string name, string directory) : AssemblyLoadContext(name)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name is "FioMem" or "FioMem.Benchmarks")
                return LoadFromAssemblyPath(Path.Combine(directory, assemblyName.Name + ".dll"));
            return null;
        }
    }
}
