// The one table of the calls that hand out or take back memory, FioMem's and the allocators FIO002 tells apart from it.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.Common;

/// <summary>What a call does with memory.</summary>
internal enum MemoryCallRole
{
    /// <summary>Not a call of the table.</summary>
    None,

    /// <summary>Returns new memory (a pointer, a span over it, or an owner of it).</summary>
    Allocate,

    /// <summary>Takes memory as its first argument and returns it resized, possibly moved.</summary>
    Reallocate,

    /// <summary>Takes memory back: its first argument, or the receiver for <c>FioOwned&lt;T&gt;.Dispose</c>.</summary>
    Release,
}

/// <summary>The allocators whose memory must go back to the same allocator.</summary>
internal enum AllocatorFamily
{
    /// <summary>Not an allocation the analyzers know.</summary>
    Unknown,

    /// <summary>FioMem: every call of <see cref="FioMemCalls"/> on a FioMem type. Any of FioMem's releases takes any of its memory.</summary>
    FioMem,

    /// <summary><c>NativeMemory.Alloc</c>, <c>AllocZeroed</c>, <c>Realloc</c>; released by <c>Free</c>.</summary>
    NativeMemory,

    /// <summary><c>NativeMemory.AlignedAlloc</c>, <c>AlignedRealloc</c>; released by <c>AlignedFree</c>.</summary>
    NativeMemoryAligned,

    /// <summary><c>Marshal.AllocHGlobal</c>, <c>ReAllocHGlobal</c>; released by <c>FreeHGlobal</c>.</summary>
    HGlobal,

    /// <summary><c>Marshal.AllocCoTaskMem</c>, <c>ReAllocCoTaskMem</c>; released by <c>FreeCoTaskMem</c>.</summary>
    CoTaskMem,
}

/// <summary>One row of <see cref="FioMemCalls"/>: what a call does, with whose memory.</summary>
internal readonly struct MemoryCall
{
    /// <summary>Not a call of the table.</summary>
    public static readonly MemoryCall None = default;

    public MemoryCall(MemoryCallRole role, AllocatorFamily family, bool fromBlocks, bool releasesReceiver)
    {
        Role = role;
        Family = family;
        FromBlocks = fromBlocks;
        ReleasesReceiver = releasesReceiver;
    }

    /// <summary>What the call does.</summary>
    public MemoryCallRole Role { get; }

    /// <summary>Whose memory it hands out or takes back.</summary>
    public AllocatorFamily Family { get; }

    /// <summary>
    /// A FioMem allocation or reallocation whose result is sliced from a block when it is small: every one but
    /// <c>FioMemory.AllocLongLived</c>, which always maps its own memory.
    /// </summary>
    public bool FromBlocks { get; }

    /// <summary>A release of the receiver (<c>FioOwned&lt;T&gt;.Dispose</c>) rather than of the first argument.</summary>
    public bool ReleasesReceiver { get; }

    /// <summary>A call that releases FioMem memory passed as its first argument (FIO006's frees).</summary>
    public bool IsFioMemFree => Role == MemoryCallRole.Release && Family == AllocatorFamily.FioMem && !ReleasesReceiver;

    /// <summary>A call that resizes FioMem memory (FIO007's resizes).</summary>
    public bool IsFioMemResize => Role == MemoryCallRole.Reallocate && Family == AllocatorFamily.FioMem;

    /// <summary>A call whose result takes slices of a FioMem block (FIO001's allocations; FIO007's other allocations).</summary>
    public bool IsBlockAllocation => FromBlocks && Role is MemoryCallRole.Allocate or MemoryCallRole.Reallocate;
}

