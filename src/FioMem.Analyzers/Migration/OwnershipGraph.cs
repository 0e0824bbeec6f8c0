// FIO003's compilation-wide facts (which places share pointers, which are tainted) and their solution into groups.
using System.Collections.Concurrent;
using System.Collections.Generic;
using FioMem.Analyzers.Common;

namespace FioMem.Analyzers.Migration;

/// <summary>
/// The facts the members of a compilation contribute, gathered concurrently while they are analysed, then solved once
/// at compilation end: a union-find over <see cref="PointerLocation"/>s puts every place a pointer can travel between
/// into one group with the <c>NativeMemory</c> calls that make or take it.
/// </summary>
/// <remarks>
/// A group's allocations migrate only when its memory cannot reach a release FioMem does not control: a <em>taint</em>
/// that is an outflow (memory handed to native code that may free it, to another assembly, to code the walk does not
/// follow) keeps the group's allocations and reallocations as they are. An inflow (a value from outside) keeps nothing:
/// FioMemory's releases hand memory FioMem did not allocate back to NativeMemory, so releasing it there is always
/// right. A <em>derived</em> fact (<c>q = p + n</c>) keeps <c>q</c> in a group of its own, so pointer arithmetic for
/// reading costs nothing; but if <c>q</c>'s group releases, reallocates or hands out memory, <c>p</c>'s group is
/// tainted too (it might be its memory).
/// </remarks>
internal sealed class OwnershipGraph : IOwnershipFacts
{
    private readonly ConcurrentQueue<(PointerLocation A, PointerLocation B)> _unions = new();
    private readonly ConcurrentDictionary<PointerLocation, LeftAloneReason> _taints = new();
    private readonly ConcurrentQueue<(PointerLocation Derived, PointerLocation Base)> _derived = new();
    private readonly ConcurrentQueue<MigrationCandidate> _calls = new();
    private readonly ConcurrentQueue<PointerLocation> _publicInputs = new();
    private readonly ConcurrentQueue<PointerLocation> _publicOutputs = new();
    private readonly ConcurrentQueue<PointerLocation> _lent = new();
    private readonly ConcurrentQueue<(PointerLocation Parameter, PointerLocation Argument)> _arguments = new();

    /// <summary>Records a <c>NativeMemory</c> call (a node of its own).</summary>
    public void AddCall(MigrationCandidate call) => _calls.Enqueue(call);

    /// <summary>Records that <paramref name="a"/> and <paramref name="b"/> can hold the same memory.</summary>
    public void Union(PointerLocation a, PointerLocation b)
    {
        if (!a.Equals(b))
            _unions.Enqueue((a, b));
    }

    /// <summary>
    /// Records that <paramref name="location"/> reaches code outside the analysis (the first reason is kept). An inflow
    /// (<see cref="LeftAloneReasons.IsInflow"/>) is not recorded: it keeps nothing on NativeMemory.
    /// </summary>
    public void Taint(PointerLocation location, LeftAloneReason reason)
    {
        if (!LeftAloneReasons.IsInflow(reason))
            _taints.TryAdd(location, reason);
    }

    /// <summary>Records that <paramref name="derived"/> holds an address computed from what <paramref name="origin"/> holds.</summary>
    public void Derive(PointerLocation derived, PointerLocation origin) => _derived.Enqueue((derived, origin));

    /// <summary>
    /// Records that <paramref name="argument"/> is passed by value to <paramref name="parameter"/>: the two join only if
    /// the parameter's group releases, reallocates or hands out memory, or crosses the public API. A method that only
    /// reads its parameter (a check, a decoder, a formatter) so does not tie together the memory of all its callers.
    /// </summary>
    public void PassArgument(PointerLocation parameter, PointerLocation argument) => _arguments.Enqueue((parameter, argument));

    /// <summary>
    /// Records that code outside the compilation can put a pointer into <paramref name="location"/> (a parameter or a
    /// writable member of an opted-in library's public API): it may be memory any public member handed out.
    /// </summary>
    public void PublicInput(PointerLocation location) => _publicInputs.Enqueue(location);

    /// <summary>Records that code outside the compilation can take a pointer out of <paramref name="location"/> (a result, a readable member).</summary>
    public void PublicOutput(PointerLocation location) => _publicOutputs.Enqueue(location);

    /// <summary>
    /// Records that what <paramref name="location"/> holds is lent to native code for the duration of a call: harmless
    /// when the group releases its memory itself, <see cref="LeftAloneReason.PassedToNativeCode"/> when it never does
    /// (native code may then own it).
    /// </summary>
    public void LendToNativeCode(PointerLocation location) => _lent.Enqueue(location);

