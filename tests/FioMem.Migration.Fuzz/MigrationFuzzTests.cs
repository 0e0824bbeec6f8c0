// Randomized differential test of the NativeMemory -> FioMemory migration.
//
// Each run generates C# programs with random pointer flows (Generation/: allocators, carriers and uses composed at
// random), each correct as written and printing a checksum of its data, and builds them three ways, all programs of the
// run in one assembly per way:
//   AsWritten    the programs as generated;
//   Migrated     after FIO003's code fix, Fix All over every FIO003 diagnostic (what
//                `dotnet format analyzers --diagnostics FIO003 --severity info` does);
//   Intercepted  compiled with the NativeMemory interceptor generator on (FioMemInterceptNativeMemory=true).
// Each assembly runs in tests/FioMem.Migration.Fuzz.Runner, in FioMem's normal mode, in checked mode
// (FIOMEM_CHECKED=1) and, where glibc ships libc_malloc_debug.so, in normal mode with glibc's checking malloc (a free()
// of memory FioMem made then aborts instead of going unseen), a process each. A program fails when a migrated or
// intercepted build has a compile error or a FIO002 diagnostic, or when its run there crashes, throws, or prints other
// than it printed as written. The failure
// report names the seed, the program, the variant and mode, and shows the program, the migration's diff and the
// intercepted calls; the first few failing programs are also shrunk to a smaller program that fails the same way.
//
// Running more, and replaying (environment variables, read by the test):
//   FIOMEM_FUZZ_SEED=<int>     the run's seed; "random" for a new one; default: a fixed seed, so a build's test result
//                              does not depend on luck (every run prints its seed)
//   FIOMEM_FUZZ_COUNT=<n>      how many programs (default 40)
//   FIOMEM_FUZZ_ONLY=<i,j,..>  only these programs of the seed (a failing program's report says which)
//   FIOMEM_FUZZ_SHRINK=<n>     how many failing programs to shrink (default 2; 0 for none)
//   FIOMEM_FUZZ_KEEP=<dir>     keep the sources (as written and migrated) and assemblies there
// For example:
//   dotnet build tests/FioMem.Migration.Fuzz
//   FIOMEM_FUZZ_COUNT=500 dotnet test tests/FioMem.Migration.Fuzz --no-build --logger "console;verbosity=detailed"
//   FIOMEM_FUZZ_SEED=12345 FIOMEM_FUZZ_ONLY=7 FIOMEM_FUZZ_KEEP=/tmp/fuzz dotnet test tests/FioMem.Migration.Fuzz --no-build
// The libc shapes (malloc/realloc/free, memset, strlen through [DllImport("libc")]) and the Marshal allocators (malloc
// and free there) are generated on Linux only.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Migration.Fuzz.Generation;
using FioMem.Migration.Fuzz.Running;
using Xunit;
using Xunit.Abstractions;

namespace FioMem.Migration.Fuzz;

public sealed class MigrationFuzzTests(ITestOutputHelper output)
{
    private const int DefaultCount = 40;
    private const int DefaultSeed = 20261207;
    private const int DefaultShrink = 2;
    private const int ShrinkAttempts = 40;
    private const int DetailedPrograms = 8;

