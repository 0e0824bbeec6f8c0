// FIO003: NativeMemory calls FioMem can serve, reported per pointer group so a fix keeps allocation and release paired.
using System.Collections.Generic;
using System.Collections.Immutable;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.Migration;

/// <summary>
/// Finds <c>NativeMemory</c> allocations, reallocations and frees that can move to <c>FioMemory</c>.
/// </summary>
/// <remarks>
/// The unit of analysis is a top-level type (with its nested types): pointers are followed through locals and private
/// fields, which nothing outside the type can touch, so an allocation in a constructor and its free in
/// <c>Dispose</c> are one group. Every call of a group is reported, each diagnostic carrying the whole group, and a
/// group is only reported when all of it can move: a fix never leaves a mismatched pair. Groups are not reported when
/// the memory escapes (returned, stored in a non-private field, property, array or through a pointer, address taken,
/// passed as a fresh allocation to another method), when a variable of the group gets a value from elsewhere, or when a
/// call of the group cannot move (AlignedAlloc with a large or non-constant alignment, AlignedRealloc). A free or
/// reallocation of a pointer of unknown origin (a parameter, a non-private field, a variable given an untraced value)
/// or a NativeMemory method group (<c>&amp;NativeMemory.Free</c>, a delegate) might release any allocation of the type,
/// so such a type is left alone entirely.
/// Passing a variable to another method is taken as lending the memory, not handing it over.
/// Known gap: the members of nested types are not analysed (the symbol-scoped actions of a top-level type do not run
/// for them), so a nested type's NativeMemory calls are not reported; and since they could touch the outer type's
/// fields unseen, a type with a nested type that names a NativeMemory method or a tracked pointer field is not reported
/// at all.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NativeMemoryMigrationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.NativeMemoryMigration);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        // Generated code is not analysed; see MemberOperations.RegisterMemberAnalysis for why ReportDiagnostics.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = KnownSymbols.TryCreate(start.Compilation);
            if (symbols?.NativeMemory is not { } nativeMemory)
                return;

            start.RegisterSymbolStartAction(typeStart =>
            {
                // Only top-level types start an analysis; see the known gap in the remarks about nested types.
                if (typeStart.Symbol is not INamedTypeSymbol { ContainingType: null } type)
                    return;

                // A type whose code names no NativeMemory method has no call to migrate: skip it before any of its
                // members gets an operation tree. Every partial declaration is scanned.
                if (!Mentions(type, CalledNames.NativeMemoryMethods, typeStart.CancellationToken))
                    return;

                // In a type that does, a member can only add a call to a group, link or taint one when it names a
                // NativeMemory method or one of the private pointer fields a group can pass through (a getter returning
                // the field taints it; its own initializer links it): the other members get no operation tree. Their
                // locals cannot reach a call or a tracked field without naming one.
                var fields = TrackablePointerFieldNames(type);
                var names = CalledNames.NativeMemoryMethods.With(fields);

                // Nested types are not analysed (the known gap above). One that names NativeMemory could release a tracked
                // field's memory out of sight, so a fix could leave a mismatched pair: leave such a type as it is.
                if (NestedTypesMention(type, names, typeStart.CancellationToken))
                    return;
                var groups = new PointerGroups();
                typeStart.RegisterCodeBlockAction(block =>
                {
                    var roots = block.OwningSymbol is IFieldSymbol field && fields.Contains(field.Name)
                        ? MemberOperations.Roots(block)
                        : MemberOperations.RootsIfMentioned(block, names);
                    var containingType = block.OwningSymbol.ContainingType;
                    foreach (var operation in MemberOperations.DescendantsAndSelf(roots))
                    {
                        switch (operation.Kind)
                        {
                            case OperationKind.Invocation:
                                OnInvocation((IInvocationOperation)operation, nativeMemory, containingType, groups);
                                break;
                            case OperationKind.MethodReference:
                                OnMethodReference((IMethodReferenceOperation)operation, nativeMemory, groups);
                                break;
                            case OperationKind.LocalReference or OperationKind.FieldReference:
                                OnVariableReference(operation, nativeMemory, type, groups);
                                break;
                            case OperationKind.VariableDeclarator:
                                OnDeclarator((IVariableDeclaratorOperation)operation, nativeMemory, type, groups);
                                break;
                            case OperationKind.FieldInitializer:
                                OnFieldInitializer((IFieldInitializerOperation)operation, nativeMemory, type, groups);
                                break;
                        }
                    }
                });
                typeStart.RegisterSymbolEndAction(c => Report(c, groups));
            }, SymbolKind.NamedType);
        });
    }

    /// <summary>Whether the declaration of a type nested in <paramref name="type"/> names one of <paramref name="names"/>.</summary>
    private static bool NestedTypesMention(INamedTypeSymbol type, CalledNames names, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var nested in type.GetTypeMembers())
        {
            if (Mentions(nested, names, cancellationToken))
                return true;
        }

        return false;
    }

    /// <summary>Whether a declaration of <paramref name="type"/> (its nested types' text included) names one of <paramref name="names"/>.</summary>
    private static bool Mentions(INamedTypeSymbol type, CalledNames names, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (names.OccurIn(reference.GetSyntax(cancellationToken)))
                return true;
        }

        return false;
    }

    /// <summary>The names of the fields <see cref="IsTrackableField"/> accepts that can hold an address, in
    /// <paramref name="type"/> and the types nested in it.</summary>
    private static HashSet<string> TrackablePointerFieldNames(INamedTypeSymbol type)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        var types = new Stack<INamedTypeSymbol>();
        types.Push(type);
        while (types.Count > 0)
        {
            foreach (var member in types.Pop().GetMembers())
            {
                if (member is IFieldSymbol field && PointerFlow.IsAddressType(field.Type) && IsTrackableField(field, type))
                    names.Add(field.Name);
                else if (member is INamedTypeSymbol nested)
                    types.Push(nested);
            }
        }

        return names;
    }

    private static void OnInvocation(IInvocationOperation invocation, INamedTypeSymbol nativeMemory, INamedTypeSymbol? containingType, PointerGroups groups)
    {
        if (!KnownSymbols.IsOn(invocation.TargetMethod, nativeMemory))
            return;

        var call = NativeMemoryCall.Classify(invocation);
        if (call.Role == NativeMemoryCallRole.None)
            return;

        var candidate = new MigrationCandidate(invocation.Syntax, invocation.TargetMethod.Name, call);
        groups.AddCall(candidate);

        if (call.Role is NativeMemoryCallRole.Reallocate or NativeMemoryCallRole.Release)
            LinkPointerArgument(invocation, candidate, nativeMemory, containingType, groups);

        if (call.Role is NativeMemoryCallRole.Allocate or NativeMemoryCallRole.Reallocate)
            FollowResult(invocation, candidate, nativeMemory, containingType, groups);
    }

    // Where the pointer a Realloc/Free takes comes from.
    private static void LinkPointerArgument(IInvocationOperation invocation, MigrationCandidate candidate, INamedTypeSymbol nativeMemory, INamedTypeSymbol? containingType, PointerGroups groups)
    {
        if (NativeMemoryCall.PointerArgument(invocation) is not { } argument)
        {
            groups.Taint(candidate.Location);
            return;
        }

        var source = PointerFlow.StripConversions(argument.Value);
        if (source is IInvocationOperation inner && KnownSymbols.IsOn(inner.TargetMethod, nativeMemory))
        {
            // NativeMemory.Free(NativeMemory.Alloc(n)): the inner call's own result analysis links the pair.
            return;
        }

        if (PointerFlow.IsNullConstant(source))
            return;

        if (PointerFlow.ReferencedVariable(source) is { } variable && IsTrackable(variable, containingType))
        {
            groups.Union(candidate.Location, variable);
            return;
        }

        // A pointer from a parameter, a non-private field, a call or arithmetic: it may be any allocation of the type.
        groups.TaintEverything();
    }

    // Where the pointer an Alloc/Realloc returns goes.
    private static void FollowResult(IInvocationOperation invocation, MigrationCandidate candidate, INamedTypeSymbol nativeMemory, INamedTypeSymbol? containingType, PointerGroups groups)
    {
        var wrapper = PointerFlow.OutermostValueWrapper(invocation);
        switch (wrapper.Parent)
        {
            case IExpressionStatementOperation:
                return; // Discarded: a leak, but no pairing to keep.

            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                groups.Union(candidate.Location, declarator.Symbol);
                return;

            case IFieldInitializerOperation fieldInitializer:
                foreach (var field in fieldInitializer.InitializedFields)
                {
                    if (IsTrackableField(field, containingType))
                        groups.Union(candidate.Location, field);
                    else
                        groups.Taint(candidate.Location);
                }

                return;

            case ISimpleAssignmentOperation assignment when assignment.Value == wrapper:
                if (PointerFlow.ReferencedVariable(assignment.Target) is { } target && IsTrackable(target, containingType))
                    groups.Union(candidate.Location, target);
                else
                    groups.Taint(candidate.Location);
                return;

            case IArgumentOperation { Parent: IInvocationOperation consumer } argument
                when KnownSymbols.IsOn(consumer.TargetMethod, nativeMemory) && argument.Parameter?.Ordinal == 0
                    && NativeMemoryCall.Classify(consumer).Role is NativeMemoryCallRole.Reallocate or NativeMemoryCallRole.Release:
                groups.Union(candidate.Location, consumer.Syntax.GetLocation());
                return;

            default:
                // Returned, passed on fresh, stored elsewhere, used in an expression: ownership leaves the analysis.
                groups.Taint(candidate.Location);
                return;
        }
    }

    private static void OnMethodReference(IMethodReferenceOperation reference, INamedTypeSymbol nativeMemory, PointerGroups groups)
    {
        if (!KnownSymbols.IsOn(reference.Method, nativeMemory))
            return;

        if (reference.Method.Name is "Alloc" or "AllocZeroed" or "AlignedAlloc" or "Realloc" or "AlignedRealloc" or "Free" or "AlignedFree")
            groups.TaintEverything();
    }

    // Every write to and escaping read of a variable that may hold a NativeMemory pointer.
    private static void OnVariableReference(IOperation reference, INamedTypeSymbol nativeMemory, INamedTypeSymbol type, PointerGroups groups)
    {
        if (PointerFlow.ReferencedVariable(reference) is not { } variable
            || !PointerFlow.IsAddressType(VariableType(variable))
            || !IsTrackable(variable, type))
        {
            return;
        }

        var wrapper = PointerFlow.OutermostValueWrapper(reference);
        switch (wrapper.Parent)
        {
            case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                LinkAssignedValue(variable, assignment.Value, nativeMemory, type, groups);
                return;

            case ISimpleAssignmentOperation assignment when assignment.Value == wrapper:
                if (PointerFlow.ReferencedVariable(assignment.Target) is { } target && IsTrackable(target, type))
                    groups.Union(variable, target);
                else
                    groups.Taint(variable);
                return;

            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation }:
                return; // The declarator action links it.

            case IReturnOperation or ITupleOperation:
                groups.Taint(variable);
                return;

            // Written in a way the analysis does not follow: from here on it may hold anything.
            case ICompoundAssignmentOperation or IIncrementOrDecrementOperation or IAddressOfOperation or IDeconstructionAssignmentOperation:
                groups.TaintUnknownSource(variable);
                return;

            case IArgumentOperation argument when argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out:
                groups.TaintUnknownSource(variable);
                return;

            default:
                // Read for a call (lent), a Free/Realloc (linked by the call), a dereference or arithmetic.
                return;
        }
    }

    private static void OnDeclarator(IVariableDeclaratorOperation declarator, INamedTypeSymbol nativeMemory, INamedTypeSymbol type, PointerGroups groups)
    {
        var initializer = declarator.GetVariableInitializer();
        if (initializer is null || !PointerFlow.IsAddressType(declarator.Symbol.Type))
            return;

        LinkAssignedValue(declarator.Symbol, initializer.Value, nativeMemory, type, groups);
    }

    private static void OnFieldInitializer(IFieldInitializerOperation initializer, INamedTypeSymbol nativeMemory, INamedTypeSymbol type, PointerGroups groups)
    {
        foreach (var field in initializer.InitializedFields)
        {
            if (PointerFlow.IsAddressType(field.Type) && IsTrackableField(field, type))
                LinkAssignedValue(field, initializer.Value, nativeMemory, type, groups);
        }
    }

    // A variable gets a value: from a NativeMemory call (linked by the call), another variable, null, or elsewhere.
    private static void LinkAssignedValue(ISymbol variable, IOperation value, INamedTypeSymbol nativeMemory, INamedTypeSymbol type, PointerGroups groups)
    {
        var source = PointerFlow.StripConversions(value);
        if (source is IConditionalOperation { Type: not null, WhenFalse: { } whenFalse } conditional)
        {
            LinkAssignedValue(variable, conditional.WhenTrue, nativeMemory, type, groups);
            LinkAssignedValue(variable, whenFalse, nativeMemory, type, groups);
            return;
        }

        if (source is IInvocationOperation invocation && KnownSymbols.IsOn(invocation.TargetMethod, nativeMemory)
            && NativeMemoryCall.Classify(invocation).Role is NativeMemoryCallRole.Allocate or NativeMemoryCallRole.Reallocate)
        {
            return;
        }

        if (PointerFlow.IsNullConstant(source))
            return;

        // p = q = NativeMemory.Alloc(n): p holds what q holds.
        if (source is ISimpleAssignmentOperation chained)
            source = PointerFlow.StripConversions(chained.Target);

        if (PointerFlow.ReferencedVariable(source) is { } other && IsTrackable(other, type))
        {
            groups.Union(variable, other);
            return;
        }

        groups.TaintUnknownSource(variable);
    }

    private static void Report(SymbolAnalysisContext context, PointerGroups groups)
    {
        foreach (var group in groups.MigratableGroups())
        {
            var additional = new Location[group.Count];
            for (int i = 0; i < group.Count; i++)
                additional[i] = group[i].Location;

            var properties = MigrationProperties.Create(group);
            foreach (var call in group)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.NativeMemoryMigration,
                    call.Location,
                    additional,
                    properties,
                    call.NativeMethod,
                    call.FioMethod));
            }
        }
    }

    private static bool IsTrackable(ISymbol variable, INamedTypeSymbol? type) => variable switch
    {
        ILocalSymbol => true,
        IFieldSymbol field => IsTrackableField(field, type),
        _ => false,
    };

    // A private field of the analysed type (or of a type nested in it): no code outside the analysis can touch it.
    private static bool IsTrackableField(IFieldSymbol field, INamedTypeSymbol? type)
    {
        if (field.DeclaredAccessibility != Accessibility.Private || type is null)
            return false;

        var top = TopLevel(type);
        return SymbolEqualityComparer.Default.Equals(TopLevel(field.ContainingType), top);
    }

    private static INamedTypeSymbol TopLevel(INamedTypeSymbol type)
    {
        while (type.ContainingType is { } outer)
            type = outer;
        return type;
    }

    private static ITypeSymbol? VariableType(ISymbol variable) => variable switch
    {
        ILocalSymbol local => local.Type,
        IFieldSymbol field => field.Type,
        _ => null,
    };
}
