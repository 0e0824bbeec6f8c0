// One fuzz run over a set of programs: build the variants, run each in each mode in the runner, and compare every
// program's outcome with its run as written.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Migration.Fuzz.Generation;

namespace FioMem.Migration.Fuzz.Running;

internal sealed class FuzzResult
{
    public required IReadOnlyList<ProgramSpec> Programs { get; init; }

    public required Dictionary<Variant, BuiltVariant> Built { get; init; }

    /// <summary>Every problem found, by program type name ("*" for the build as a whole).</summary>
    public Dictionary<string, List<Problem>> Problems { get; } = new(StringComparer.Ordinal);

    public void Add(Problem problem)
    {
        if (!Problems.TryGetValue(problem.Program, out var list))
            Problems[problem.Program] = list = new List<Problem>();
        list.Add(problem);
    }
}

internal static class FuzzRun
{
    public const string Normal = "normal";
    public const string Checked = "checked";

    public static readonly string[] Modes = [Normal, Checked];

    /// <param name="only">The variants and modes to check (null: all); the programs always run as written too.</param>
    public static async Task<FuzzResult> RunAsync(IReadOnlyList<ProgramSpec> programs, string directory,
        IReadOnlyCollection<(Variant Variant, string Mode)>? only, CancellationToken cancellationToken)
    {
        var files = programs.ToDictionary(p => p.FileName, p => p.Render(), StringComparer.Ordinal);
        var programOfFile = programs.ToDictionary(p => p.FileName, p => p.TypeName, StringComparer.Ordinal);
        var checks = only?.ToList() ?? (from v in Enum.GetValues<Variant>() from m in Modes select (v, m)).ToList();
        var variants = checks.Select(c => c.Variant).Append(Variant.AsWritten).Distinct().ToList();

        var builds = await Task.WhenAll(variants.Select(v =>
            Task.Run(() => Variants.BuildAsync(v, files, programOfFile, Path.Combine(directory, v.ToString()), cancellationToken), cancellationToken)));
        var result = new FuzzResult { Programs = programs, Built = builds.ToDictionary(b => b.Variant) };
        foreach (var problem in builds.SelectMany(b => b.Problems))
            result.Add(problem);

        var types = programs.Select(p => p.TypeName).ToList();
        var runs = new Dictionary<(Variant, string), Dictionary<string, ProgramRun>>();
        var toRun = checks.Append((Variant.AsWritten, Normal)).Distinct().ToList();
        foreach (var (variant, mode) in toRun)
        {
            var built = result.Built[variant];
            if (built.AssemblyPath is { } assembly)
                runs[(variant, mode)] = ChildRunner.Run(assembly, types.Where(t => !built.Excluded.Contains(t)).ToList(), mode == Checked);
        }

        foreach (var type in types)
        {
            ProgramRun? baseline = runs.TryGetValue((Variant.AsWritten, Normal), out var b) && b.TryGetValue(type, out var r) ? r : null;
            foreach (var (variant, mode) in toRun)
            {
                if (!runs.TryGetValue((variant, mode), out var byProgram) || !byProgram.TryGetValue(type, out var run))
                    continue;
                if (run.Status != ProgramRun.Ok)
                    result.Add(new Problem(type, variant, mode, run.Status, run.Detail));
                else if (baseline is { Status: ProgramRun.Ok } && run.Output != baseline.Output)
                    result.Add(new Problem(type, variant, mode, "output differs", "as written:\n" + baseline.Output + "this variant:\n" + run.Output));
            }
        }

        return result;
    }
}
