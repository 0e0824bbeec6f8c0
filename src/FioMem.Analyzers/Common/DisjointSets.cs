// Union-find over a parent map: how the migration's analysis joins the places one piece of memory can be in.
using System.Collections.Generic;

namespace FioMem.Analyzers.Common;

/// <summary>
/// Disjoint sets kept in a parent map (a node absent from it is a set of its own): <see cref="Find"/> with path
/// compression and <see cref="Join"/>. Shared by the ownership graph's solver and both relevance walks (on places and on
/// their symbol-free keys).
/// </summary>
internal static class DisjointSets
{
    /// <summary>The root of <paramref name="node"/>'s set; adds the node as a set of its own when it is new.</summary>
    public static T Find<T>(Dictionary<T, T> parent, T node)
        where T : notnull
    {
        var comparer = parent.Comparer;
        if (!parent.TryGetValue(node, out var next))
        {
            parent[node] = node;
            return node;
        }

        var root = node;
        while (!comparer.Equals(next, root))
        {
            root = next;
            next = parent[root];
        }

        // Path compression.
        while (!comparer.Equals(node, root))
        {
            var up = parent[node];
            parent[node] = root;
            node = up;
        }

        return root;
    }

    /// <summary>Joins the sets of <paramref name="a"/> and <paramref name="b"/> (the union's root is <paramref name="b"/>'s).</summary>
    public static void Join<T>(Dictionary<T, T> parent, T a, T b)
        where T : notnull
    {
        var rootA = Find(parent, a);
        var rootB = Find(parent, b);
        if (!parent.Comparer.Equals(rootA, rootB))
            parent[rootA] = rootB;
    }
}