    /// <summary>Solves the facts: every group of calls, with the reason it stays (<see cref="LeftAloneReason.None"/> if none).</summary>
    public List<CallGroup> Solve()
    {
        var parent = new Dictionary<PointerLocation, PointerLocation>();
        foreach (var (a, b) in _unions)
            Join(parent, a, b);

        // Joining groups can make a parameter's group release or hand out memory: repeat until nothing joins.
        bool joined = true;
        while (joined)
            joined = JoinUsedArguments(parent) | JoinPublicSurface(parent);

        var (reasons, _) = Reach(parent);

        var byRoot = new Dictionary<PointerLocation, CallGroup>();
        foreach (var call in _calls)
        {
            var root = Find(parent, call.Node);
            if (!byRoot.TryGetValue(root, out var group))
                byRoot[root] = group = new CallGroup(root);
            group.Calls.Add(call);
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

        foreach (var output in _publicOutputs)
        {
            if (byRoot.TryGetValue(Find(parent, output), out var group))
                group.HasPublicOutput = true;
        }

        groups.Sort(static (x, y) => x.Calls[0].CompareTo(y.Calls[0]));
        return groups;
    }

    private static void Join(Dictionary<PointerLocation, PointerLocation> parent, PointerLocation a, PointerLocation b) =>
        DisjointSets.Join(parent, a, b);

    // Arguments passed to a parameter whose group needs them: it releases, reallocates or hands out memory, or its memory
    // crosses the public API (a place other assemblies read, or the public hub).
    private bool JoinUsedArguments(Dictionary<PointerLocation, PointerLocation> parent)
    {
        if (_arguments.IsEmpty)
            return false;
        bool any = false;
        bool changed = true;
        while (changed)
        {
            changed = false;
            var (_, reaching) = Reach(parent);
            var outputs = new HashSet<PointerLocation>();
            foreach (var output in _publicOutputs)
                outputs.Add(Find(parent, output));
            outputs.Add(Find(parent, PointerLocation.PublicSurface));
            foreach (var (parameter, argument) in _arguments)
            {
                var root = Find(parent, parameter);
                if ((reaching.Contains(root) || outputs.Contains(root)) && !root.Equals(Find(parent, argument)))
                {
                    Join(parent, parameter, argument);
                    changed = any = true;
                }
            }
        }

        return any;
    }

    // An opted-in library promises that its release methods release what its allocation methods return: a public input
    // whose group releases or reallocates (itself or through an address computed from it) joins every public output
    // whose group allocates. Inputs that are only read, outputs of memory from elsewhere, and outputs when no input
    // releases stay groups of their own.
    private bool JoinPublicSurface(Dictionary<PointerLocation, PointerLocation> parent)
    {
        if (_publicInputs.IsEmpty || _publicOutputs.IsEmpty)
            return false;
        var (releasing, allocating) = Roles(parent);
        var hub = PointerLocation.PublicSurface;
        bool any = false, changed = false;
        foreach (var input in _publicInputs)
        {
            var root = Find(parent, input);
            if (releasing.Contains(root))
            {
                any = true;
                if (!root.Equals(Find(parent, hub)))
                {
                    Join(parent, input, hub);
                    changed = true;
                }
            }
        }

        if (any)
        {
            foreach (var output in _publicOutputs)
            {
                var root = Find(parent, output);
                if (allocating.Contains(root) && !root.Equals(Find(parent, hub)))
                {
                    Join(parent, output, hub);
                    changed = true;
                }
            }
        }

        return changed;
    }

    // The roots whose memory is released or reallocated (also through an address computed from it), and the roots that
    // allocate.
    private (HashSet<PointerLocation> Releasing, HashSet<PointerLocation> Allocating) Roles(Dictionary<PointerLocation, PointerLocation> parent)
    {
        var releasing = new HashSet<PointerLocation>();
        var allocating = new HashSet<PointerLocation>();
        foreach (var call in _calls)
        {
            var root = Find(parent, call.Node);
            if (call.Role is NativeMemoryCallRole.Release or NativeMemoryCallRole.Reallocate)
                releasing.Add(root);
            if (call.Role is NativeMemoryCallRole.Allocate or NativeMemoryCallRole.Reallocate)
                allocating.Add(root);
        }

        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (derived, origin) in _derived)
            {
                if (releasing.Contains(Find(parent, derived)))
                    changed |= releasing.Add(Find(parent, origin));
            }
        }

