// FIO006's data flow: the variables freed on every path into a basic block of a control flow graph.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using FioMem.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.UseAfterFree;

/// <summary>
/// A forward must-analysis over one <see cref="ControlFlowGraph"/>: a local or parameter is "freed" at a point when
/// every path from the entry to that point passes a FioMem free of it with no reassignment after. Merging paths
/// intersects their sets, so a variable freed on one branch only, or reassigned, is never reported. A heap's
/// <c>Dispose</c> or <c>Reset</c> frees every variable that holds its memory (<see cref="HeapMemory"/>).
/// </summary>
internal static class FreedVariables
{
    /// <summary>What a reference to a freed variable does with it.</summary>
    public enum Use
    {
        /// <summary>Not a use FIO006 reports (a comparison, a copy, the target of an assignment).</summary>
        None,
        Dereferenced,
        Indexed,
        PassedOn,
        FreedAgain,
    }

    /// <summary>Computes, for each reachable block, the set freed on entry; unreachable blocks are absent.</summary>
    public static Dictionary<BasicBlock, ImmutableHashSet<ISymbol>> Compute(ControlFlowGraph graph, KnownSymbols symbols, HeapMemory heaps)
    {
        var empty = ImmutableHashSet.Create<ISymbol>(SymbolEqualityComparer.Default);
        var entry = new Dictionary<BasicBlock, ImmutableHashSet<ISymbol>>();
        var exit = new Dictionary<BasicBlock, ImmutableHashSet<ISymbol>>();

        // Round-robin in block order until nothing changes. Sets only shrink (an unvisited predecessor counts as
        // "everything freed", the must-analysis top), so this terminates.
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var block in graph.Blocks)
            {
                if (!block.IsReachable)
                    continue;

                ImmutableHashSet<ISymbol>? incoming = null;
                if (block.Kind != BasicBlockKind.Entry)
                {
                    foreach (var predecessor in block.Predecessors)
                    {
                        if (!exit.TryGetValue(predecessor.Source, out var predecessorExit))
                            continue;
                        incoming = incoming is null ? predecessorExit : incoming.Intersect(predecessorExit);
                    }
                }

                // Entry, and blocks entered implicitly (catch and finally handlers), start knowing nothing freed.
                incoming ??= block.Predecessors.IsEmpty || block.Kind == BasicBlockKind.Entry ? empty : null;
                if (incoming is null)
                    continue;

                if (entry.TryGetValue(block, out var previous) && previous.SetEquals(incoming))
                    continue;

                entry[block] = incoming;
                var outgoing = incoming;
                foreach (var operation in block.Operations)
                    outgoing = Transfer(operation, outgoing, symbols, heaps);
                if (block.BranchValue is { } branchValue)
                    outgoing = Transfer(branchValue, outgoing, symbols, heaps);
                exit[block] = outgoing;
                changed = true;
            }
        }

        return entry;
    }

    /// <summary>The freed set after <paramref name="operation"/>: frees add their variable, writes remove theirs.</summary>
    public static ImmutableHashSet<ISymbol> Transfer(IOperation operation, ImmutableHashSet<ISymbol> freed, KnownSymbols symbols, HeapMemory heaps)
    {
        foreach (var node in operation.DescendantsAndSelf())
        {
            switch (node)
            {
                case IInvocationOperation invocation when FioMemCalls.IsFree(invocation.TargetMethod, symbols):
                    foreach (var argument in invocation.Arguments)
                    {
                        if (argument.Value.StripConversions().ReferencedLocalOrParameter() is { } variable)
                            freed = freed.Add(variable);
                    }
                    break;
                case IInvocationOperation release when !heaps.IsEmpty && HeapMemory.ReleasedHeap(release, symbols) is { } heap:
                    foreach (var memory in heaps.MemoryOf(heap))
                        freed = freed.Add(memory);
                    break;
                case IAssignmentOperation { Target: var target } when node is ISimpleAssignmentOperation or ICoalesceAssignmentOperation:
                    if (target.ReferencedLocalOrParameter() is { } assigned)
                        freed = freed.Remove(assigned);
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var part in deconstruction.Target.DescendantsAndSelf())
                    {
                        if (part.ReferencedLocalOrParameter() is { } deconstructed)
                            freed = freed.Remove(deconstructed);
                    }
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } byReference:
                    // The callee may store a new pointer there.
                    if (byReference.Value.ReferencedLocalOrParameter() is { } written)
                        freed = freed.Remove(written);
                    break;
            }
        }

        return freed;
    }

    /// <summary>How the variable reference <paramref name="reference"/> is used, judged from the code around it.</summary>
    [MethodImpl(Hot.Optimized)]
    public static Use Classify(IOperation reference, KnownSymbols symbols)
    {
        // Walk out through conversions: Free(p) with p a byte* is Free((void*)p).
        IOperation current = reference;
        while (current.Parent is IConversionOperation conversion)
            current = conversion;

        switch (current.Parent)
        {
            case IArgumentOperation argument:
                if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out)
                    return Use.None;
                return argument.Parent is IInvocationOperation invocation && FioMemCalls.IsFree(invocation.TargetMethod, symbols)
                    ? Use.FreedAgain
                    : Use.PassedOn;
            case IPropertyReferenceOperation { Property.IsIndexer: true } indexer when indexer.Instance == current:
                return Use.Indexed;
            case IArrayElementReferenceOperation element when element.ArrayReference == current:
                return Use.Indexed;
        }

        // *p, p->F and p[i] have no public IOperation shape (they are OperationKind.None nodes), so read the syntax.
        return PointerUseFromSyntax(reference.Syntax);
    }

    [MethodImpl(Hot.Optimized)]
    private static Use PointerUseFromSyntax(SyntaxNode node)
    {
        var child = node;
        var parent = node.Parent;
        while (parent is Microsoft.CodeAnalysis.CSharp.Syntax.ParenthesizedExpressionSyntax
               or Microsoft.CodeAnalysis.CSharp.Syntax.CastExpressionSyntax)
        {
            child = parent;
            parent = parent.Parent;
        }

        return parent switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.PrefixUnaryExpressionSyntax prefix
                when prefix.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.PointerIndirectionExpression) => Use.Dereferenced,
            Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access
                when access.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.PointerMemberAccessExpression)
                     && access.Expression == child => Use.Dereferenced,
            Microsoft.CodeAnalysis.CSharp.Syntax.ElementAccessExpressionSyntax element
                when element.Expression == child => Use.Indexed,
            _ => Use.None,
        };
    }
}
