// FIO003's walk through the runtime's generic methods: a value the method knows only as a type parameter T goes back
// and forth between the call's positions typed T (its arguments, the call's result, the parameters and returns of the
// lambdas and method groups it is given), which are one place.
using System.Collections.Generic;
using FioMem.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.Migration;

internal sealed partial class OwnershipWalker
{
    /// <summary>
    /// The type parameters of a call of a runtime generic method (<c>Parallel.For&lt;TLocal&gt;</c>,
    /// <c>ThreadPool.QueueUserWorkItem&lt;TState&gt;</c>, <c>string.Create&lt;TState&gt;</c>...) bound to a type that can carry
    /// an address, whose every position in the call the walk follows: each with the places of the call's delegate bodies
    /// typed by it (their first is the call's place for that type parameter). Code that knows a value only as T cannot
    /// release it or turn it into anything else: it can only hand it back through positions typed T. A type parameter
    /// that also appears in any other way (<c>T[]</c>, <c>Task&lt;T&gt;</c>, <c>IEnumerable&lt;T&gt;</c>, <c>ref T</c>, a
    /// delegate that is not a lambda, local function or method of the compilation...) is not followed: the value may
    /// leave there, and the call is treated as any other method of another assembly.
    /// </summary>
    private List<(ITypeParameterSymbol TypeParameter, List<PointerLocation> Places)>? FollowedTypeParameters(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (!method.IsGenericMethod || !IsFramework(method) || !IsParametric(method.ContainingType))
            return null;

        if (_followedByCall.TryGetValue(invocation, out var known))
            return known;

        var definition = method.OriginalDefinition;
        List<(ITypeParameterSymbol, List<PointerLocation>)>? followed = null;
        for (int i = 0; i < definition.TypeParameters.Length && i < method.TypeArguments.Length; i++)
        {
            if (!CanCarryAddress(method.TypeArguments[i]))
                continue;
            var typeParameter = definition.TypeParameters[i];
            if (FollowedPositions(invocation, definition, typeParameter) is { } places)
                (followed ??= new()).Add((typeParameter, places));
        }

        _followedByCall[invocation] = followed;
        return followed;
    }

    // FollowedTypeParameters of the framework generic calls of the member being walked, asked again for each argument,
    // the result and each delegate's return of a call: computed once per call. Emptied for each member.
    private readonly Dictionary<IInvocationOperation, List<(ITypeParameterSymbol TypeParameter, List<PointerLocation> Places)>?> _followedByCall = new();

    // The places of a type parameter's positions in the call's delegate bodies, or null when a position is one the walk
    // does not follow.
    private List<PointerLocation>? FollowedPositions(IInvocationOperation invocation, IMethodSymbol definition, ITypeParameterSymbol typeParameter)
    {
        if (Mentions(definition.ReturnType, typeParameter)
            && (definition.ReturnsByRef || definition.ReturnsByRefReadonly || !IsExactly(definition.ReturnType, typeParameter)))
        {
            return null;
        }

        var places = new List<PointerLocation>();
        foreach (var parameter in definition.Parameters)
        {
            if (!Mentions(parameter.Type, typeParameter))
                continue;
            if (IsExactly(parameter.Type, typeParameter))
            {
                if (parameter.RefKind != RefKind.None)
                    return null; // ref T: a variable the method may write anything typed T into, kept as today
                continue;
            }

            if (parameter.Type is not INamedTypeSymbol { TypeKind: TypeKind.Delegate, DelegateInvokeMethod: { } invoke })
                return null;
            var value = ArgumentValue(invocation, parameter.Ordinal);
            if (value is null || PointerFlow.IsNullConstant(value.StripConversions()))
                continue; // no delegate: no position
            if (DelegateBody(value) is not { } body || body.Parameters.Length != invoke.Parameters.Length)
                return null;

            if (Mentions(invoke.ReturnType, typeParameter))
            {
                if (invoke.ReturnsByRef || invoke.ReturnsByRefReadonly || !IsExactly(invoke.ReturnType, typeParameter))
                    return null;
                places.Add(ReturnLocation(body));
            }

            for (int i = 0; i < invoke.Parameters.Length; i++)
            {
                var delegateParameter = invoke.Parameters[i];
                if (!Mentions(delegateParameter.Type, typeParameter))
                    continue;
                if (delegateParameter.RefKind != RefKind.None || !IsExactly(delegateParameter.Type, typeParameter))
                    return null;
                places.Add(ParameterLocation(body, i));
            }
        }

        return places;
    }

