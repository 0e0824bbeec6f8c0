// Makes a failing program smaller while it still fails the same way (same variant, same kind of failure): drops flows,
// reallocations and uses, and swaps carriers and allocators for the plainest ones. Every smaller program is still
// correct as written (the run as written is checked too).
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Migration.Fuzz.Generation;

namespace FioMem.Migration.Fuzz.Running;

internal static class Shrinker
{
    /// <summary>The smallest program found within <paramref name="attempts"/> tries, and how many tries were made.</summary>
    public static async Task<(ProgramSpec Program, int Tried)> ShrinkAsync(ProgramSpec program, Problem failure, string directory, int attempts,
        CancellationToken cancellationToken)
    {
        // Build problems are found by the build of the migrated or intercepted variant; run problems need that run only.
        var only = new[] { (failure.Variant, failure.Mode == "build" ? FuzzRun.Normal : failure.Mode) };
        int tried = 0;
        bool progress = true;
        while (progress && tried < attempts)
        {
            progress = false;
            foreach (var candidate in Candidates(program))
            {
                if (tried++ >= attempts)
                    break;
                var result = await FuzzRun.RunAsync([candidate], System.IO.Path.Combine(directory, "shrink" + tried), only, cancellationToken);
                var problems = result.Problems.Values.SelectMany(p => p).ToList();
                bool validAsWritten = problems.All(p => p.Variant != Variant.AsWritten);
                if (validAsWritten && problems.Any(p => p.Variant == failure.Variant && p.Kind == failure.Kind))
                {
                    program = candidate;
                    progress = true;
                    break;
                }
            }
        }

        return (program, tried);
    }

    private static IEnumerable<ProgramSpec> Candidates(ProgramSpec p)
    {
        for (int k = 0; k < p.Flows.Length && p.Flows.Length > 1; k++)
            yield return (p with { Flows = p.Flows.RemoveAt(k) }).WithoutUnusedAllocators();

        for (int k = 0; k < p.Flows.Length; k++)
        {
            var flow = p.Flows[k];
            for (int s = 1; s < flow.Stages.Length; s++)
                yield return With(p, k, flow with { Stages = flow.Stages.RemoveAt(s) });
            for (int s = 0; s < flow.Stages.Length; s++)
            {
                for (int u = 0; u < flow.Stages[s].Uses.Length; u++)
                    yield return With(p, k, flow with { Stages = flow.Stages.SetItem(s, flow.Stages[s] with { Uses = flow.Stages[s].Uses.RemoveAt(u) }) });
            }

            if (flow.Carrier is not LocalCarrier)
                yield return With(p, k, flow with { Carrier = new LocalCarrier() });

            var family = p.Allocators[flow.AllocWith].Family;
            int direct = p.Allocators.Length;
            var withDirect = p with { Allocators = p.Allocators.Add(new DirectAllocator(family)) };
            if (p.Allocators[flow.AllocWith] is not DirectAllocator)
                yield return With(withDirect, k, flow with { AllocWith = direct });
            if (flow.FreeWith is { } free && p.Allocators[free] is not DirectAllocator)
                yield return With(withDirect, k, flow with { FreeWith = direct });
            for (int s = 1; s < flow.Stages.Length; s++)
            {
                if (p.Allocators[flow.Stages[s].ReallocWith!.Value] is not DirectAllocator)
                    yield return With(withDirect, k, flow with { Stages = flow.Stages.SetItem(s, flow.Stages[s] with { ReallocWith = direct }) });
            }
        }
    }

    private static ProgramSpec With(ProgramSpec p, int k, FlowSpec flow) => (p with { Flows = p.Flows.SetItem(k, flow) }).WithoutUnusedAllocators();
}