/// <summary>
/// Every call the rules recognise as allocating or releasing memory, in one table: FIO001 (what reaches static storage),
/// FIO002 (which allocator a pointer comes from and goes back to), FIO006 (what frees) and FIO007 (what resizes, and
/// what else allocates in the loop) all classify calls through <see cref="Classify"/>, and the syntax pre-filters of
/// <see cref="CalledNames"/> are built from the same rows.
/// </summary>
/// <remarks>
/// <para>
/// FioMem's rows: <c>FioMemory</c>'s <c>Alloc</c>, <c>AllocZeroed</c>, <c>Realloc</c>, <c>AllocLongLived</c>,
/// <c>AlignedAlloc</c>, <c>AlignedRealloc</c>, <c>Free</c> and <c>AlignedFree</c>; <c>FioAlloc&lt;T&gt;</c>'s <c>New</c>,
/// <c>NewArray</c>, <c>NewOwned</c>, <c>Resize</c>, <c>Free</c> and <c>FreeArray</c>; <c>FioOwned&lt;T&gt;.Dispose</c>;
/// and the shorthand the generator adds to a <c>[FioAllocated]</c> struct (one that carries the attribute or
/// implements <c>IFioAllocated&lt;T&gt;</c> of itself): static <c>New</c>, <c>NewArray</c>, <c>NewOwned</c>, <c>Free</c>
/// and <c>FreeArray</c>. A member of such a struct counts only with the generated member's shape (parameter count and
/// return type): the generator leaves out a name the struct already uses, and a hand-written <c>New</c> of another
/// shape is the user's own. A row whose method the referenced FioMem does not have never matches.
/// </para>
/// <para>
/// All of FioMem's memory goes back through any of its releases: <c>FioMemory.Free</c> and <c>AlignedFree</c> both take
/// aligned and unaligned allocations. <c>NativeMemory</c>'s aligned family is its own: only <c>AlignedFree</c> releases
/// <c>AlignedAlloc</c>'s memory.
/// </para>
/// </remarks>
internal static class FioMemCalls
{
    /// <summary>The types whose methods the table lists.</summary>
    private enum Owner
    {
        FioMemory,
        FioAlloc,
        Shorthand,
        FioOwned,
        FioHeap,
        NativeMemory,
        Marshal,
    }

    /// <summary>Shapes a shorthand member must have to be the generated one.</summary>
    private enum Shape
    {
        Any,
        PointerFactory,    // static T* New(), static T* New(FioHeap)
        SpanFactory,       // static Span<T> NewArray(int), static Span<T> NewArray(FioHeap, int)
        OwnerFactory,      // static FioOwned<T> NewOwned()
        SingleArgumentVoid, // static void Free(T*), static void FreeArray(Span<T>)
    }

    private readonly struct Row
    {
        public Row(Owner owner, string name, MemoryCall call, Shape shape = Shape.Any)
        {
            Owner = owner;
            Name = name;
            Call = call;
            Shape = shape;
        }

        public Owner Owner { get; }

        public string Name { get; }

        public MemoryCall Call { get; }

        public Shape Shape { get; }
    }

    private static readonly MemoryCall s_fioAllocate = new(MemoryCallRole.Allocate, AllocatorFamily.FioMem, fromBlocks: true, releasesReceiver: false);
    private static readonly MemoryCall s_fioAllocateLongLived = new(MemoryCallRole.Allocate, AllocatorFamily.FioMem, fromBlocks: false, releasesReceiver: false);
    private static readonly MemoryCall s_fioReallocate = new(MemoryCallRole.Reallocate, AllocatorFamily.FioMem, fromBlocks: true, releasesReceiver: false);
    private static readonly MemoryCall s_fioRelease = new(MemoryCallRole.Release, AllocatorFamily.FioMem, fromBlocks: false, releasesReceiver: false);

    private static MemoryCall Foreign(MemoryCallRole role, AllocatorFamily family) => new(role, family, fromBlocks: false, releasesReceiver: false);