        return (releasing, allocating);
    }

    // The taint of every root, and the roots whose memory is released, reallocated or handed out.
    private (Dictionary<PointerLocation, LeftAloneReason> Reasons, HashSet<PointerLocation> Reaching) Reach(
        Dictionary<PointerLocation, PointerLocation> parent)
    {
        var reasons = new Dictionary<PointerLocation, LeftAloneReason>();
        foreach (var taint in _taints)
        {
            var root = Find(parent, taint.Key);
            if (!reasons.ContainsKey(root))
                reasons[root] = taint.Value;
        }

        var releasing = new HashSet<PointerLocation>();
        var reaching = new HashSet<PointerLocation>();
        foreach (var call in _calls)
        {
            if (call.Role is NativeMemoryCallRole.Release or NativeMemoryCallRole.Reallocate)
            {
                var root = Find(parent, call.Node);
                reaching.Add(root);
                if (call.Role == NativeMemoryCallRole.Release)
                    releasing.Add(root);
            }
        }

        // Memory lent to native code by a group that never releases it may be native code's to keep or free.
        // A cursor or an address computed from released memory (q = p + n, passed to native code) is lent as well.
        if (!_lent.IsEmpty)
        {
            var origins = new Dictionary<PointerLocation, List<PointerLocation>>();
            foreach (var (derived, origin) in _derived)
            {
                var root = Find(parent, derived);
                if (!origins.TryGetValue(root, out var list))
                    origins[root] = list = new List<PointerLocation>();
                list.Add(Find(parent, origin));
            }

            foreach (var lent in _lent)
            {
                var root = Find(parent, lent);
                if (!reasons.ContainsKey(root) && !ReleasesItself(root, releasing, origins, new HashSet<PointerLocation>()))
                    reasons[root] = LeftAloneReason.PassedToNativeCode;
            }
        }

        // A derived pointer that is released, reallocated or handed out may be its origin's memory: taint the origin's
        // group, transitively (q = p + 1; r = q + 1; Free(r)). Only outflows are recorded, so every reason counts.
        foreach (var pair in reasons)
            reaching.Add(pair.Key);

        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (derived, origin) in _derived)
            {
                var derivedRoot = Find(parent, derived);
                var originRoot = Find(parent, origin);
                if (!reaching.Contains(derivedRoot) || derivedRoot.Equals(originRoot))
                    continue; // An offset within one group is that group's own memory.
                if (!reasons.ContainsKey(originRoot))
                {
                    reasons[originRoot] = LeftAloneReason.InteriorPointer;
                    changed = true;
                }

                changed |= reaching.Add(originRoot);
            }
        }

        return (reasons, reaching);
    }

    private static bool ReleasesItself(PointerLocation root, HashSet<PointerLocation> releasing,
        Dictionary<PointerLocation, List<PointerLocation>> origins, HashSet<PointerLocation> seen)
    {
        if (releasing.Contains(root))
            return true;
        if (!seen.Add(root) || !origins.TryGetValue(root, out var list))
            return false;
        foreach (var origin in list)
        {
            if (ReleasesItself(origin, releasing, origins, seen))
                return true;
        }

        return false;
    }

    /// <summary>
    /// Hands every recorded fact to <paramref name="sink"/>, kind by kind: for callers that keep a member's or a file's
    /// facts beyond its compilation (as symbol-free keys) and replay them into a new graph later. A new kind of fact
    /// is a new member of <see cref="IOwnershipFacts"/>, so every sink must carry it.
    /// </summary>
    public void ExportFacts(IOwnershipFacts sink)
    {
        foreach (var (a, b) in _unions)
            sink.Union(a, b);
        foreach (var pair in _taints)
            sink.Taint(pair.Key, pair.Value);
        foreach (var (derived, origin) in _derived)
            sink.Derive(derived, origin);
        foreach (var (parameter, argument) in _arguments)
            sink.PassArgument(parameter, argument);
        foreach (var input in _publicInputs)
            sink.PublicInput(input);
        foreach (var output in _publicOutputs)
            sink.PublicOutput(output);
        foreach (var lent in _lent)
            sink.LendToNativeCode(lent);
        foreach (var candidate in _calls)
            sink.AddCall(candidate);
    }

    private static PointerLocation Find(Dictionary<PointerLocation, PointerLocation> parent, PointerLocation node) =>
        DisjointSets.Find(parent, node);
}

/// <summary>One solved group: its calls, the place that names it, and why it stays (if it does).</summary>
internal sealed class CallGroup
{
    private PointerLocation? _name;
    private string? _nameText;

    public CallGroup(PointerLocation root) => Root = root;

    public PointerLocation Root { get; }

    public List<MigrationCandidate> Calls { get; } = new();

    /// <summary>The first outflow that reaches the group (<see cref="LeftAloneReason.None"/> when none does).</summary>
    public LeftAloneReason Reason { get; set; }

    /// <summary>True when an opted-in library's public API hands the group's memory to other assemblies.</summary>
    public bool HasPublicOutput { get; set; }

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
