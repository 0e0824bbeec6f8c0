// FIO001: a FioMem block allocation that reaches static storage, where it pins its whole block for good.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.StaticStorage;

/// <summary>
/// Reports FIO001 where a value derived from a FioMem block allocation (see <see cref="AllocationFlow"/>) is stored
/// into static storage: a static field or static auto-property (by assignment, <c>??=</c>, deconstruction, an
/// initializer, or a <c>ref</c> argument such as <c>Interlocked.Exchange(ref s_p, p)</c>), or a collection held in
/// one (<c>Add</c>/<c>Push</c>/<c>Enqueue</c>/... or an indexer/array-element store).
/// </summary>
/// <remarks>
/// The diagnostic sits on the store, because one allocation may be stored into several statics and the message
/// names the static member. The allocation call is the first additional location, and
/// <see cref="AllocationShapeProperty"/> tells the code fix whether it is a direct <c>FioMemory.Alloc*</c> call it can
/// rewrite to <c>AllocLongLived</c>.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StaticStorageAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property naming the shape of a direct <c>FioMemory.Alloc*</c> call; absent for any other allocation.</summary>
    public const string AllocationShapeProperty = "AllocationShape";

    /// <summary><c>Alloc(byteCount)</c> or <c>AllocZeroed(byteCount)</c>.</summary>
    public const string ByteCountShape = "ByteCount";

    /// <summary><c>Alloc(elementCount, elementSize)</c> or <c>AllocZeroed(elementCount, elementSize)</c>.</summary>
    public const string CountTimesSizeShape = "CountTimesSize";

    /// <summary>Collection methods that keep their argument: the collection is static, so the element is too.</summary>
    /// <remarks>A switch on the name, not a set: this runs for every instance call in the project.</remarks>
    [MethodImpl(Hot.Optimized)]
    private static bool IsStoringMethod(string name) => name switch
    {
        "Add" or "Push" or "Enqueue" or "Insert" or "TryAdd" or "AddLast" or "AddFirst"
            or "AddOrUpdate" or "GetOrAdd" or "TryUpdate" or "Set" => true,
        _ => false,
    };

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.StaticStorage, DiagnosticDescriptors.StaticStorageOfHeapMemory);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        // Generated code is not analysed; see MemberOperations.RegisterMemberAnalysis for why ReportDiagnostics.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        // Only members that call an allocator by name get an operation tree (see MemberOperations).
        MemberOperations.RegisterMemberAnalysis(context, CalledNames.BlockAllocations, AnalyzeMember, onlyWhereFioMemIsNamed: true);
    }

    /// <summary>Whether <paramref name="operation"/> may write into static storage (the cheap pre-check).</summary>
    [MethodImpl(Hot.Optimized)]
    private static bool IsStaticStore(IOperation operation)
    {
        switch (operation)
        {
            case IDeconstructionAssignmentOperation deconstruction:
                foreach (var target in deconstruction.Target.DescendantsAndSelf())
                {
                    if (StaticTargetOf(target) is not null)
                        return true;
                }
                return false;
            case ISimpleAssignmentOperation or ICoalesceAssignmentOperation:
                return StaticTargetOf(((IAssignmentOperation)operation).Target) is not null;
            case IFieldInitializerOperation fieldInitializer:
                return fieldInitializer.InitializedFields.Any(field => field.IsStatic);
            case IPropertyInitializerOperation propertyInitializer:
                return propertyInitializer.InitializedProperties.Any(property => property.IsStatic);
            default:
                return false;
        }
    }

    [MethodImpl(Hot.Optimized)]
    private static void AnalyzeMember(CodeBlockAnalysisContext context, ImmutableArray<IOperation> roots, KnownSymbols symbols)
    {
        // Most members that allocate store nothing static: one cheap pass first, the data flow only for those that do both.
        var all = MemberOperations.DescendantsAndSelf(roots);
        bool allocates = false, storesStatic = false;
        foreach (var operation in all)
        {
            if (operation is IInvocationOperation invocation)
            {
                allocates |= FioMemCalls.IsBlockAllocation(invocation.TargetMethod, symbols);
                storesStatic |= StaticTargetOf(invocation) is not null;
            }
            else
            {
                storesStatic |= IsStaticStore(operation);
            }
        }

        if (!allocates || !storesStatic)
            return;

        var flow = AllocationFlow.Build(symbols, all);
        foreach (var operation in all)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            switch (operation)
            {
                case ISimpleAssignmentOperation or ICoalesceAssignmentOperation:
                    var assignment = (IAssignmentOperation)operation;
                    CheckStore(context, symbols, flow, assignment.Target, assignment.Value, operation);
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    AllocationFlow.ForEachDeconstructedPair(deconstruction.Target, deconstruction.Value,
                        (target, value) => CheckStore(context, symbols, flow, target, value, operation));
                    break;
                case IFieldInitializerOperation fieldInitializer:
                    foreach (var field in fieldInitializer.InitializedFields)
                    {
                        if (field.IsStatic)
                            Report(context, symbols, flow.OriginOf(fieldInitializer.Value), field, operation);
                    }
                    break;
                case IPropertyInitializerOperation propertyInitializer:
                    foreach (var property in propertyInitializer.InitializedProperties)
                    {
                        if (property.IsStatic)
                            Report(context, symbols, flow.OriginOf(propertyInitializer.Value), property, operation);
                    }
                    break;
                case IInvocationOperation invocation:
                    CheckInvocation(context, symbols, flow, invocation);
                    break;
            }
        }
    }

    /// <summary><c>target = value</c>: a static field or auto-property, or an element of a static collection.</summary>
    private static void CheckStore(CodeBlockAnalysisContext context, KnownSymbols symbols, AllocationFlow flow,
        IOperation target, IOperation value, IOperation store)
    {
        if (StaticTargetOf(target) is { } member)
            Report(context, symbols, flow.OriginOf(value), member, store);
    }

    /// <summary>The static member a store into <paramref name="target"/> writes: <c>s_p</c>, or <c>s_table</c> in
    /// <c>s_table[i]</c> (indexer or array element).</summary>
    [MethodImpl(Hot.Optimized)]
    private static ISymbol? StaticTargetOf(IOperation target)
    {
        target = target.StripConversions();
        if (StaticMember(target) is { } member)
            return member;

        var collection = target switch
        {
            IPropertyReferenceOperation { Property.IsIndexer: true } indexer => indexer.Instance,
            IArrayElementReferenceOperation element => element.ArrayReference,
            _ => null,
        };
        return collection is null ? null : StaticMember(collection.StripConversions());
    }

    /// <summary><c>s_list.Add(p)</c>, and <c>Interlocked.Exchange(ref s_p, p)</c>-style calls that write through a
    /// <c>ref</c> to a static.</summary>
    private static void CheckInvocation(CodeBlockAnalysisContext context, KnownSymbols symbols, AllocationFlow flow,
        IInvocationOperation invocation)
    {
        if (StaticTargetOf(invocation) is not { } member)
            return;

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out)
                continue;
            if (flow.OriginOf(argument.Value) is { } origin)
            {
                Report(context, symbols, origin, member, invocation);
                return;
            }
        }
    }

    /// <summary>The static collection a storing method is called on, or the static passed by <c>ref</c>/<c>out</c>.</summary>
    [MethodImpl(Hot.Optimized)]
    private static ISymbol? StaticTargetOf(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (invocation.Instance is { } instance && IsStoringMethod(method.Name)
            && StaticMember(instance.StripConversions()) is { } collection)
            return collection;

        if (!HasRefParameter(method))
            return null;

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out
                && StaticMember(argument.Value.StripConversions()) is { } refTarget)
                return refTarget;
        }

        return null;
    }

    [MethodImpl(Hot.Optimized)]
    private static bool HasRefParameter(IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind is RefKind.Ref or RefKind.Out)
                return true;
        }

        return false;
    }

    /// <summary>The static field or static auto-property <paramref name="reference"/> names, if it names one.</summary>
    [MethodImpl(Hot.Optimized)]
    private static ISymbol? StaticMember(IOperation reference) => reference switch
    {
        IFieldReferenceOperation { Field: { IsStatic: true, IsConst: false } field } => field,
        IPropertyReferenceOperation { Property: { IsStatic: true, IsIndexer: false } property } when IsAutoProperty(property) => property,
        _ => null,
    };

    /// <summary>A property with a compiler-generated backing field (only visible for properties declared in source).</summary>
    private static bool IsAutoProperty(IPropertySymbol property)
    {
        foreach (var member in property.ContainingType.GetMembers())
        {
            if (member is IFieldSymbol { IsImplicitlyDeclared: true } field
                && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
                return true;
        }

        return false;
    }

    private static void Report(CodeBlockAnalysisContext context, KnownSymbols symbols,
        IInvocationOperation? allocation, ISymbol member, IOperation store)
    {
        if (allocation is null)
            return;

        var properties = ImmutableDictionary<string, string?>.Empty;
        if (FioMemCalls.IsDirectAlloc(allocation.TargetMethod, symbols))
        {
            string shape = allocation.TargetMethod.Parameters.Length == 1 ? ByteCountShape : CountTimesSizeShape;
            properties = properties.Add(AllocationShapeProperty, shape);
        }

        bool fromHeap = FioMemCalls.HeapOf(allocation, symbols) is not null;
        context.ReportDiagnostic(Diagnostic.Create(
            fromHeap ? DiagnosticDescriptors.StaticStorageOfHeapMemory : DiagnosticDescriptors.StaticStorage,
            store.Syntax.GetLocation(),
            additionalLocations: new[] { allocation.Syntax.GetLocation() },
            properties: properties,
            $"{member.ContainingType?.Name}.{member.Name}",
            symbols.BlockSize));
    }
}
