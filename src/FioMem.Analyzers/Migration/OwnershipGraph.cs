// FIO003's compilation-wide facts (which places share pointers, which are tainted) and their solution into groups.
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace FioMem.Analyzers.Migration;

/// <summary>
/// The facts the members of a compilation contribute, gathered concurrently while they are analysed, then solved once
/// at compilation end: a union-find over <see cref="PointerLocation"/>s puts every place a pointer can travel between
/// into one group with the <c>NativeMemory</c> calls that make or take it.
/// </summary>
/// <remarks>
/// A group migrates only as a whole and only when nothing outside it can reach it: a <em>taint</em> (a value from
/// outside, memory handed to unseen code) keeps the whole group as it is, and nothing else. A <em>derived</em> fact
/// (<c>q = p + n</c>) keeps <c>q</c> in a group of its own, so pointer arithmetic for reading costs nothing; but if
/// <c>q</c>'s group releases, reallocates or hands out memory, <c>p</c>'s group is tainted too (it might be its memory).
/// </remarks>
internal sealed class OwnershipGraph
{
    private readonly ConcurrentQueue<(PointerLocation A, PointerLocation B)> _unions = new();
    private readonly ConcurrentDictionary<PointerLocation, LeftAloneReason> _taints = new();
    private readonly ConcurrentQueue<(PointerLocation Derived, PointerLocation Base)> _derived = new();
    private readonly ConcurrentQueue<MigrationCandidate> _calls = new();

    /// <summary>Records a <c>NativeMemory</c> call (a node of its own).</summary>
    public void AddCall(MigrationCandidate call) => _calls.Enqueue(call);

    /// <summary>Records that <paramref name="a"/> and <paramref name="b"/> can hold the same memory.</summary>
    public void Union(PointerLocation a, PointerLocation b)
    {
        if (!a.Equals(b))
            _unions.Enqueue((a, b));
    }

    /// <summary>Records that <paramref name="location"/> reaches code outside the analysis (the first reason is kept).</summary>
    public void Taint(PointerLocation location, LeftAloneReason reason) => _taints.TryAdd(location, reason);

    /// <summary>Records that <paramref name="derived"/> holds an address computed from what <paramref name="origin"/> holds.</summary>
    public void Derive(PointerLocation derived, PointerLocation origin) => _derived.Enqueue((derived, origin));