    [Fact]
    public async Task MigratedAndInterceptedProgramsBehaveAsWritten()
    {
        int seed = Environment.GetEnvironmentVariable("FIOMEM_FUZZ_SEED") == "random" ? Random.Shared.Next() : Number("FIOMEM_FUZZ_SEED") ?? DefaultSeed;
        int count = Number("FIOMEM_FUZZ_COUNT") ?? DefaultCount;
        int shrink = Number("FIOMEM_FUZZ_SHRINK") ?? DefaultShrink;
        var indices = Environment.GetEnvironmentVariable("FIOMEM_FUZZ_ONLY") is { Length: > 0 } only
            ? only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList()
            : Enumerable.Range(0, count).ToList();
        string? keep = Environment.GetEnvironmentVariable("FIOMEM_FUZZ_KEEP") is { Length: > 0 } k ? Path.GetFullPath(k) : null;
        bool linux = OperatingSystem.IsLinux();
        output.WriteLine($"seed {seed}: {indices.Count} programs{(linux ? "" : " (not Linux: no libc or Marshal shapes)")}; replay with FIOMEM_FUZZ_SEED={seed}");

        Assert.True(File.Exists(ChildRunner.RunnerPath), $"the runner is built before the tests: {ChildRunner.RunnerPath}");
        var programs = indices.Select(i => ProgramGenerator.Generate(seed, i, linux)).ToList();
        var shapes = programs.SelectMany(p => p.Shapes).GroupBy(s => s).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        output.WriteLine($"{programs.Sum(p => p.Flows.Length)} flows, {shapes.Count} shapes: "
            + string.Join(", ", shapes.Select(g => $"{g.Key} x{g.Count()}")));

        string directory = keep ?? Path.Combine(Path.GetTempPath(), "fiomem-fuzz-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = await FuzzRun.RunAsync(programs, directory, only: null, CancellationToken.None);
            output.WriteLine($"built the 3 variants in {result.BuildTime.TotalSeconds:F1} s ({string.Join(", ", result.Built.Values.Select(b => $"{b.Variant} {b.Elapsed.TotalSeconds:F1} s"))}), ran them in {FuzzRun.Modes.Length} modes ({string.Join(", ", FuzzRun.Modes)}) in {result.RunTime.TotalSeconds:F1} s");
            if (keep is not null)
                KeepSources(result, keep);

            var failing = programs.Where(p => result.Problems.ContainsKey(p.TypeName)).ToList();
            var report = new StringBuilder();
            if (result.Problems.TryGetValue("*", out var global))
            {
                report.Append("Problems of a whole build:\n");
                foreach (var problem in global)
                    report.Append("  ").Append(problem).Append('\n');
            }

            report.Append(CultureInfo.InvariantCulture, $"{failing.Count} of {programs.Count} programs fail (seed {seed}).\n");
            foreach (var program in failing)
                report.Append(Summary(program, result.Problems[program.TypeName]));

            for (int i = 0; i < failing.Count && i < DetailedPrograms; i++)
                report.Append(Details(failing[i], result));

            // Shrink the first failing programs (the smallest of each way of failing first), then show each smaller
            // program once.
            var toShrink = failing.GroupBy(p => Signature(p, result.Problems[p.TypeName])).Select(g => g.OrderBy(p => p.Flows.Length).First())
                .OrderBy(p => p.Flows.Length).Take(shrink).ToList();
            var shown = new HashSet<string>(StringComparer.Ordinal);
            foreach (var program in toShrink)
            {
                var first = result.Problems[program.TypeName].OrderBy(p => p.Variant == Variant.AsWritten ? 1 : 0).First();
                if (first.Variant == Variant.AsWritten)
                    continue;
                var (smaller, tried) = await Shrinker.ShrinkAsync(program, first, Path.Combine(directory, "shrink-" + program.Index), ShrinkAttempts, CancellationToken.None);
                string key = string.Join("\n", smaller.Flows.Select(f => f.Describe(smaller.Allocators)));
                if (!shown.Add(key))
                {
                    report.Append(CultureInfo.InvariantCulture, $"\n##### program {program.Index} shrinks to the same flows as a program above\n");
                    continue;
                }

                var again = await FuzzRun.RunAsync([smaller], Path.Combine(directory, "shrunk-" + program.Index), only: null, CancellationToken.None);
                report.Append(CultureInfo.InvariantCulture,
                    $"\n##### program {program.Index} shrunk ({tried} tries) for \"{first.Variant}/{first.Mode}: {first.Kind}\": {program.Flows.Length} flows -> {smaller.Flows.Length}\n");
                if (!again.Problems.ContainsKey(smaller.TypeName))
                    report.Append("(it does not fail when it runs alone: in the run above, what failed may be damage an earlier program's wrong release did)\n");
                report.Append(Details(smaller, again));
            }

            output.WriteLine(report.ToString());
            Assert.True(failing.Count == 0 && global is null,
                $"{failing.Count} of {programs.Count} generated programs behave differently after the migration or interception (seed {seed}; see the test output):\n"
                + string.Join("", failing.Select(p => Summary(p, result.Problems[p.TypeName]))));
        }
        finally
        {
            if (keep is null && Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }

    private static int? Number(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    // How a program fails and which allocators and carriers it uses.
    private static string Signature(ProgramSpec program, List<Problem> problems) =>
        string.Join(";", problems.Select(p => p.Variant + "/" + p.Kind).Concat(program.Shapes.Where(s => !s.StartsWith("use:", StringComparison.Ordinal)))
            .Distinct().OrderBy(s => s, StringComparer.Ordinal));

    private static string Summary(ProgramSpec program, List<Problem> problems)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"  program {program.Index} (FIOMEM_FUZZ_SEED={program.Seed} FIOMEM_FUZZ_ONLY={program.Index}):");
        foreach (var group in problems.GroupBy(p => (p.Variant, p.Kind)))
        {
            text.Append(CultureInfo.InvariantCulture, $" {group.Key.Variant}/{string.Join("+", group.Select(p => p.Mode).Distinct())} {group.Key.Kind};");
        }

        text.Append('\n');
        for (int k = 0; k < program.Flows.Length; k++)
            text.Append(CultureInfo.InvariantCulture, $"      flow{k}: {program.Flows[k].Describe(program.Allocators)}\n");
        return text.ToString();
    }

    private static string Details(ProgramSpec program, FuzzResult result)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"\n===== program {program.Index}, seed {program.Seed} ({program.TypeName})\n");
        var problems = result.Problems.TryGetValue(program.TypeName, out var list) ? list : new List<Problem>();
        if (problems.Count == 0)
            text.Append("(no longer fails)\n");
        foreach (var problem in problems)
            text.Append("--- ").Append(problem.Variant).Append('/').Append(problem.Mode).Append(": ").Append(problem.Kind).Append('\n')
                .Append(Indent(problem.Detail));
        string source = result.Built[Variant.AsWritten].Sources[program.FileName];
        text.Append("--- as written:\n").Append(Numbered(source));
        if (result.Built.TryGetValue(Variant.Migrated, out var migrated) && migrated.Sources.TryGetValue(program.FileName, out var after))
            text.Append("--- migrated (diff of the FIO003 fix):\n").Append(LineDiff.Show(source, after));
        if (result.Built.TryGetValue(Variant.Intercepted, out var intercepted))
        {
            var calls = intercepted.Notes.Split('\n').Where(l => l.TrimStart().StartsWith("// " + program.FileName, StringComparison.Ordinal)
                || l.Contains("/" + program.FileName + "(", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
            text.Append("--- intercepted calls:\n").Append(calls.Count == 0 ? "  (none)\n" : string.Concat(calls.Select(c => "  " + c + "\n")));
        }

        return text.ToString();
    }

    private static string Numbered(string source) =>
        string.Concat(source.TrimEnd('\n').Split('\n').Select((l, i) => (i + 1).ToString("D4", CultureInfo.InvariantCulture) + ": " + l + "\n"));

    private static string Indent(string text) => string.Concat(text.TrimEnd('\n').Split('\n').Select(l => "    " + l + "\n"));

    private static void KeepSources(FuzzResult result, string directory)
    {
        foreach (var (variant, built) in result.Built)
        {
            string sources = Path.Combine(directory, variant + "-sources");
            Directory.CreateDirectory(sources);
            foreach (var (file, text) in built.Sources)
                File.WriteAllText(Path.Combine(sources, file), text);
            if (built.Notes.Length > 0)
                File.WriteAllText(Path.Combine(sources, variant == Variant.Intercepted ? "Interceptors.g.cs.txt" : "FIO003.txt"), built.Notes);
        }
    }
}