    /// <summary>The table.</summary>
    private static readonly Row[] s_rows =
    {
        new(Owner.FioMemory, "Alloc", s_fioAllocate),
        new(Owner.FioMemory, "AllocZeroed", s_fioAllocate),
        new(Owner.FioMemory, "AlignedAlloc", s_fioAllocate),
        new(Owner.FioMemory, "AllocLongLived", s_fioAllocateLongLived),
        new(Owner.FioMemory, "Realloc", s_fioReallocate),
        new(Owner.FioMemory, "AlignedRealloc", s_fioReallocate),
        new(Owner.FioMemory, "Free", s_fioRelease),
        new(Owner.FioMemory, "AlignedFree", s_fioRelease),

        new(Owner.FioAlloc, "New", s_fioAllocate),
        new(Owner.FioAlloc, "NewArray", s_fioAllocate),
        new(Owner.FioAlloc, "NewOwned", s_fioAllocate),
        new(Owner.FioAlloc, "Resize", s_fioReallocate),
        new(Owner.FioAlloc, "Free", s_fioRelease),
        new(Owner.FioAlloc, "FreeArray", s_fioRelease),

        new(Owner.Shorthand, "New", s_fioAllocate, Shape.PointerFactory),
        new(Owner.Shorthand, "NewArray", s_fioAllocate, Shape.SpanFactory),
        new(Owner.Shorthand, "NewOwned", s_fioAllocate, Shape.OwnerFactory),
        new(Owner.Shorthand, "Free", s_fioRelease, Shape.SingleArgumentVoid),
        new(Owner.Shorthand, "FreeArray", s_fioRelease, Shape.SingleArgumentVoid),

        new(Owner.FioOwned, "Dispose", new MemoryCall(MemoryCallRole.Release, AllocatorFamily.FioMem, fromBlocks: false, releasesReceiver: true)),

        new(Owner.FioHeap, "Alloc", s_fioAllocate),
        new(Owner.FioHeap, "AlignedAlloc", s_fioAllocate),

        new(Owner.NativeMemory, "Alloc", Foreign(MemoryCallRole.Allocate, AllocatorFamily.NativeMemory)),
        new(Owner.NativeMemory, "AllocZeroed", Foreign(MemoryCallRole.Allocate, AllocatorFamily.NativeMemory)),
        new(Owner.NativeMemory, "Realloc", Foreign(MemoryCallRole.Reallocate, AllocatorFamily.NativeMemory)),
        new(Owner.NativeMemory, "Free", Foreign(MemoryCallRole.Release, AllocatorFamily.NativeMemory)),
        new(Owner.NativeMemory, "AlignedAlloc", Foreign(MemoryCallRole.Allocate, AllocatorFamily.NativeMemoryAligned)),
        new(Owner.NativeMemory, "AlignedRealloc", Foreign(MemoryCallRole.Reallocate, AllocatorFamily.NativeMemoryAligned)),
        new(Owner.NativeMemory, "AlignedFree", Foreign(MemoryCallRole.Release, AllocatorFamily.NativeMemoryAligned)),

        new(Owner.Marshal, "AllocHGlobal", Foreign(MemoryCallRole.Allocate, AllocatorFamily.HGlobal)),
        new(Owner.Marshal, "ReAllocHGlobal", Foreign(MemoryCallRole.Reallocate, AllocatorFamily.HGlobal)),
        new(Owner.Marshal, "FreeHGlobal", Foreign(MemoryCallRole.Release, AllocatorFamily.HGlobal)),
        new(Owner.Marshal, "AllocCoTaskMem", Foreign(MemoryCallRole.Allocate, AllocatorFamily.CoTaskMem)),
        new(Owner.Marshal, "ReAllocCoTaskMem", Foreign(MemoryCallRole.Reallocate, AllocatorFamily.CoTaskMem)),
        new(Owner.Marshal, "FreeCoTaskMem", Foreign(MemoryCallRole.Release, AllocatorFamily.CoTaskMem)),
    };

    /// <summary>The rows by owner, then by method name.</summary>
    private static readonly Dictionary<string, Row>[] s_byOwner = Index();

    /// <summary>Every method name in the table: most calls are ruled out by name before their type is looked at.</summary>
    private static readonly HashSet<string> s_names = new(NamesWhere(_ => true), StringComparer.Ordinal);

    /// <summary>The method names of the rows <paramref name="select"/> picks, for a <see cref="CalledNames"/> pre-filter.</summary>
    public static IEnumerable<string> NamesWhere(Func<MemoryCall, bool> select)
    {
        var names = new List<string>();
        foreach (var row in s_rows)
        {
            if (select(row.Call) && !names.Contains(row.Name))
                names.Add(row.Name);
        }

        return names;
    }

    /// <summary>What <paramref name="method"/> does with memory, or <see cref="MemoryCall.None"/>.</summary>
    [MethodImpl(Hot.Optimized)]
    public static MemoryCall Classify(IMethodSymbol method, KnownSymbols symbols)
    {
        if (!s_names.Contains(method.Name) || method.ContainingType is not { } type || OwnerOf(type, symbols) is not { } owner)
            return MemoryCall.None;
        if (!s_byOwner[(int)owner].TryGetValue(method.Name, out var row))
            return MemoryCall.None;
        // Every listed method is static but FioOwned's Dispose and FioHeap's allocations.
        if (method.IsStatic == (owner is Owner.FioOwned or Owner.FioHeap) || !HasShape(method, row.Shape, symbols))
            return MemoryCall.None;
        return row.Call;
    }

    /// <summary>FIO001: whether <paramref name="method"/> hands out memory sliced from FioMem's blocks.</summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsBlockAllocation(IMethodSymbol method, KnownSymbols symbols) => Classify(method, symbols).IsBlockAllocation;

    /// <summary>FIO006: whether <paramref name="method"/> frees the FioMem memory passed as its argument.</summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsFree(IMethodSymbol method, KnownSymbols symbols) => Classify(method, symbols).IsFioMemFree;

    /// <summary>FIO007: whether <paramref name="method"/> resizes FioMem memory.</summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsResize(IMethodSymbol method, KnownSymbols symbols) => Classify(method, symbols).IsFioMemResize;

