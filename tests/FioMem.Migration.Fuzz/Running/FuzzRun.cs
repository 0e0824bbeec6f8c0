// One fuzz run over a set of programs: build the variants, run each in each mode in the runner, and compare every
// program's outcome with its run as written.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
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

    /// <summary>How long building the variants and running them took (shown, never asserted).</summary>
    public TimeSpan BuildTime { get; set; }

    public TimeSpan RunTime { get; set; }

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

    /// <summary>
    /// FioMem's normal mode with glibc's checking malloc (<c>libc_malloc_debug.so</c> preloaded, <c>MALLOC_CHECK_=3</c>):
    /// free() and realloc() of memory malloc did not hand out abort at once instead of damaging the heap unseen. Only
    /// where glibc ships it. A program that binds libc's own allocator (<c>[DllImport("libc", EntryPoint = "free")]</c>
    /// and its kin) mixes that allocator with the preloaded one, which corrupts the heap whether it is migrated or not
    /// (and sometimes only in a later variant's run): it is compared in the other modes only, as is any program that
    /// fails this way as written.
    /// </summary>
    public const string MallocCheck = "malloc-check";

    public static readonly string[] Modes = ChildRunner.MallocDebugLibrary is null ? [Normal, Checked] : [Normal, Checked, MallocCheck];

    /// <param name="only">The variants and modes to check (null: all); the programs always run as written too.</param>
    public static async Task<FuzzResult> RunAsync(IReadOnlyList<ProgramSpec> programs, string directory,
        IReadOnlyCollection<(Variant Variant, string Mode)>? only, CancellationToken cancellationToken)
    {
        var files = programs.ToDictionary(p => p.FileName, p => p.Render(), StringComparer.Ordinal);
        var bindsLibcAllocator = programs.Where(p => BindsLibcAllocator(files[p.FileName])).Select(p => p.TypeName).ToHashSet(StringComparer.Ordinal);
        var programOfFile = programs.ToDictionary(p => p.FileName, p => p.TypeName, StringComparer.Ordinal);
        var checks = only?.ToList() ?? (from v in Enum.GetValues<Variant>() from m in Modes select (Variant: v, Mode: m)).ToList();
        var variants = checks.Select(c => c.Variant).Append(Variant.AsWritten).Distinct().ToList();

        var clock = Stopwatch.StartNew();
        var builds = await Task.WhenAll(variants.Select(v =>
            Task.Run(() => Variants.BuildAsync(v, files, programOfFile, Path.Combine(directory, v.ToString()), cancellationToken), cancellationToken)));
        var result = new FuzzResult { Programs = programs, Built = builds.ToDictionary(b => b.Variant) };
        foreach (var problem in builds.SelectMany(b => b.Problems))
            result.Add(problem);

        var types = programs.Select(p => p.TypeName).ToList();
        result.BuildTime = clock.Elapsed;

        // The runner processes are mostly single-threaded: one per core at a time.
        var runs = new ConcurrentDictionary<(Variant, string), Dictionary<string, ProgramRun>>();
        var toRun = checks.Concat(checks.Select(c => (Variant: Variant.AsWritten, c.Mode))).Append((Variant: Variant.AsWritten, Mode: Normal)).Distinct().ToList();
        Parallel.ForEach(toRun, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, check =>
        {
            var built = result.Built[check.Variant];
            if (built.AssemblyPath is { } assembly)
                runs[check] = ChildRunner.Run(assembly, types.Where(t => !built.Excluded.Contains(t)).ToList(), check.Mode);
        });
        result.RunTime = clock.Elapsed - result.BuildTime;

        foreach (var type in types)
        {
            ProgramRun? baseline = runs.TryGetValue((Variant.AsWritten, Normal), out var b) && b.TryGetValue(type, out var r) ? r : null;
            foreach (var (variant, mode) in toRun)
            {
                if (!runs.TryGetValue((variant, mode), out var byProgram) || !byProgram.TryGetValue(type, out var run))
                    continue;
                if (mode == MallocCheck && (bindsLibcAllocator.Contains(type)
                    || runs.TryGetValue((Variant.AsWritten, mode), out var asWritten) && asWritten.TryGetValue(type, out var reference) && reference.Status != ProgramRun.Ok))
                {
                    continue;
                }

                if (run.Status != ProgramRun.Ok)
                    result.Add(new Problem(type, variant, mode, run.Status, run.Detail));
                else if (baseline is { Status: ProgramRun.Ok } && run.Output != baseline.Output)
                    result.Add(new Problem(type, variant, mode, "output differs", "as written:\n" + baseline.Output + "this variant:\n" + run.Output));
            }
        }

        return result;
    }

    private static bool BindsLibcAllocator(string source) =>
        source.Contains("EntryPoint = \"free\"", StringComparison.Ordinal) || source.Contains("EntryPoint = \"malloc\"", StringComparison.Ordinal)
        || source.Contains("EntryPoint = \"realloc\"", StringComparison.Ordinal) || source.Contains("EntryPoint = \"calloc\"", StringComparison.Ordinal);
}