    /// <summary>Solves the facts: every group of calls, with the reason it stays (<see cref="LeftAloneReason.None"/> if none).</summary>
    public List<CallGroup> Solve()
    {
        var parent = new Dictionary<PointerLocation, PointerLocation>();
        foreach (var (a, b) in _unions)
        {
            var rootA = Find(parent, a);
            var rootB = Find(parent, b);
            if (!rootA.Equals(rootB))
                parent[rootA] = rootB;
        }

        var reasons = new Dictionary<PointerLocation, LeftAloneReason>();
        foreach (var taint in _taints)
        {
            var root = Find(parent, taint.Key);
            if (!reasons.ContainsKey(root))
                reasons[root] = taint.Value;
        }

        var byRoot = new Dictionary<PointerLocation, CallGroup>();
        foreach (var call in _calls)
        {
            var root = Find(parent, call.Node);
            if (!byRoot.TryGetValue(root, out var group))
                byRoot[root] = group = new CallGroup(root);
            group.Calls.Add(call);
        }

        // A derived pointer that is released, reallocated or handed out may be its origin's memory: taint the origin's
        // group, transitively (q = p + 1; r = q + 1; Free(r)). Values that merely come from outside do not count.
        var reaching = new HashSet<PointerLocation>();
        foreach (var pair in reasons)
        {
            if (pair.Value is not (LeftAloneReason.ExternalValue or LeftAloneReason.ParameterOfPublicMember))
                reaching.Add(pair.Key);
        }

        foreach (var group in byRoot.Values)
        {
            if (group.TakesPointers)
                reaching.Add(group.Root);
        }

        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (derived, origin) in _derived)
            {
                if (!reaching.Contains(Find(parent, derived)))
                    continue;
                var originRoot = Find(parent, origin);
                if (!reasons.ContainsKey(originRoot))
                {
                    reasons[originRoot] = LeftAloneReason.InteriorPointer;
                    changed = true;
                }

                changed |= reaching.Add(originRoot);
            }
        }

        var groups = new List<CallGroup>(byRoot.Count);
        foreach (var group in byRoot.Values)
        {
            if (reasons.TryGetValue(group.Root, out var reason))
                group.Reason = reason;
            group.Calls.Sort(static (x, y) => x.CompareTo(y));
            groups.Add(group);
        }

        // The name of a group: its most telling place (a field before a return before a parameter before a local).
        foreach (var location in parent.Keys)
        {
            if (location.Kind == PointerLocationKind.Call)
                continue;
            var root = Find(parent, location);
            if (byRoot.TryGetValue(root, out var group))
                group.Consider(location);
        }

        groups.Sort(static (x, y) => x.Calls[0].CompareTo(y.Calls[0]));
        return groups;
    }

    /// <summary>
    /// Hands every recorded fact to the callbacks, in the order recorded: for callers that keep a member's or a file's
    /// facts beyond its compilation (as symbol-free keys) and replay them into a new graph later.
    /// </summary>
    public void ExportFacts(
        System.Action<PointerLocation, PointerLocation> union,
        System.Action<PointerLocation, LeftAloneReason> taint,
        System.Action<PointerLocation, PointerLocation> derive,
        System.Action<MigrationCandidate> call)
    {
        foreach (var (a, b) in _unions)
            union(a, b);
        foreach (var pair in _taints)
            taint(pair.Key, pair.Value);
        foreach (var (derived, origin) in _derived)
            derive(derived, origin);
        foreach (var candidate in _calls)
            call(candidate);
    }

    private static PointerLocation Find(Dictionary<PointerLocation, PointerLocation> parent, PointerLocation node)
    {
        var root = node;
        while (parent.TryGetValue(root, out var next) && !next.Equals(root))
            root = next;
        if (!parent.ContainsKey(node))
            parent[node] = node;

        // Path compression.
        while (!node.Equals(root))
        {
            var next = parent[node];
            parent[node] = root;
            node = next;
        }

        return root;
    }
}

/// <summary>One solved group: its calls, the place that names it, and why it stays (if it does).</summary>
internal sealed class CallGroup
{
    private PointerLocation? _name;
    private string? _nameText;

    public CallGroup(PointerLocation root) => Root = root;

    public PointerLocation Root { get; }

    public List<MigrationCandidate> Calls { get; } = new();

    public LeftAloneReason Reason { get; set; }

    /// <summary>True when a call of the group releases or reallocates memory.</summary>
    public bool TakesPointers => Calls.Exists(static c => c.Role is NativeMemoryCallRole.Release or NativeMemoryCallRole.Reallocate);

    /// <summary>The group's name in FIO003's message.</summary>
    public string Name => _nameText ??= _name?.DisplayName() is { Length: > 0 } text ? text : Calls[0].Member;

    public void Consider(PointerLocation location)
    {
        if (_name is not { } current || Rank(location.Kind) < Rank(current.Kind)
            || (Rank(location.Kind) == Rank(current.Kind)
                && string.CompareOrdinal(location.DisplayName(), current.DisplayName()) < 0))
        {
            _name = location;
            _nameText = null;
        }
    }

    private static int Rank(PointerLocationKind kind) => kind switch
    {
        PointerLocationKind.Field => 0,
        PointerLocationKind.ArrayElement => 1,
        PointerLocationKind.Property => 2,
        PointerLocationKind.Return => 3,
        PointerLocationKind.Parameter => 4,
        _ => 5,
    };
}