    /// <summary>Whether <paramref name="method"/> is <c>FioMemory.Alloc</c> or <c>AllocZeroed</c> (either overload): the
    /// calls FIO001's code fix rewrites to <c>AllocLongLived</c>.</summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsDirectAlloc(IMethodSymbol method, KnownSymbols symbols) =>
        method.IsStatic
        && method.Name is "Alloc" or "AllocZeroed"
        && SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.FioMemory);

    /// <summary>Whether <paramref name="property"/> is <c>FioOwned&lt;T&gt;.Pointer</c>, the address an owner holds.</summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsOwnedPointer(IPropertySymbol property, KnownSymbols symbols) =>
        property.Name == "Pointer" && KnownSymbols.IsOn(property.ContainingType, symbols.FioOwned);

    [MethodImpl(Hot.Optimized)]
    private static Owner? OwnerOf(INamedTypeSymbol type, KnownSymbols symbols)
    {
        var definition = type.OriginalDefinition;
        if (SymbolEqualityComparer.Default.Equals(definition, symbols.FioMemory))
            return Owner.FioMemory;
        if (KnownSymbols.IsOn(type, symbols.FioAlloc))
            return Owner.FioAlloc;
        if (KnownSymbols.IsOn(type, symbols.FioOwned))
            return Owner.FioOwned;
        if (KnownSymbols.IsOn(type, symbols.FioHeap))
            return Owner.FioHeap;
        if (KnownSymbols.IsOn(type, symbols.NativeMemory))
            return Owner.NativeMemory;
        if (KnownSymbols.IsOn(type, symbols.Marshal))
            return Owner.Marshal;
        return symbols.IsFioAllocatedStruct(type) ? Owner.Shorthand : null;
    }

    [MethodImpl(Hot.Optimized)]
    private static bool HasShape(IMethodSymbol method, Shape shape, KnownSymbols symbols)
    {
        var self = method.ContainingType;
        return shape switch
        {
            Shape.Any => true,
            Shape.PointerFactory => (method.Parameters.Length == 0 || method.Parameters.Length == 1 && IsHeap(method.Parameters[0], symbols))
                && method.ReturnType is IPointerTypeSymbol pointer
                && SymbolEqualityComparer.Default.Equals(pointer.PointedAtType, self),
            Shape.SpanFactory => (method.Parameters.Length == 1 || method.Parameters.Length == 2 && IsHeap(method.Parameters[0], symbols))
                && method.ReturnType is INamedTypeSymbol { Name: "Span", Arity: 1 } span
                && SymbolEqualityComparer.Default.Equals(span.TypeArguments[0], self),
            Shape.OwnerFactory => method.Parameters.Length == 0
                && method.ReturnType is INamedTypeSymbol owner
                && KnownSymbols.IsOn(owner, symbols.FioOwned),
            Shape.SingleArgumentVoid => method.Parameters.Length == 1 && method.ReturnsVoid,
            _ => false,
        };
    }

    private static bool IsHeap(IParameterSymbol parameter, KnownSymbols symbols) =>
        parameter.Type is INamedTypeSymbol type && KnownSymbols.IsOn(type, symbols.FioHeap);

    /// <summary>
    /// The heap a FioMem allocation comes from: the receiver of <c>FioHeap.Alloc</c> or <c>AlignedAlloc</c>, or the
    /// <c>FioHeap</c> argument of <c>New(heap)</c> and <c>NewArray(heap, count)</c> (on <c>FioAlloc&lt;T&gt;</c> or a
    /// generated shorthand); null for an allocation that is no heap's.
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    public static IOperation? HeapOf(Microsoft.CodeAnalysis.Operations.IInvocationOperation allocation, KnownSymbols symbols)
    {
        if (symbols.FioHeap is null || !Classify(allocation.TargetMethod, symbols).IsBlockAllocation)
            return null;
        if (allocation.Instance is { } receiver && KnownSymbols.IsOn(allocation.TargetMethod, symbols.FioHeap))
            return receiver;
        foreach (var argument in allocation.Arguments)
        {
            if (argument.Parameter is { } parameter && IsHeap(parameter, symbols))
                return argument.Value;
        }

        return null;
    }

    /// <summary>FIO006: whether <paramref name="method"/> is <c>FioHeap.Dispose</c> or <c>FioHeap.Reset</c>, which release every allocation of the heap.</summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsHeapRelease(IMethodSymbol method, KnownSymbols symbols) =>
        method is { IsStatic: false, Name: "Dispose" or "Reset", Parameters.Length: 0 } && KnownSymbols.IsOn(method, symbols.FioHeap);

    private static Dictionary<string, Row>[] Index()
    {
        var owners = Enum.GetValues(typeof(Owner));
        var index = new Dictionary<string, Row>[owners.Length];
        for (int i = 0; i < index.Length; i++)
            index[i] = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var row in s_rows)
            index[(int)row.Owner].Add(row.Name, row);
        return index;
    }
}
