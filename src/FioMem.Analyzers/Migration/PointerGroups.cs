// The allocations, reallocations and frees of one top-level type, grouped by the pointers they share.
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.Migration;

/// <summary>
/// A union-find over the <c>NativeMemory</c> calls of a type and the variables (locals, private fields) their pointers
/// pass through. Calls that can see the same memory end up in one group, and a group is migrated all at once or not at
/// all, so a fix never leaves memory allocated by one allocator and released by the other. A node is tainted when the
/// pointer leaves what the analysis can see (returned, stored elsewhere, address taken) or comes from somewhere it cannot
/// see; a tainted node keeps its whole group as it is.
/// </summary>
/// <remarks>The code block actions of one type (one per member) run concurrently, so every member takes the lock.</remarks>
internal sealed class PointerGroups
{
    private readonly object _gate = new();
    private readonly Dictionary<object, object> _parent = new(NodeComparer.Instance);
    private readonly HashSet<object> _tainted = new(NodeComparer.Instance);
    private readonly HashSet<object> _unknownSources = new(NodeComparer.Instance);
    private readonly List<MigrationCandidate> _calls = new();
    private bool _everythingTainted;

    /// <summary>Records a <c>NativeMemory</c> call; ineligible calls taint their group.</summary>
    public void AddCall(MigrationCandidate call)
    {
        lock (_gate)
        {
            _calls.Add(call);
            Find(call.Location);
            if (call.FioMethod is null)
                _tainted.Add(call.Location);
        }
    }

    /// <summary>Records that two nodes (a call's location or a variable symbol) can hold the same memory.</summary>
    public void Union(object a, object b)
    {
        lock (_gate)
        {
            var rootA = Find(a);
            var rootB = Find(b);
            if (!NodeComparer.Instance.Equals(rootA, rootB))
                _parent[rootA] = rootB;
        }
    }

    /// <summary>Marks a node whose memory escapes the analysis or comes from outside it.</summary>
    public void Taint(object node)
    {
        lock (_gate)
        {
            Find(node);
            _tainted.Add(node);
        }
    }

    /// <summary>
    /// Marks a variable that gets a value the analysis cannot trace (a parameter, a call's result, arithmetic). Its
    /// group stays as it is; and if that group releases or reallocates memory, the value might be any allocation of the
    /// type (a callee can return the pointer it was lent), so nothing in the type moves.
    /// </summary>
    public void TaintUnknownSource(object node)
    {
        lock (_gate)
        {
            Find(node);
            _tainted.Add(node);
            _unknownSources.Add(node);
        }
    }

    /// <summary>
    /// Marks every group: a <c>NativeMemory</c> method is used as a method group, or a pointer of unknown origin is freed,
    /// so any allocation of the type might end up released by NativeMemory code the analysis cannot pair.
    /// </summary>
    public void TaintEverything()
    {
        lock (_gate)
            _everythingTainted = true;
    }

    /// <summary>The groups that can move to FioMem as a whole: untainted and holding at least one allocation.</summary>
    public List<List<MigrationCandidate>> MigratableGroups()
    {
        var result = new List<List<MigrationCandidate>>();
        lock (_gate)
        {
            if (_everythingTainted)
                return result;

            var taintedRoots = new HashSet<object>(NodeComparer.Instance);
            foreach (var node in _tainted)
                taintedRoots.Add(Find(node));

            var unknownRoots = new HashSet<object>(NodeComparer.Instance);
            foreach (var node in _unknownSources)
                unknownRoots.Add(Find(node));
            foreach (var call in _calls)
            {
                if (call.Role != NativeMemoryCallRole.Allocate && unknownRoots.Contains(Find(call.Location)))
                    return result;
            }

            var byRoot = new Dictionary<object, List<MigrationCandidate>>(NodeComparer.Instance);
            foreach (var call in _calls)
            {
                var root = Find(call.Location);
                if (taintedRoots.Contains(root))
                    continue;
                if (!byRoot.TryGetValue(root, out var group))
                    byRoot[root] = group = new List<MigrationCandidate>();
                group.Add(call);
            }

            foreach (var group in byRoot.Values)
            {
                if (group.Exists(static c => c.Role != NativeMemoryCallRole.Release))
                {
                    group.Sort(static (x, y) => x.Location.SourceSpan.Start.CompareTo(y.Location.SourceSpan.Start));
                    result.Add(group);
                }
            }
        }

        return result;
    }

    private object Find(object node)
    {
        if (!_parent.TryGetValue(node, out var parent))
        {
            _parent[node] = node;
            return node;
        }

        if (NodeComparer.Instance.Equals(parent, node))
            return node;

        var root = Find(parent);
        _parent[node] = root;
        return root;
    }

    // Symbols compare with SymbolEqualityComparer (instances may differ between semantic models); locations by value.
    private sealed class NodeComparer : IEqualityComparer<object>
    {
        public static readonly NodeComparer Instance = new();

        public new bool Equals(object? x, object? y) =>
            x is ISymbol sx && y is ISymbol sy ? SymbolEqualityComparer.Default.Equals(sx, sy) : object.Equals(x, y);

        public int GetHashCode(object obj) =>
            obj is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : obj.GetHashCode();
    }
}
