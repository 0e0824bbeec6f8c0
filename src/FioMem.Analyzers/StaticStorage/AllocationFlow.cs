// FIO001's data flow: which values in one member derive from a FioMem block allocation.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using FioMem.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.StaticStorage;

/// <summary>
/// Tracks, within the operation blocks of one member (lambdas and local functions included), which locals hold a
/// value derived from a block allocation, and which allocation that was. A value derives from an allocation through
/// conversions and casts, pointer arithmetic and <c>&amp;p[i]</c>, conditional and null-coalescing expressions, tuples, <c>new IntPtr(p)</c>
/// and address-typed members of a derived value (<c>owned.Pointer</c>). Locals are propagated to a fixed point, so
/// any number of hops and any statement order (a lambda body written before the assignment it reads) are covered.
/// </summary>
/// <remarks>Flow-insensitive on purpose: a local that ever holds an allocation counts everywhere in the member,
/// which is what "can this allocation reach static storage" asks.</remarks>
internal sealed class AllocationFlow
{
    private readonly KnownSymbols _symbols;

    /// <summary>Each tainted local and the allocation it (first) derives from.</summary>
    private readonly Dictionary<ILocalSymbol, IInvocationOperation> _locals = new(SymbolEqualityComparer.Default);

    private AllocationFlow(KnownSymbols symbols) => _symbols = symbols;

    /// <summary>Propagates allocations through the local assignments among <paramref name="operations"/>.</summary>
    [MethodImpl(Hot.Optimized)]
    public static AllocationFlow Build(KnownSymbols symbols, IReadOnlyList<IOperation> operations)
    {
        var flow = new AllocationFlow(symbols);
        var localStores = new List<(ILocalSymbol Local, IOperation Value)>();
        foreach (var operation in operations)
            CollectLocalStores(operation, localStores);

        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (local, value) in localStores)
            {
                if (flow._locals.ContainsKey(local))
                    continue;
                if (flow.OriginOf(value) is { } origin)
                {
                    flow._locals.Add(local, origin);
                    changed = true;
                }
            }
        }

        return flow;
    }

    /// <summary>The allocation <paramref name="value"/> derives from, or null when it derives from none.</summary>
    [MethodImpl(Hot.Optimized)]
    public IInvocationOperation? OriginOf(IOperation? value)
    {
        // Depth guards against pathological nesting in generated or broken code; real expressions are shallow.
        return OriginOf(value, depth: 0);
    }

    [MethodImpl(Hot.Optimized)]
    private IInvocationOperation? OriginOf(IOperation? value, int depth)
    {
        if (value is null || depth > 64)
            return null;
        depth++;

        switch (value)
        {
            case IInvocationOperation invocation:
                return FioMemCalls.IsBlockAllocation(invocation.TargetMethod, _symbols) ? invocation : null;
            case IConversionOperation conversion:
                return OriginOf(conversion.Operand, depth);
            case ILocalReferenceOperation local:
                return _locals.TryGetValue(local.Local, out var origin) ? origin : null;
            case IConditionalOperation conditional:
                return OriginOf(conditional.WhenTrue, depth) ?? OriginOf(conditional.WhenFalse, depth);
            case ICoalesceOperation coalesce:
                return OriginOf(coalesce.Value, depth) ?? OriginOf(coalesce.WhenNull, depth);
            case IBinaryOperation binary when IsAddressArithmetic(binary):
                return OriginOf(binary.LeftOperand, depth)
                    ?? (binary.OperatorKind == BinaryOperatorKind.Subtract ? null : OriginOf(binary.RightOperand, depth));
            case ITupleOperation tuple:
                foreach (var element in tuple.Elements)
                {
                    if (OriginOf(element, depth) is { } elementOrigin)
                        return elementOrigin;
                }
                return null;
            case IObjectCreationOperation creation when creation.Type.IsAddressOrWideInteger():
                foreach (var argument in creation.Arguments)
                {
                    if (OriginOf(argument.Value, depth) is { } argumentOrigin)
                        return argumentOrigin;
                }
                return null;
            case IPropertyReferenceOperation { Instance: { } instance } property when property.Type.IsAddressOrWideInteger():
                return OriginOf(instance, depth);
            case IFieldReferenceOperation { Instance: { } instance } field when field.Type.IsAddressOrWideInteger():
                return OriginOf(instance, depth);
            case IAddressOfOperation { Reference: { Kind: OperationKind.None } pointerAccess }:
                // &p[i] and &p->F: the reference has no public shape, but its pointer operand is a child.
                foreach (var child in pointerAccess.ChildOperations)
                {
                    if (child.Type?.TypeKind == TypeKind.Pointer && OriginOf(child, depth) is { } childOrigin)
                        return childOrigin;
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary><c>p + n</c>, <c>p - n</c>, <c>(nint)p | tag</c>: an address computed from an address. <c>p - q</c>
    /// between two pointers is a distance, not an address.</summary>
    [MethodImpl(Hot.Optimized)]
    private static bool IsAddressArithmetic(IBinaryOperation binary)
    {
        if (binary.OperatorKind is not (BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Or))
            return false;
        if (binary.OperatorKind == BinaryOperatorKind.Subtract
            && binary.LeftOperand.Type?.TypeKind == TypeKind.Pointer
            && binary.RightOperand.Type?.TypeKind == TypeKind.Pointer)
            return false;
        return binary.Type.IsAddressOrWideInteger();
    }

    [MethodImpl(Hot.Optimized)]
    private static void CollectLocalStores(IOperation operation, List<(ILocalSymbol, IOperation)> stores)
    {
        switch (operation)
        {
            case IVariableDeclaratorOperation declarator when declarator.GetVariableInitializer() is { } initializer:
                stores.Add((declarator.Symbol, initializer.Value));
                break;
            case IAssignmentOperation assignment
                when assignment is ISimpleAssignmentOperation or ICoalesceAssignmentOperation
                    && assignment.Target.StripConversions() is ILocalReferenceOperation target:
                stores.Add((target.Local, assignment.Value));
                break;
            case IDeconstructionAssignmentOperation deconstruction:
                ForEachDeconstructedPair(deconstruction.Target, deconstruction.Value, (target, value) =>
                {
                    if (target is ILocalReferenceOperation local)
                        stores.Add((local.Local, value));
                });
                break;
        }
    }

    /// <summary>Pairs the elements of <c>(a, b) = (x, y)</c>, nested tuples and declarations included.</summary>
    public static void ForEachDeconstructedPair(IOperation target, IOperation value, System.Action<IOperation, IOperation> pair)
    {
        target = target is IDeclarationExpressionOperation declaration ? declaration.Expression : target;
        target = target.StripConversions();
        value = value.StripConversions();

        if (target is ITupleOperation targets && value is ITupleOperation values
            && targets.Elements.Length == values.Elements.Length)
        {
            for (int i = 0; i < targets.Elements.Length; i++)
                ForEachDeconstructedPair(targets.Elements[i], values.Elements[i], pair);
            return;
        }

        if (target is not ITupleOperation)
            pair(target, value);
    }
}
