// A generated program as data: its allocators and its flows. Rendering it is deterministic, so a smaller program made by
// dropping parts of it (see Shrinker) renders to a program that is still correct as written.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace FioMem.Migration.Fuzz.Generation;

/// <summary>One stretch of a flow: the allocation (<see cref="ReallocWith"/> null) or a reallocation, then uses.</summary>
internal sealed record Stage(int? ReallocWith, int Size, ImmutableArray<Use> Uses);

/// <summary>One piece of memory: allocated, kept in a carrier, used, reallocated, and released or never released.</summary>
internal sealed record FlowSpec(int AllocWith, Carrier Carrier, ImmutableArray<Stage> Stages, int? FreeWith)
{
    public IEnumerable<string> Shapes(ImmutableArray<Allocator> allocators)
    {
        yield return "alloc:" + allocators[AllocWith].Shape;
        yield return "carrier:" + Carrier.Shape;
        foreach (var stage in Stages)
        {
            if (stage.ReallocWith is { } realloc)
                yield return "realloc:" + allocators[realloc].Shape;
            foreach (var use in stage.Uses)
                yield return "use:" + use.Shape;
        }

        yield return FreeWith is { } free ? "free:" + allocators[free].Shape : "free:never";
        if (allocators[AllocWith].Family == Family.Aligned)
            yield return "family:aligned";
    }

    public string Describe(ImmutableArray<Allocator> allocators) =>
        $"alloc={allocators[AllocWith].Shape} carrier={Carrier.Shape} "
        + string.Concat(Stages.Skip(1).Select(s => $"realloc={allocators[s.ReallocWith!.Value].Shape} "))
        + (FreeWith is { } free ? "free=" + allocators[free].Shape : "free=never")
        + (allocators[AllocWith].Family == Family.Aligned ? " (aligned)" : "");
}

internal sealed record ProgramSpec(long Seed, int Index, nuint Alignment, ImmutableArray<Allocator> Allocators, ImmutableArray<FlowSpec> Flows)
{
    public string Namespace => "Fuzz.P" + Index;

    /// <summary>The class the runner calls <c>Run()</c> of.</summary>
    public string TypeName => Namespace + ".Program" + Index;

    public string FileName => "P" + Index + ".cs";

    public IEnumerable<string> Shapes => Flows.SelectMany(f => f.Shapes(Allocators)).Distinct();

    public string Render()
    {
        var ctx = new ProgramContext(Index, Alignment);
        var run = new List<string>();
        for (int k = 0; k < Flows.Count(); k++)
        {
            var flow = Flows[k];
            var w = new CodeWriter();
            w.Open($"private static ulong Flow{k}()");
            w.Line("ulong sum = 17;");
            var f = new FlowContext(ctx, w);
            for (int s = 0; s < flow.Stages.Length; s++)
            {
                var stage = flow.Stages[s];
                if (stage.ReallocWith is { } realloc)
                {
                    flow.Carrier.Reallocate(f, Allocators[realloc], stage.Size);
                    f.Initialized = System.Math.Min(f.Initialized, stage.Size);
                }
                else
                {
                    flow.Carrier.Allocate(f, Allocators[flow.AllocWith], stage.Size);
                    f.Initialized = Allocators[flow.AllocWith].Zeroes ? stage.Size : 0;
                }

                f.Length = stage.Size;
                var uses = stage.Uses;
                if (uses.Length > 0)
                {
                    flow.Carrier.With(f, p =>
                    {
                        foreach (var use in uses)
                        {
                            if (use.Fits(f))
                                use.Apply(f, p);
                        }
                    });
                }
            }

            if (flow.FreeWith is { } free)
                flow.Carrier.Release(f, Allocators[free]);
            else
                flow.Carrier.Leak(f);
            w.Line("return sum;");
            w.Close();
            ctx.Members.Add(w.ToString());
            run.Add($"Console.WriteLine(\"flow{k} \" + Flow{k}());");
        }

        string header = $"Migration fuzz program {Index} of seed {Seed}; flows:\n"
            + string.Join("\n", Flows.Select((f, k) => $"  flow{k}: {f.Describe(Allocators)}"));
        return ctx.Render(header, run);
    }

    /// <summary>The same program without the allocators no flow uses (indices renumbered).</summary>
    public ProgramSpec WithoutUnusedAllocators()
    {
        var used = Flows.SelectMany(f => new[] { (int?)f.AllocWith, f.FreeWith }.Concat(f.Stages.Select(s => s.ReallocWith)))
            .OfType<int>().Distinct().OrderBy(i => i).ToList();
        var map = used.Select((old, index) => (old, index)).ToDictionary(p => p.old, p => p.index);
        return this with
        {
            Allocators = used.Select(i => Allocators[i]).ToImmutableArray(),
            Flows = Flows.Select(f => f with
            {
                AllocWith = map[f.AllocWith],
                FreeWith = f.FreeWith is { } free ? map[free] : null,
                Stages = f.Stages.Select(s => s with { ReallocWith = s.ReallocWith is { } r ? map[r] : null }).ToImmutableArray(),
            }).ToImmutableArray(),
        };
    }
}
