// FIO006 for heaps: which locals hold memory of which FioHeap, so that the heap's Dispose or Reset frees them all.
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using FioMem.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.UseAfterFree;

/// <summary>
/// The locals and parameters of one member that hold memory of a heap that is a local or parameter too: every value
/// they are given in the member is an allocation from that same heap (<c>heap.Alloc</c>, <c>FioAlloc&lt;T&gt;.New(heap)</c>,
/// <c>T.NewArray(heap, n)</c>…). A variable that is given anything else, or passed by reference, is left out, so a
/// release of the heap never marks memory of another origin as freed.
/// </summary>
internal sealed class HeapMemory
{
    /// <summary>A member with no heap memory.</summary>
    public static readonly HeapMemory None = new(new Dictionary<ISymbol, ISymbol?>(SymbolEqualityComparer.Default));

    /// <summary>Each variable's heap; null for a variable given something else.</summary>
    private readonly Dictionary<ISymbol, ISymbol?> _heapOf;

    private HeapMemory(Dictionary<ISymbol, ISymbol?> heapOf) => _heapOf = heapOf;

    /// <summary>Whether no variable holds heap memory.</summary>
    public bool IsEmpty
    {
        get
        {
            foreach (var heap in _heapOf.Values)
            {
                if (heap is not null)
                    return false;
            }

            return true;
        }
    }

    /// <summary>Collects the heap memory of a member from its operations.</summary>
    [MethodImpl(Hot.Optimized)]
    public static HeapMemory Collect(IEnumerable<IOperation> operations, KnownSymbols symbols)
    {
        if (symbols.FioHeap is null)
            return None;
        var heapOf = new Dictionary<ISymbol, ISymbol?>(SymbolEqualityComparer.Default);
        foreach (var operation in operations)
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when declarator.GetVariableInitializer() is { } initializer:
                    Given(heapOf, declarator.Symbol, initializer.Value, symbols);
                    break;
                case ISimpleAssignmentOperation or ICoalesceAssignmentOperation:
                    var assignment = (IAssignmentOperation)operation;
                    if (assignment.Target.ReferencedLocalOrParameter() is { } target)
                        Given(heapOf, target, assignment.Value, symbols);
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var part in deconstruction.Target.DescendantsAndSelf())
                    {
                        if (part.ReferencedLocalOrParameter() is { } written)
                            heapOf[written] = null;
                    }
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } byReference:
                    if (byReference.Value.ReferencedLocalOrParameter() is { } passed)
                        heapOf[passed] = null;
                    break;
            }
        }

        return heapOf.Count == 0 ? None : new HeapMemory(heapOf);
    }

    /// <summary>The variables that hold memory of <paramref name="heap"/>.</summary>
    public IEnumerable<ISymbol> MemoryOf(ISymbol heap)
    {
        foreach (var pair in _heapOf)
        {
            if (pair.Value is not null && SymbolEqualityComparer.Default.Equals(pair.Value, heap))
                yield return pair.Key;
        }
    }

    /// <summary>The heap variable released by <paramref name="invocation"/> (<c>heap.Dispose()</c>, <c>heap.Reset()</c>), or null.</summary>
    [MethodImpl(Hot.Optimized)]
    public static ISymbol? ReleasedHeap(IInvocationOperation invocation, KnownSymbols symbols) =>
        FioMemCalls.IsHeapRelease(invocation.TargetMethod, symbols) ? invocation.Instance?.StripConversions().ReferencedLocalOrParameter() : null;

    private static void Given(Dictionary<ISymbol, ISymbol?> heapOf, ISymbol variable, IOperation value, KnownSymbols symbols)
    {
        ISymbol? heap = value.StripConversions() is IInvocationOperation invocation
            ? FioMemCalls.HeapOf(invocation, symbols)?.StripConversions().ReferencedLocalOrParameter()
            : null;
        if (heap is null || heapOf.TryGetValue(variable, out var earlier) && !SymbolEqualityComparer.Default.Equals(earlier, heap))
            heapOf[variable] = null;
        else
            heapOf[variable] = heap;
    }
}
