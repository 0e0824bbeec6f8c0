// The relevance walk's step between rounds, on symbol-free facts: which names the places connected to a call have.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using FioMem.Analyzers.Common;
using FioMem.Generators.Helpers;
using FioMem.Generators.Models;

namespace FioMem.Generators.Interception;

/// <summary>
/// What <c>OwnershipTrees.RelevantMembers</c> computes between two rounds, from the keyed facts of every file: every
/// kind of fact taken as a link, the names of the places connected to a <c>NativeMemory</c> call (each file's
/// <see cref="FileFacts.Names"/>), or that one of them is reached without a name.
/// </summary>
internal static class FactReach
{
    /// <summary>The names the facts of <paramref name="files"/> connect to a call.</summary>
    public static ReachedNames NamesConnectedToCalls(IEnumerable<FileFacts> files)
    {
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        var calls = new List<string>();
        var names = new Dictionary<string, PlaceName>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var call in file.Calls)
            {
                Root(parent, call.Key);
                calls.Add(call.Key);
            }

            foreach (var pair in file.Unions)
                Link(parent, pair.First, pair.Second);
            foreach (var taint in file.Taints)
                Root(parent, taint.Key);
            foreach (var pair in file.Derived)
                Link(parent, pair.First, pair.Second);
            foreach (var pair in file.Arguments)
                Link(parent, pair.First, pair.Second);
            foreach (var input in file.PublicInputs)
                Link(parent, input, InterceptionFactsCollector.PublicSurfaceKey);
            foreach (var output in file.PublicOutputs)
                Link(parent, output, InterceptionFactsCollector.PublicSurfaceKey);
            foreach (var lent in file.Lent)
                Root(parent, lent);
            foreach (var name in file.Names)
                names[name.Key] = name;
        }

        var withCalls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var call in calls)
            withCalls.Add(Root(parent, call));

        var reached = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var node in new List<string>(parent.Keys))
        {
            if (!withCalls.Contains(Root(parent, node)))
                continue;
            if (node == InterceptionFactsCollector.PublicSurfaceKey)
                return new ReachedNames(EquatableArray<string>.Empty, Everything: true);
            if (!names.TryGetValue(node, out var name))
                continue;
            if (name.Unspelled)
                return new ReachedNames(EquatableArray<string>.Empty, Everything: true);
            reached.Add(name.Name);
        }

        return new ReachedNames(new EquatableArray<string>(reached.ToImmutableArray()), Everything: false);
    }

    private static void Link(Dictionary<string, string> parent, string a, string b) => DisjointSets.Join(parent, a, b);

    private static string Root(Dictionary<string, string> parent, string node) => DisjointSets.Find(parent, node);
}