    // Unsafe, MemoryMarshal, Marshal, reflection and the atomics read and write memory as T, or make a T out of other
    // types: no type parameter of theirs says where a value goes (Interlocked.Exchange is followed on its own).
    private static bool IsParametric(INamedTypeSymbol? type)
    {
        if (type is null || type is { Name: "Interlocked" or "Volatile", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } })
            return false;
        string space = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        return !(space.StartsWith("System.Runtime.CompilerServices", System.StringComparison.Ordinal)
            || space.StartsWith("System.Runtime.InteropServices", System.StringComparison.Ordinal)
            || space.StartsWith("System.Reflection", System.StringComparison.Ordinal)
            || space.StartsWith("System.Linq.Expressions", System.StringComparison.Ordinal));
    }

    // The lambda, local function or method of the compilation a delegate argument is made of.
    private IMethodSymbol? DelegateBody(IOperation value) => value.StripConversions() switch
    {
        IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda } => lambda.Symbol,
        IDelegateCreationOperation { Target: IMethodReferenceOperation { Method: { } method } reference }
            when IsInCompilation(method) && !(method.IsExtensionMethod && reference.Instance is not null) => method,
        _ => null,
    };

    private static IOperation? ArgumentValue(IInvocationOperation invocation, int ordinal)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
                return argument.Value;
        }

        return null;
    }

    private static bool IsExactly(ITypeSymbol type, ITypeParameterSymbol typeParameter) => SymbolEqualityComparer.Default.Equals(type, typeParameter);

    private static bool Mentions(ITypeSymbol type, ITypeParameterSymbol typeParameter)
    {
        switch (type)
        {
            case ITypeParameterSymbol:
                return IsExactly(type, typeParameter);
            case IArrayTypeSymbol array:
                return Mentions(array.ElementType, typeParameter);
            case IPointerTypeSymbol pointer:
                return Mentions(pointer.PointedAtType, typeParameter);
            case IFunctionPointerTypeSymbol functionPointer:
                if (Mentions(functionPointer.Signature.ReturnType, typeParameter))
                    return true;
                foreach (var parameter in functionPointer.Signature.Parameters)
                {
                    if (Mentions(parameter.Type, typeParameter))
                        return true;
                }

                return false;
            case INamedTypeSymbol named:
                for (var current = named; current is not null; current = current.ContainingType)
                {
                    foreach (var argument in current.TypeArguments)
                    {
                        if (Mentions(argument, typeParameter))
                            return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    // A followed generic call: its positions typed by each followed type parameter are one place.
    private void OnGenericCall(IInvocationOperation invocation)
    {
        if (FollowedTypeParameters(invocation) is not { } followed)
            return;
        foreach (var (_, places) in followed)
        {
            for (int i = 1; i < places.Count; i++)
                _graph.Union(places[0], places[i]);
        }
    }

    // An argument typed by a followed type parameter: it goes to the call's place for that type parameter (with no
    // delegate body, to the call's result only; see CollectGenericResult).
    private bool OnGenericArgument(IArgumentOperation argument, IParameterSymbol parameter, IOperation value)
    {
        if (argument.Parent is not IInvocationOperation invocation || parameter.RefKind != RefKind.None
            || parameter.OriginalDefinition.Type is not ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } typeParameter
            || FollowedPlaces(invocation, typeParameter) is not { } places)
        {
            return false;
        }

        if (places.Count > 0)
            Store(places[0], parameter.Type, value);
        return true;
    }

    // The result of a followed generic call typed by a followed type parameter: the call's place for it, or (with no
    // delegate body) the arguments typed by it; other arguments that can carry an address may still be where it comes from.
    private bool CollectGenericResult(IInvocationOperation invocation, Sources sources)
    {
        var definition = invocation.TargetMethod.OriginalDefinition;
        if (definition.ReturnType is not ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } typeParameter
            || definition.ReturnsByRef || definition.ReturnsByRefReadonly
            || FollowedPlaces(invocation, typeParameter) is not { } places)
        {
            return false;
        }

        if (places.Count > 0)
            sources.Nodes.Add(places[0]);
        if (invocation.Instance is { } receiver && CanCarryAddress(receiver.Type))
            CollectOrigins(receiver, sources);
        foreach (var argument in invocation.Arguments)
        {
            bool typed = argument.Parameter is { RefKind: RefKind.None } parameter && IsExactly(parameter.OriginalDefinition.Type, typeParameter);
            if (typed && places.Count == 0)
                Collect(argument.Value, sources);
            else if (!typed && CanCarryAddress(argument.Value.Type))
                CollectOrigins(argument.Value, sources);
        }

        return true;
    }

    // Whether what a lambda or method group returns goes back to a followed generic call (as its type parameter).
    private bool ReturnsToGenericCall(IOperation target)
    {
        if (target.Parent is not IDelegateCreationOperation creation)
            return false;
        IOperation current = creation;
        while (current.Parent is IConversionOperation or IParenthesizedOperation)
            current = current.Parent;
        return current.Parent is IArgumentOperation { Parent: IInvocationOperation invocation, Parameter: { } parameter }
            && parameter.OriginalDefinition.Type is INamedTypeSymbol { TypeKind: TypeKind.Delegate, DelegateInvokeMethod: { } invoke }
            && !invoke.ReturnsByRef && !invoke.ReturnsByRefReadonly
            && invoke.ReturnType is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } typeParameter
            && FollowedPlaces(invocation, typeParameter) is not null;
    }

    private List<PointerLocation>? FollowedPlaces(IInvocationOperation invocation, ITypeParameterSymbol typeParameter)
    {
        if (FollowedTypeParameters(invocation) is not { } followed)
            return null;
        foreach (var (candidate, places) in followed)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate, typeParameter))
                return places;
        }

        return null;
    }
}
