// Turns one member's operation trees into FIO003's ownership facts: which places a pointer flows between.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using FioMem.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.Migration;

/// <summary>
/// Walks every operation of a member and records, in the <see cref="OwnershipGraph"/>, where pointers go: stores
/// (assignments, initializers, returns, arguments) union their value's places with the destination; reads used in a way
/// the walk does not follow taint the place (an outflow); values from outside (a P/Invoke's result, a parameter of a
/// public member of a library) add nothing, since FioMemory hands memory it did not allocate back to NativeMemory. Fields and properties are one place for all their instances, struct
/// fields included; a method's parameter is one place for all its callers; array elements are one place per array
/// field or local.
/// </summary>
internal sealed partial class OwnershipWalker
{
    private readonly OwnershipGraph _graph;
    private readonly INamedTypeSymbol _nativeMemory;
    private readonly INamedTypeSymbol _fioMemory;
    private readonly IAssemblySymbol _assembly;
    private readonly MigrationScope _scope;

    public OwnershipWalker(OwnershipGraph graph, INamedTypeSymbol nativeMemory, INamedTypeSymbol fioMemory, IAssemblySymbol assembly, MigrationScope scope)
    {
        _graph = graph;
        _nativeMemory = nativeMemory;
        _fioMemory = fioMemory;
        _assembly = assembly;
        _scope = scope;
    }

    /// <summary>Records the facts of one member (a method, accessor, constructor, initializer...).</summary>
    [MethodImpl(Hot.Optimized)]
    public void AnalyzeMember(ISymbol owner, ImmutableArray<IOperation> roots, bool isGeneratedCode)
    {
        if (owner is IMethodSymbol method)
            LinkToOverriddenMembers(method);

        // The member's operations in tree order, in a list this thread reuses: growing a fresh one for every member was a
        // few per cent of the walk.
        var operations = t_operations ?? new List<IOperation>(256);
        t_operations = null;
        MemberOperations.AddDescendantsAndSelf(roots, operations);

        try
        {
            Walk(operations, owner, isGeneratedCode);
        }
        finally
        {
            operations.Clear();
            t_operations = operations;
        }
    }

    [System.ThreadStatic]
#pragma warning disable IDE1006 // [ThreadStatic]: t_, not s_
    private static List<IOperation>? t_operations;
#pragma warning restore IDE1006

    [MethodImpl(Hot.Optimized)]
    private void Walk(List<IOperation> operations, ISymbol owner, bool isGeneratedCode)
    {
        _followedByCall.Clear();
        t_cursors = FindCursors(operations);
        foreach (var operation in operations)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    OnInvocation(invocation, owner, isGeneratedCode);
                    break;
                case IArgumentOperation argument:
                    OnArgument(argument);
                    break;
                case ISimpleAssignmentOperation assignment:
                    OnStore(assignment.Target, assignment.Value, assignment.IsRef);
                    break;
                case IVariableDeclaratorOperation declarator:
                    OnDeclarator(declarator);
                    break;
                case IFieldInitializerOperation fieldInitializer:
                    foreach (var field in fieldInitializer.InitializedFields)
                    {
                        if (IsPointerArray(field.Type))
                            OnArrayStore(field, fieldInitializer.Value);
                        else
                            Store(FieldLocation(field), field.Type, fieldInitializer.Value);
                    }

                    break;
                case IPropertyInitializerOperation propertyInitializer:
                    foreach (var property in propertyInitializer.InitializedProperties)
                        Store(PropertyLocation(property), property.Type, propertyInitializer.Value);
                    break;
                case IReturnOperation { ReturnedValue: { } value } returned:
                    OnReturn(returned, value, owner);
                    break;
                case ICompoundAssignmentOperation compound:
                    OnArithmeticStore(compound.Target, compound.Value);
                    break;
                case IIncrementOrDecrementOperation increment:
                    OnArithmeticStore(increment.Target, null);
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    TaintTargets(deconstruction.Target, LeftAloneReason.UnfollowedStorage);
                    break;
                case IForEachLoopOperation loop:
                    OnForEach(loop);
                    break;
                case IAddressOfOperation addressOf:
                    if (Place(addressOf.Reference.StripConversions()) is { } place && CanCarryAddress(addressOf.Reference.Type))
                        _graph.Taint(place, LeftAloneReason.AddressTaken);
                    break;
                case IMethodReferenceOperation reference:
                    OnMethodGroup(reference, owner, isGeneratedCode);
                    break;
                case ILocalReferenceOperation or IFieldReferenceOperation or IParameterReferenceOperation
                    or IPropertyReferenceOperation or IArrayElementReferenceOperation or IBinaryOperation:
                    OnValue(operation);
                    break;
            }
        }
    }

    /// <summary>The member's locals that are moved by arithmetic (<c>p++</c>, <c>p += n</c>): see <see cref="Store"/>.</summary>
    [System.ThreadStatic]
#pragma warning disable IDE1006 // [ThreadStatic]: t_, not s_
    private static HashSet<ILocalSymbol>? t_cursors;
#pragma warning restore IDE1006

    private static HashSet<ILocalSymbol>? FindCursors(List<IOperation> operations)
    {
        HashSet<ILocalSymbol>? cursors = null;
        foreach (var operation in operations)
        {
            var target = operation switch
            {
                ICompoundAssignmentOperation compound => compound.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                _ => null,
            };
            if (target?.StripConversions() is ILocalReferenceOperation { Local: { } local } && CanCarryAddress(local.Type))
                (cursors ??= new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default)).Add(local);
        }

        return cursors;
    }

    // ---- Calls ------------------------------------------------------------------------------------------------------

    private void OnInvocation(IInvocationOperation invocation, ISymbol owner, bool isGeneratedCode)
    {
        var method = invocation.TargetMethod;
        if (KnownSymbols.IsOn(method, _nativeMemory))
        {
            var call = NativeMemoryCall.Classify(method, _fioMemory);
            if (call.Role != NativeMemoryCallRole.None)
            {
                var candidate = new MigrationCandidate(invocation.Syntax, method.Name, call, invocation.Arguments.Length,
                    (owner.ContainingType?.Name is { } type ? type + "." : string.Empty) + owner.Name,
                    isGeneratedCode, call.Role != NativeMemoryCallRole.Release && HasUnboundedSize(invocation));
                _graph.AddCall(candidate);
                if (call.Role is NativeMemoryCallRole.Reallocate or NativeMemoryCallRole.Release
                    && NativeMemoryCall.PointerArgument(invocation) is { } pointer)
                {
                    Store(candidate.Node, pointer.Value.Type, pointer.Value);
                }
            }
        }

        OnGenericCall(invocation);
        OnValue(invocation);
    }

    // An argument goes to a parameter: of a method in the compilation (one place for all callers), of a NativeMemory
    // release (handled with the call), or of code the analysis does not see.
    private void OnArgument(IArgumentOperation argument)
    {
        var parameter = argument.Parameter;
        var value = argument.Value;
        IMethodSymbol? method = argument.Parent switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IObjectCreationOperation creation => creation.Constructor,
            _ => null,
        };

        // A span is a view lent to whatever managed code receives it (it cannot be kept on the heap): followed inside one
        // member only. Native code gets the pointer behind it, and the lending rule below decides.
        if (IsSpan(value.StripConversions().Type ?? value.Type!) && (method is null || !IsNativeCode(method)))
            return;

        if (parameter is null || method is null)
        {
            // A function pointer call, an indexer: memory handed to code the walk does not follow.
            var reason = argument.Parent is IFunctionPointerInvocationOperation ? LeftAloneReason.DelegateOrFunctionPointer : LeftAloneReason.UnfollowedStorage;
            Escape(value, reason);
            if (argument.Parent is IFunctionPointerInvocationOperation && parameter?.RefKind is RefKind.Ref or RefKind.Out)
                TaintTargets(value, LeftAloneReason.FromDelegateOrFunctionPointer);
            return;
        }

        if (KnownSymbols.IsOn(method, _nativeMemory))
            return; // The pointer of a release is linked by the call; Clear/Copy/Fill only borrow it.

        if (method is { Name: "SetHandle", ContainingType: { Name: "SafeHandle" } safeHandle } && HandleField(safeHandle) is { } setField)
        {
            Store(PointerLocation.ForField(setField), parameter.Type, value); // SetHandle(p): the handle field holds p
            return;
        }

        if ((!IsInCompilation(method) || IsNativeCode(method)) && value.StripConversions().Type is { } handleType && HandleField(handleType) is { } handle)
            OnSafeHandleLeaving(method, PointerLocation.ForField(handle), argument);

        if (method.MethodKind == MethodKind.DelegateInvoke)
        {
            Escape(value, LeftAloneReason.DelegateOrFunctionPointer);
            if (parameter.RefKind is RefKind.Ref or RefKind.Out)
                TaintTargets(value, LeftAloneReason.FromDelegateOrFunctionPointer);
            return;
        }

        if (IsNativeCode(method))
        {
            if (parameter.RefKind is RefKind.Ref or RefKind.Out)
            {
                Escape(value, LeftAloneReason.PassedToNativeCode);
                TaintTargets(value, LeftAloneReason.ExternalValue);
            }
            else if (FreedLaterInTheSameBlock(argument, value) || !MayTakeOwnership(method))
            {
                LendToNativeCode(value);
            }
            else
            {
                Escape(value, LeftAloneReason.PassedToNativeCode);
            }

            return;
        }

        if (IsInterlockedExchange(method))
        {
            // Exchange(ref loc, value[, comparand]): loc receives value (its old value is the result, see Collect); the
            // comparand is only compared.
            if (parameter.Ordinal == 1 && argument.Parent is IInvocationOperation exchange
                && InterlockedLocation(exchange) is { } location)
            {
                Store(location, parameter.Type, value);
            }
            else if (parameter.Ordinal == 1)
            {
                Escape(value, LeftAloneReason.UnfollowedStorage);
            }

            return;
        }

        if (IsInCompilation(method))
        {
            // A ref parameter of any type refers to memory (Free(ref byte b) => NativeMemory.Free(Unsafe.AsPointer(ref b))).
            var parameterType = parameter.RefKind != RefKind.None && !CanCarryAddress(parameter.Type) ? null : parameter.Type;
            Store(ParameterLocation(method, parameter.Ordinal), parameterType, value, byValueArgument: parameter.RefKind == RefKind.None);
            return;
        }

        if (OnGenericArgument(argument, parameter, value))
            return;

        // A method of another assembly.
        if (parameter.RefKind is RefKind.Ref or RefKind.Out && CanCarryAddress(parameter.Type))
            TaintTargets(value, LeftAloneReason.ExternalValue);
        if (IsIdentityConstructor(method) || Lends(method, parameter))
            return;
        Escape(value, LeftAloneReason.PassedToExternalMethod);
    }

    // A SafeHandle given to code outside the compilation: its handle goes with it. Native code is lent it (the marshaller
    // passes the handle for the call) unless the function's name says it releases or takes over memory; another
    // assembly's method or a delegate may take it; the framework only uses it (and releases it through ReleaseHandle).
    private void OnSafeHandleLeaving(IMethodSymbol method, PointerLocation handle, IArgumentOperation argument)
    {
        if (IsNativeCode(method))
        {
            if (MayTakeOwnership(method))
                _graph.Taint(handle, LeftAloneReason.PassedToNativeCode);
            else
                _graph.LendToNativeCode(handle);
        }
        else if (method.MethodKind == MethodKind.DelegateInvoke || argument.Parent is IFunctionPointerInvocationOperation)
        {
            _graph.Taint(handle, LeftAloneReason.DelegateOrFunctionPointer);
        }
        else if (!IsFramework(method))
        {
            _graph.Taint(handle, LeftAloneReason.PassedToExternalMethod);
        }
    }

    // SafeHandle's own field for the handle: every SafeHandle of the compilation shares it as one place, which SetHandle,
    // DangerousGetHandle and the subclasses' reads and writes of `handle` use.
    private static IFieldSymbol? HandleField(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current is { Name: "SafeHandle", ContainingNamespace: { Name: "InteropServices", ContainingNamespace: { Name: "Runtime", ContainingNamespace.Name: "System" } } })
            {
                foreach (var member in current.GetMembers("handle"))
                {
                    if (member is IFieldSymbol field)
                        return field;
                }

                return null;
            }
        }

        return null;
    }

    private static bool IsFramework(IMethodSymbol method)
    {
        var assembly = method.ContainingAssembly?.Name ?? string.Empty;
        return assembly is "System" or "mscorlib" or "netstandard" || assembly.StartsWith("System.", System.StringComparison.Ordinal);
    }

    // The framework's methods that take a pointer (Buffer.MemoryCopy, the Span constructor, Encoding, Unsafe, NativeMemory's
    // helpers) or Marshal's IntPtr helpers read and write the memory they are given and keep no pointer to it; every other
    // method of another assembly may keep or free it.
    private static bool Lends(IMethodSymbol method, IParameterSymbol parameter)
    {
        if (!IsFramework(method))
            return false;

        // A pointer, a span or a reference: the framework reads and writes the memory during the call and keeps nothing
        // (a span cannot even be kept on the heap).
        var type = parameter.OriginalDefinition.Type;
        if (type.TypeKind is TypeKind.Pointer || IsSpan(type) || parameter.RefKind != RefKind.None && !CanCarryAddress(type))
            return true;

        // Unsafe and MemoryMarshal turn memory into references and spans (Unsafe.AsRef, MemoryMarshal.CreateSpan), and
        // Span's constructors wrap it: they keep nothing beyond what they return, which the walk follows as derived.
        if (method.ContainingType is { Name: "Unsafe", ContainingNamespace: { Name: "CompilerServices" } }
            or { Name: "MemoryMarshal", ContainingNamespace: { Name: "InteropServices" } }
            or { Name: "Span" or "ReadOnlySpan", ContainingNamespace: { Name: "System" } })
        {
            return true;
        }

        // Formatting, comparing and hashing read a value; an exception keeps it only to show it (ActualValue).
        if (type.TypeKind is TypeKind.TypeParameter || type.SpecialType is SpecialType.System_Object)
        {
            if (method.ContainingType is { } owner && (IsFormattingOrComparing(owner) || method.MethodKind == MethodKind.Constructor && IsException(owner)))
                return true;
        }

        if (type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr
            && method.ContainingType is { Name: "Marshal", ContainingNamespace: { Name: "InteropServices" } })
        {
            return !(method.Name.StartsWith("Free", System.StringComparison.Ordinal)
                || method.Name.StartsWith("ReAlloc", System.StringComparison.Ordinal)
                || method.Name.StartsWith("ZeroFree", System.StringComparison.Ordinal)
                || method.Name == "DestroyStructure");
        }

        return false;
    }

    private static bool IsFormattingOrComparing(INamedTypeSymbol type) =>
        type.SpecialType is SpecialType.System_String or SpecialType.System_Object
        || type is { Name: "StringBuilder" or "AppendInterpolatedStringHandler", ContainingNamespace: { Name: "Text", ContainingNamespace.Name: "System" } }
        || type is { Name: "DefaultInterpolatedStringHandler", ContainingNamespace: { Name: "CompilerServices" } }
        || type is { Name: "EqualityComparer" or "Comparer", ContainingNamespace: { Name: "Generic", ContainingNamespace.Name: "Collections" } }
        || type is { Name: "HashCode" or "Convert" or "Console" or "IEquatable" or "IComparable", ContainingNamespace.Name: "System" }
        || type is { Name: "Debug" or "Trace", ContainingNamespace: { Name: "Diagnostics", ContainingNamespace.Name: "System" } };

    private static bool IsException(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current is { Name: "Exception", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
                return true;
        }

        return false;
    }

    private void OnMethodGroup(IMethodReferenceOperation reference, ISymbol owner, bool isGeneratedCode)
    {
        var method = reference.Method;
        if (KnownSymbols.IsOn(method, _nativeMemory))
        {
            // &NativeMemory.Free, or a delegate of it: a release, which moves like any other (FioMemory.Free takes back
            // what it did not allocate). Pointers reach it only through delegate calls, which taint their arguments.
            var call = NativeMemoryCall.Classify(method, _fioMemory);
            if (call.Role == NativeMemoryCallRole.Release)
            {
                _graph.AddCall(new MigrationCandidate(reference.Syntax, method.Name, call, method.Parameters.Length,
                    (owner.ContainingType?.Name is { } type ? type + "." : string.Empty) + owner.Name, isGeneratedCode, unboundedSize: false));
            }

            return;
        }

        if (!IsInCompilation(method))
            return;

        // Called by whoever gets the delegate or function pointer: its parameters may receive anything, its result escapes.
        for (int i = 0; i < method.Parameters.Length; i++)
        {
            if (CanCarryAddress(method.Parameters[i].Type))
                _graph.Taint(ParameterLocation(method, i), LeftAloneReason.ParameterOfMethodGroup);
        }

        if (CanCarryAddress(method.ReturnType) && !ReturnsToGenericCall(reference))
            _graph.Taint(ReturnLocation(method), LeftAloneReason.MethodGroup);
    }

    // An override or implementation is called through its base member: one place for both, or tainted when the base is
    // another assembly's (which calls it with pointers of its own).
    private void LinkToOverriddenMembers(IMethodSymbol method)
    {
        if (method.AssociatedSymbol is IPropertySymbol property)
        {
            if (!CanCarryAddress(property.Type))
                return;
            var bases = new List<IPropertySymbol>();
            if (property.OverriddenProperty is { } overridden)
                bases.Add(overridden);
            bases.AddRange(property.ExplicitInterfaceImplementations);
            AddImplicitImplementations(property, bases);
            foreach (var baseProperty in bases)
            {
                if (IsInCompilation(baseProperty))
                    _graph.Union(PropertyLocation(property), PropertyLocation(baseProperty));
                else
                    _graph.Taint(PropertyLocation(property), LeftAloneReason.OverridesExternalMember);
            }

            return;
        }

        bool carries = CanCarryAddress(method.ReturnType);
        foreach (var parameter in method.Parameters)
            carries |= CanCarryAddress(parameter.Type);
        if (!carries || method.MethodKind is not (MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation))
            return;

        var baseMethods = new List<IMethodSymbol>();
        if (method.OverriddenMethod is { } overriddenMethod)
            baseMethods.Add(overriddenMethod);
        baseMethods.AddRange(method.ExplicitInterfaceImplementations);
        AddImplicitImplementations(method, baseMethods);
        foreach (var baseMethod in baseMethods)
        {
            bool inCompilation = IsInCompilation(baseMethod);
            for (int i = 0; i < method.Parameters.Length && i < baseMethod.Parameters.Length; i++)
            {
                if (!CanCarryAddress(method.Parameters[i].Type))
                    continue;
                if (inCompilation)
                    _graph.Union(ParameterLocation(method, i), ParameterLocation(baseMethod, i));
                else
                    _graph.Taint(ParameterLocation(method, i), LeftAloneReason.ParameterOfExternalOverride);
            }

            if (CanCarryAddress(method.ReturnType))
            {
                if (inCompilation)
                    _graph.Union(ReturnLocation(method), ReturnLocation(baseMethod));
                else
                    _graph.Taint(ReturnLocation(method), LeftAloneReason.OverridesExternalMember);
            }
        }
    }

    private static void AddImplicitImplementations<T>(T member, List<T> bases) where T : class, ISymbol
    {
        // Static members implement an interface's static abstract or virtual members (called as T.M() on a type parameter).
        if (member.DeclaredAccessibility != Accessibility.Public || member.ContainingType is not { } type)
            return;
        foreach (var face in type.AllInterfaces)
        {
            foreach (var candidate in face.GetMembers(member.Name))
            {
                if (candidate is T interfaceMember && interfaceMember.IsStatic == member.IsStatic
                    && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(interfaceMember), member))
                {
                    bases.Add(interfaceMember);
                }
            }
        }
    }

    // ---- Stores -----------------------------------------------------------------------------------------------------

    private void OnDeclarator(IVariableDeclaratorOperation declarator)
    {
        var local = declarator.Symbol;
        var initializer = declarator.GetVariableInitializer();
        if (IsPointerArray(local.Type))
        {
            if (initializer is not null)
                OnArrayStore(local, initializer.Value);
            return;
        }

        if (initializer is not null)
            Store(PointerLocation.ForLocal(local), local.RefKind != RefKind.None ? null : local.Type, initializer.Value);
    }

    private void OnStore(IOperation target, IOperation value, bool isRef)
    {
        target = target.StripConversions();
        if (IsPointerArray(target.Type) && target is not IArrayElementReferenceOperation)
        {
            OnArrayStore(ArrayVariable(target), value);
            return;
        }

        if (Place(target) is { } place)
        {
            Store(place, isRef ? null : target.Type, value);
            return;
        }

        // Through a pointer (*pp = p, pp[i] = p), into another assembly's field, a tuple: the walk stops following.
        Escape(value, LeftAloneReason.UnfollowedStorage);
    }

    // An array field or local given a new array: its elements start out empty (or with the initializer's values); given
    // any other array, they may be anything.
    private void OnArrayStore(ISymbol? variable, IOperation value)
    {
        if (variable is null)
            return;
        var elements = ArrayElements(variable);
        if (!IsFreshArray(value) && ArrayVariable(value.StripConversions()) is { } source)
            _graph.Union(elements, ArrayElements(source)); // _items = grown: one array's elements are the other's
        else if (!IsFreshArray(value))
            _graph.Taint(elements, LeftAloneReason.UnfollowedStorage);
        else if (value.StripConversions() is IArrayCreationOperation { Initializer: { } initializer })
            StoreElements(elements, initializer);
    }

    private void StoreElements(PointerLocation elements, IArrayInitializerOperation initializer)
    {
        foreach (var element in initializer.ElementValues)
        {
            if (element is IArrayInitializerOperation nested)
                StoreElements(elements, nested);
            else
                Store(elements, element.Type, element);
        }
    }

    // A value lands in a place: the value's places join the place's group.
    [MethodImpl(Hot.Optimized)]
    private void Store(PointerLocation place, ITypeSymbol? placeType, IOperation value, bool byValueArgument = false)
    {
        if (placeType is not null && !CanCarryAddress(placeType))
            return; // An int, a struct, a class instance never holds an address (a pointer array is followed elsewhere).
        if (placeType is not null && IsSpan(placeType) && place.Kind != PointerLocationKind.Local)
            return; // A span is followed as a view inside one member: passed, returned or kept, it is lent (see FIO003.md).

        var sources = Sources.Rent();
        Collect(value, sources);
        if (sources.IsEmpty)
        {
            Sources.Return(sources);
            return;
        }

        // A cursor (a local moved by p++ or p += n) only points into the memory it was given: it is a group of its own,
        // derived from that memory, so walking a buffer with it taints nothing unless the cursor itself is freed.
        bool cursor = place.Kind == PointerLocationKind.Local && t_cursors is { } cursors && cursors.Contains((ILocalSymbol)place.Symbol!);
        foreach (var node in sources.Nodes)
        {
            if (cursor)
                _graph.Derive(place, node);
            else if (byValueArgument && place.Kind == PointerLocationKind.Parameter)
                _graph.PassArgument(place, node);
            else
                _graph.Union(place, node);
        }

        foreach (var origin in sources.Origins)
            _graph.Derive(place, origin);

        // A value from outside adds no source and keeps nothing: FioMemory hands memory it did not allocate back to
        // NativeMemory.
        Sources.Return(sources);
    }

    // p += n, p++: the place now holds an address computed from what it held.
    private void OnArithmeticStore(IOperation target, IOperation? value)
    {
        if (!CanCarryAddress(target.Type) || Place(target.StripConversions()) is not { } place)
            return;
        _graph.Derive(place, place);
        if (value is not null)
        {
            var sources = Sources.Rent();
            Collect(value, sources);
            foreach (var node in sources.Nodes)
                _graph.Derive(place, node);
            foreach (var origin in sources.Origins)
                _graph.Derive(place, origin);
            Sources.Return(sources);
        }
    }

    private void OnReturn(IReturnOperation returned, IOperation value, ISymbol owner)
    {
        if (returned.Kind == OperationKind.YieldReturn)
        {
            Escape(value, LeftAloneReason.UnfollowedStorage);
            return;
        }

        for (var parent = returned.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case IAnonymousFunctionOperation lambda:
                    if (ReturnsToGenericCall(lambda))
                        Store(ReturnLocation(lambda.Symbol), lambda.Symbol.ReturnType, value);
                    else
                        Escape(value, LeftAloneReason.DelegateOrFunctionPointer);
                    return;
                case ILocalFunctionOperation localFunction:
                    Store(ReturnLocation(localFunction.Symbol), localFunction.Symbol.ReturnType, value);
                    return;
            }
        }

        if (owner is IMethodSymbol method)
            Store(ReturnLocation(method), method.ReturnType, value);
        else if (owner is IPropertySymbol property)
            Store(PropertyLocation(property), property.Type, value);
        else
            Escape(value, LeftAloneReason.UnfollowedStorage);
    }

    private void OnForEach(IForEachLoopOperation loop)
    {
        if (loop.LoopControlVariable is not IVariableDeclaratorOperation { Symbol: { } local } || !CanCarryAddress(local.Type))
            return;

        var collection = loop.Collection.StripConversions();
        if (IsPointerArray(collection.Type) && ArrayVariable(collection) is { } array)
            _graph.Union(PointerLocation.ForLocal(local), ArrayElements(array));
        else
            _graph.Taint(PointerLocation.ForLocal(local), LeftAloneReason.ExternalValue);
    }

    private void TaintTargets(IOperation target, LeftAloneReason reason)
    {
        target = target is IDeclarationExpressionOperation declaration ? declaration.Expression : target;
        target = target.StripConversions();
        if (target is ITupleOperation tuple)
        {
            foreach (var element in tuple.Elements)
                TaintTargets(element, reason);
            return;
        }

        if (CanCarryAddress(target.Type) && Place(target) is { } place)
            _graph.Taint(place, reason);
    }

    // Memory handed to code the walk does not follow: the value's places and the places it was computed from.
    private void Escape(IOperation value, LeftAloneReason reason)
    {
        var sources = Sources.Rent();
        Collect(value, sources);
        foreach (var node in sources.Nodes)
            _graph.Taint(node, reason);
        foreach (var origin in sources.Origins)
            _graph.Taint(origin, LeftAloneReason.InteriorPointer);
        Sources.Return(sources);
    }

    // ---- Reads ------------------------------------------------------------------------------------------------------

    // A read of a place: fine where it is stored, passed, compared, dereferenced or computed with (those are followed
    // where they happen); anywhere else (a tuple, a collection expression, a lock...) the walk loses it.
    [MethodImpl(Hot.Optimized)]
    private void OnValue(IOperation value)
    {
        if (IsPointerArray(value.Type) && value is not IArrayElementReferenceOperation)
        {
            OnArrayUse(value);
            return;
        }

        if (!CanCarryAddress(value.Type))
            return;

        var wrapper = PointerFlow.OutermostValueWrapper(value);
        switch (wrapper.Parent)
        {
            case null:
            case ISimpleAssignmentOperation or IVariableInitializerOperation or IFieldInitializerOperation
                or IPropertyInitializerOperation or IReturnOperation or IArgumentOperation or IExpressionStatementOperation
                or IBinaryOperation or IUnaryOperation or ICompoundAssignmentOperation or IIncrementOrDecrementOperation
                or IArrayElementReferenceOperation or IMemberReferenceOperation or IInvocationOperation
                or IIsPatternOperation or IIsTypeOperation or IPatternOperation or IInterpolationOperation
                or IConditionalOperation or IConditionalAccessOperation or IAddressOfOperation or IForEachLoopOperation
                or ISwitchOperation or ISwitchExpressionOperation or IDeconstructionAssignmentOperation
                or IDeclarationExpressionOperation or INameOfOperation or IImplicitIndexerReferenceOperation:
                return;
            case { Kind: OperationKind.None }:
                return; // *p, p[i], p->F: the memory is used, the pointer goes nowhere.
            default:
                Escape(wrapper, LeftAloneReason.UnfollowedStorage);
                return;
        }
    }

    // An array of pointers in a field or local is followed element by element; used any other way than indexing, Length,
    // foreach, Array.Resize/Clear or a fresh array, its elements are lost.
    private void OnArrayUse(IOperation array)
    {
        if (ArrayVariable(array) is not { } variable)
            return;

        var wrapper = PointerFlow.OutermostValueWrapper(array);
        switch (wrapper.Parent)
        {
            case IArrayElementReferenceOperation element when element.ArrayReference == wrapper:
            case IPropertyReferenceOperation { Property.Name: "Length" or "LongLength" }:
            case IForEachLoopOperation:
            case ISimpleAssignmentOperation assignment when assignment.Target == wrapper:
            case ISimpleAssignmentOperation stored when ArrayVariable(stored.Target.StripConversions()) is not null:
                // _items = grown: the stored array's elements join the target's (OnArrayStore).
            case IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Resize" or "Clear", ContainingType: { Name: "Array", ContainingNamespace.Name: "System" } } } }:
                return;
            case IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Copy" or "ConstrainedCopy", ContainingType: { Name: "Array", ContainingNamespace.Name: "System" } } } copy }
                when OtherArray(copy, wrapper) is { } other:
                // Array.Copy(old, grown, n): the two arrays' elements hold the same memory.
                _graph.Union(ArrayElements(variable), ArrayElements(other));
                return;
            case IFieldInitializerOperation or IVariableInitializerOperation:
                return; // The declaration, checked where it is.
            default:
                _graph.Taint(ArrayElements(variable), LeftAloneReason.UnfollowedStorage);
                return;
        }
    }

    // The other array a copy between two arrays names, when the walk follows it (a field or local).
    private ISymbol? OtherArray(IInvocationOperation copy, IOperation array)
    {
        foreach (var argument in copy.Arguments)
        {
            if (argument.Value != array && IsPointerArray(argument.Value.StripConversions().Type))
                return ArrayVariable(argument.Value.StripConversions());
        }

        return null;
    }

    /// <summary>The places (and origins of computed addresses) a value can come from.</summary>
    [MethodImpl(Hot.Optimized)]
    private void Collect(IOperation value, Sources sources)
    {
        value = value.StripConversions();
        if (PointerFlow.IsNullConstant(value) || IsNullReferenceAddress(value))
            return;
        if (value.Type is { } type && !CanCarryAddress(type)
            && value is not (IDeclarationExpressionOperation or IObjectCreationOperation or IInvocationOperation or IBinaryOperation)
            && !IsRefVariable(value))
        {
            return; // An int, a struct, a class instance: no place of its own joins the group, whatever it is turned into.
        }

        switch (value)
        {
            case IDeclarationExpressionOperation declaration:
                // out var p: the variable itself.
                Collect(declaration.Expression, sources);
                return;
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                Collect(conditional.WhenTrue, sources);
                Collect(whenFalse, sources);
                return;
            case ICoalesceOperation coalesce:
                Collect(coalesce.Value, sources);
                Collect(coalesce.WhenNull, sources);
                return;
            case ISimpleAssignmentOperation chained:
                // p = q = Alloc(n): the value is what q now holds.
                if (Place(chained.Target.StripConversions()) is { } target)
                    sources.Nodes.Add(target);
                else
                    Collect(chained.Value, sources);
                return;
            case IInvocationOperation invocation:
                CollectResult(invocation, sources);
                return;
            case IAddressOfOperation { Reference: { } reference } when IsRefVariable(reference.StripConversions())
                || reference.StripConversions() is IInvocationOperation { TargetMethod.ReturnsByRef: true } or IInvocationOperation { TargetMethod.ReturnsByRefReadonly: true }:
                // &MemoryMarshal.GetReference(span), &r: the address the reference holds.
                Collect(reference, sources);
                return;
            case { Kind: OperationKind.None, Parent: IVariableInitializerOperation } pinned when pinned.ChildOperations.Count == 1:
                // fixed (byte* p = span): the span's memory (an array's or a string's is no address the walk follows).
                Collect(pinned.ChildOperations.First(), sources);
                return;
            case IObjectCreationOperation creation when IsIdentityConstructor(creation.Constructor) && creation.Arguments.Length == 1:
                Collect(creation.Arguments[0].Value, sources);
                return;
            case IImplicitIndexerReferenceOperation { Instance: { } indexed } when CanCarryAddress(value.Type):
                CollectOrigins(indexed, sources); // span[a..b]: memory inside the span's
                return;
            case IObjectCreationOperation { Constructor: { } constructor } creation when IsSpan(constructor.ContainingType)
                && creation.Arguments.Length == 2 && constructor.Parameters[0].Type.TypeKind == TypeKind.Pointer:
                Collect(creation.Arguments[0].Value, sources); // new Span<T>(p, n): the memory at p
                return;
            case IBinaryOperation binary:
                if (!CanCarryAddress(binary.Type))
                    return;
                CollectOrigins(binary.LeftOperand, sources);
                CollectOrigins(binary.RightOperand, sources);
                return;
            case ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
                or IPropertyReferenceOperation or IArrayElementReferenceOperation:
                if (Place(value) is { } place)
                    sources.Nodes.Add(place);
                return;
            default:
                return; // A value from outside (a function pointer's result, another assembly's field...): nothing to follow.
        }
    }

    // p + n: not p's memory as such, but computed from it.
    private void CollectOrigins(IOperation operand, Sources sources)
    {
        if (operand.StripConversions().Type is { } type && !CanCarryAddress(type))
            return; // An int offset: no memory of its own.

        var inner = Sources.Rent();
        Collect(operand, inner);
        sources.Origins.AddRange(inner.Nodes);
        sources.Origins.AddRange(inner.Origins);
        Sources.Return(inner);
    }

    private void CollectResult(IInvocationOperation invocation, Sources sources)
    {
        var method = invocation.TargetMethod;
        if (IsSameAddress(method) || IsOffsetOf(method))
        {
            // Only the memory operand counts: a span's receiver, or the first argument (Unsafe.Add's offset is an int).
            var operand = invocation.Instance ?? (invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
            if (operand is not null)
            {
                if (IsSameAddress(method))
                    Collect(operand, sources);
                else
                    CollectOrigins(operand, sources);
            }

            return;
        }

        if (KnownSymbols.IsOn(method, _nativeMemory))
        {
            if (NativeMemoryCall.Classify(method, _fioMemory).Role is NativeMemoryCallRole.Allocate or NativeMemoryCallRole.Reallocate)
                sources.Nodes.Add(PointerLocation.ForCall(invocation.Syntax));
            return;
        }

        if (!CanCarryAddress(invocation.Type))
            return;

        // A delegate's or a P/Invoke's result comes from outside (even when the delegate type or the extern is the
        // compilation's): nothing to follow, and it keeps nothing.
        if (method.MethodKind == MethodKind.DelegateInvoke || IsNativeCode(method))
            return;

        if (IsInCompilation(method))
        {
            sources.Nodes.Add(ReturnLocation(method));
            return;
        }

        if (method is { Name: "DangerousGetHandle", Parameters.Length: 0 } && method.ContainingType is { } safeHandle && HandleField(safeHandle) is { } handleField)
        {
            sources.Nodes.Add(PointerLocation.ForField(handleField));
            return;
        }

        if (IsInterlockedExchange(method))
        {
            // The location's old value.
            if (InterlockedLocation(invocation) is { } location)
                sources.Nodes.Add(location);
            return;
        }

        if (CollectGenericResult(invocation, sources))
            return;

        // Another assembly's method: its result is foreign, and may be computed from the pointers it was given.
        if (method.Name == "ToPointer" && method.ContainingType?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr
            && invocation.Instance is { } instance)
        {
            Collect(instance, sources);
            return;
        }

        if (invocation.Instance is { } receiver && CanCarryAddress(receiver.Type))
            CollectOrigins(receiver, sources);
        foreach (var argument in invocation.Arguments)
        {
            if (CanCarryAddress(argument.Value.Type))
                CollectOrigins(argument.Value, sources);
        }
    }

    // ---- Places -----------------------------------------------------------------------------------------------------

    /// <summary>The place an operation reads or writes, or null when it is none the walk follows.</summary>
    [MethodImpl(Hot.Optimized)]
    private PointerLocation? Place(IOperation operation)
    {
        switch (operation)
        {
            case ILocalReferenceOperation local:
                return PointerLocation.ForLocal(local.Local);
            case IParameterReferenceOperation parameter:
                return parameter.Parameter.ContainingSymbol is IMethodSymbol method
                    ? ParameterLocation(method, parameter.Parameter.Ordinal)
                    : null;
            case IFieldReferenceOperation field:
                if (field.Field is { Name: "handle" } handle && handle.ContainingType is { } owner && SymbolEqualityComparer.Default.Equals(HandleField(owner), handle))
                    return PointerLocation.ForField(handle);
                return IsInCompilation(field.Field) && !field.Field.IsConst ? FieldLocation(field.Field) : null;
            case IPropertyReferenceOperation property:
                return IsInCompilation(property.Property) ? PropertyLocation(property.Property) : null;
            case IArrayElementReferenceOperation element:
                return ArrayVariable(element.ArrayReference.StripConversions()) is { } array ? ArrayElements(array) : null;
            default:
                return null;
        }
    }

    private PointerLocation FieldLocation(IFieldSymbol field)
    {
        var place = PointerLocation.ForField(field);
        if (CanCarryAddress(field.Type))
            OnPublicSurface(place, field, LeftAloneReason.PublicStorage);
        return place;
    }

    private PointerLocation PropertyLocation(IPropertySymbol property)
    {
        var place = PointerLocation.ForProperty(property);
        if (CanCarryAddress(property.Type))
            OnPublicSurface(place, property, LeftAloneReason.PublicStorage);
        return place;
    }

    private PointerLocation ParameterLocation(IMethodSymbol method, int ordinal)
    {
        // A setter's value is the property.
        if (method is { MethodKind: MethodKind.PropertySet, AssociatedSymbol: IPropertySymbol property } && ordinal == method.Parameters.Length - 1)
            return PropertyLocation(property);

        var place = PointerLocation.ForParameter(method, ordinal);
        if (method.MethodKind == MethodKind.AnonymousFunction)
            _graph.Taint(place, LeftAloneReason.FromDelegateOrFunctionPointer);
        else if (ordinal < method.Parameters.Length && CanCarryAddress(method.Parameters[ordinal].Type) && !IsSpan(method.Parameters[ordinal].Type)
            && OnPublicSurface(place, method, LeftAloneReason.ParameterOfPublicMember))
            return place;
        else if (IsCalledByNativeCode(method))
            _graph.Taint(place, LeftAloneReason.ExternalValue);
        return place;
    }

    private PointerLocation ReturnLocation(IMethodSymbol method)
    {
        if (method is { MethodKind: MethodKind.PropertyGet, AssociatedSymbol: IPropertySymbol property })
            return PropertyLocation(property);

        var place = PointerLocation.ForReturn(method);
        if (CanCarryAddress(method.ReturnType))
            OnPublicSurface(place, method, LeftAloneReason.ReturnedFromPublicMember);
        return place;
    }

    private PointerLocation ArrayElements(ISymbol array)
    {
        var place = PointerLocation.ForArrayElements(array);
        if (array is IFieldSymbol field)
            OnPublicSurface(place, field, LeftAloneReason.PublicStorage);
        return place;
    }

    // A place other assemblies reach: tainted, or (with the opt-in) joined to the one place of the public API.
    private bool OnPublicSurface(PointerLocation place, ISymbol member, LeftAloneReason reason)
    {
        if (_scope.IsCallableFromOutside(member))
        {
            _graph.Taint(place, reason);
            return true;
        }

        if (_scope.IsOptedInPublicSurface(member))
        {
            var (input, output) = Directions(place, member);
            if (input)
                _graph.PublicInput(place);
            if (output)
                _graph.PublicOutput(place);
            return true;
        }

        return false;
    }

    // Whether other assemblies can put a pointer into the place, and take one out of it.
    private static (bool Input, bool Output) Directions(PointerLocation place, ISymbol member)
    {
        switch (place.Kind)
        {
            case PointerLocationKind.Parameter:
                var refKind = member is IMethodSymbol method && place.Ordinal < method.Parameters.Length
                    ? method.Parameters[place.Ordinal].RefKind
                    : RefKind.None;
                return (refKind != RefKind.Out, refKind is RefKind.Out or RefKind.Ref);
            case PointerLocationKind.Return:
                return (false, true);
            case PointerLocationKind.Field:
                return (member is not IFieldSymbol { IsReadOnly: true }, true);
            case PointerLocationKind.Property:
                return (member is not IPropertySymbol { SetMethod: null }, true);
            default:
                return (true, true);
        }
    }

    // A local or a field of this compilation holding an array (parameters and other arrays are not followed).
    private ISymbol? ArrayVariable(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IFieldReferenceOperation field when IsInCompilation(field.Field) => field.Field,
        _ => null,
    };

    // A local passed to native code and released by NativeMemory.Free/AlignedFree in a later statement of the block that
    // holds the call (so whenever the call returns, the program frees that memory itself): if native code freed it, the
    // original program would free it twice. Used for native functions whose name says they may release or take over
    // memory: anything less than such a free (one on another branch, in another method) leaves them the memory.
    private bool FreedLaterInTheSameBlock(IArgumentOperation argument, IOperation value)
    {
        if (value.StripConversions() is not ILocalReferenceOperation { Local: { } local })
            return false;

        IOperation statement = argument;
        while (statement.Parent is { } parent and not IBlockOperation)
            statement = parent;
        if (statement.Parent is not IBlockOperation block)
            return false;

        // The local must still hold what was passed when it is freed: p = realloc(p, n) or q = realloc(p, n); p = q moved
        // the memory, and the free is then of what native code returned.
        if (Assigns(statement, local))
            return false;

        bool after = false;
        foreach (var operation in block.Operations)
        {
            if (!after)
            {
                after = operation == statement;
                continue;
            }

            if (operation is IExpressionStatementOperation { Operation: IInvocationOperation release }
                && KnownSymbols.IsOn(release.TargetMethod, _nativeMemory)
                && release.TargetMethod.Name is "Free" or "AlignedFree"
                && release.Arguments.Length == 1
                && release.Arguments[0].Value.StripConversions() is ILocalReferenceOperation freed
                && SymbolEqualityComparer.Default.Equals(freed.Local, local))
            {
                return true;
            }

            if (Assigns(operation, local))
                return false;
        }

        return false;
    }

    // Whether an operation writes a local: an assignment, ++/+=, a ref or out argument.
    private static bool Assigns(IOperation operation, ILocalSymbol local)
    {
        foreach (var part in operation.DescendantsAndSelf())
        {
            var target = part switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };
            if (target?.StripConversions() is ILocalReferenceOperation written && SymbolEqualityComparer.Default.Equals(written.Local, local))
                return true;
        }

        return false;
    }

    // Memory passed to native code by value and released by the program itself afterwards: a lend (OwnershipGraph
    // taints it still when its group has no release of its own).
    private void LendToNativeCode(IOperation value)
    {
        var sources = Sources.Rent();
        Collect(value, sources);
        foreach (var node in sources.Nodes)
            _graph.LendToNativeCode(node);
        foreach (var origin in sources.Origins)
            _graph.LendToNativeCode(origin);
        Sources.Return(sources);
    }

    // Unsafe.AsPointer(ref Unsafe.NullRef<T>()) and Unsafe.AsPointer(ref Unsafe.AsRef<T>(null)): a null pointer.
    private static bool IsNullReferenceAddress(IOperation value)
    {
        if (value is not IInvocationOperation { TargetMethod: { Name: "AsPointer", ContainingType: { Name: "Unsafe" } }, Arguments.Length: 1 } asPointer)
            return false;
        return asPointer.Arguments[0].Value.StripConversions() switch
        {
            IInvocationOperation { TargetMethod: { Name: "NullRef", ContainingType: { Name: "Unsafe" } } } => true,
            IInvocationOperation { TargetMethod: { Name: "AsRef", ContainingType: { Name: "Unsafe" } }, Arguments.Length: 1 } asRef
                => PointerFlow.IsNullConstant(asRef.Arguments[0].Value.StripConversions()),
            _ => false,
        };
    }

    // Interlocked.Exchange/CompareExchange on an address-sized location (IntPtr, nint, long, a pointer-typed T).
    private static bool IsInterlockedExchange(IMethodSymbol method) =>
        method is { Name: "Exchange" or "CompareExchange", ContainingType: { Name: "Interlocked", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } }
        && method.Parameters.Length is 2 or 3
        && method.Parameters[0].RefKind == RefKind.Ref
        && CanCarryAddress(method.Parameters[0].Type);

    // The place Interlocked.Exchange's ref argument names: a field, local, parameter or array element, also through
    // Unsafe.AsRef(in readonlyField).
    private PointerLocation? InterlockedLocation(IInvocationOperation exchange)
    {
        foreach (var argument in exchange.Arguments)
        {
            if (argument.Parameter?.Ordinal != 0)
                continue;
            var target = argument.Value.StripConversions();
            while (target is IInvocationOperation { TargetMethod: { Name: "AsRef", ContainingType: { Name: "Unsafe" } }, Arguments.Length: 1 } asRef
                   && asRef.Arguments[0].Parameter?.RefKind is RefKind.In or RefKind.Ref or RefKind.RefReadOnlyParameter)
            {
                target = asRef.Arguments[0].Value.StripConversions();
            }

            return Place(target);
        }

        return null;
    }

    // ---- Questions --------------------------------------------------------------------------------------------------

    private bool IsInCompilation(ISymbol symbol) => SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, _assembly);

    /// <summary>
    /// Whether a value of <paramref name="type"/> can hold an address: pointers, native and 64-bit integers, object, T,
    /// and <c>Span&lt;T&gt;</c>/<c>ReadOnlySpan&lt;T&gt;</c> (a span over native memory is that memory: <c>fixed</c> turns
    /// it back into the pointer).
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    public static bool CanCarryAddress(ITypeSymbol? type) => type is not null && (
        type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Dynamic
        || type is ITypeParameterSymbol { HasReferenceTypeConstraint: false } parameter && !HasClassConstraint(parameter)
        || type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr or SpecialType.System_Int64
            or SpecialType.System_UInt64 or SpecialType.System_Object
        || IsSpan(type));

    // A ref local, ref field or ref parameter: it refers to memory, whatever the type it refers to.
    private static bool IsRefVariable(IOperation value) => value switch
    {
        ILocalReferenceOperation local => local.Local.RefKind != RefKind.None,
        IFieldReferenceOperation field => field.Field.RefKind != RefKind.None,
        IParameterReferenceOperation parameter => parameter.Parameter.RefKind != RefKind.None && parameter.Parameter.ScopedKind == ScopedKind.None
            && parameter.Parameter.Type.TypeKind != TypeKind.Pointer,
        _ => false,
    };

    private static bool IsSpan(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    /// <summary>
    /// The framework's conversions between a pointer, a reference and a span over the same memory: <c>Unsafe.AsRef</c>,
    /// <c>Unsafe.AsPointer</c>, <c>Unsafe.As</c>, <c>MemoryMarshal.GetReference</c>/<c>CreateSpan</c>/<c>Cast</c>/<c>AsBytes</c>,
    /// a span's <c>GetPinnableReference</c> (what <c>fixed</c> calls). Their result is the memory they are given, so the
    /// walk follows it as that memory; <see cref="IsOffsetOf"/> names the ones whose result lies inside it.
    /// </summary>
    private static bool IsSameAddress(IMethodSymbol method) => method switch
    {
        { Name: "AsRef" or "AsPointer" or "As", ContainingType: { Name: "Unsafe", ContainingNamespace.Name: "CompilerServices" } } => true,
        { Name: "GetReference" or "CreateSpan" or "CreateReadOnlySpan" or "Cast" or "AsBytes", ContainingType: { Name: "MemoryMarshal", ContainingNamespace.Name: "InteropServices" } } => true,
        { Name: "GetPinnableReference", ContainingType: { } type } => IsSpan(type),
        _ => false,
    };

    /// <summary>The framework's ways to a reference or span inside memory: <c>Unsafe.Add</c>/<c>Subtract</c>, a span's <c>Slice</c>.</summary>
    private static bool IsOffsetOf(IMethodSymbol method) => method switch
    {
        { Name: "Add" or "AddByteOffset" or "Subtract" or "SubtractByteOffset", ContainingType: { Name: "Unsafe", ContainingNamespace.Name: "CompilerServices" } } => true,
        { Name: "Slice", ContainingType: { } type } => IsSpan(type),
        _ => false,
    };

    /// <summary>Whether a variable declared with <paramref name="refKind"/> and <paramref name="type"/> can hold an address: a <c>ref</c> variable refers to memory.</summary>
    private static bool CanCarryAddress(ITypeSymbol? type, RefKind refKind) => refKind != RefKind.None || CanCarryAddress(type);

    private static bool HasClassConstraint(ITypeParameterSymbol parameter)
    {
        foreach (var constraint in parameter.ConstraintTypes)
        {
            if (constraint.TypeKind is TypeKind.Class or TypeKind.Array or TypeKind.Delegate && constraint.SpecialType != SpecialType.System_Object)
                return true;
        }

        return false;
    }

    private static bool IsPointerArray(ITypeSymbol? type) => type is IArrayTypeSymbol array && CanCarryAddress(array.ElementType);

    private static bool IsFreshArray(IOperation value) =>
        value.StripConversions() is IArrayCreationOperation || PointerFlow.IsNullConstant(value.StripConversions());

    // new IntPtr(p), new UIntPtr(p): the same address.
    private static bool IsIdentityConstructor(IMethodSymbol? constructor) =>
        constructor is { MethodKind: MethodKind.Constructor, Parameters.Length: 1 }
        && constructor.ContainingType?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr;

    // [DllImport], [LibraryImport] and other extern methods: native code behind them.
    // A native function whose name or entry point says it releases memory or takes it over (free, SDL_free,
    // ReleaseBuffer, av_buffer_unref, AdoptPointer...): what it is given is its own from then on, whatever else the group
    // releases. Any other native function is taken to read or write the memory during the call, or to keep a pointer
    // for as long as the program keeps the memory (the group must then release it itself).
    private static readonly string[] s_ownershipWords = { "free", "release", "destroy", "delete", "dispose", "dealloc", "realloc", "unref", "adopt" };

    private static bool MayTakeOwnership(IMethodSymbol method)
    {
        string entryPoint = method.GetDllImportData()?.EntryPointName ?? string.Empty;
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "LibraryImportAttribute")
            {
                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == "EntryPoint" && named.Value.Value is string name)
                        entryPoint = name;
                }
            }
        }

        foreach (var word in s_ownershipWords)
        {
            if (method.Name.IndexOf(word, System.StringComparison.OrdinalIgnoreCase) >= 0
                || entryPoint.IndexOf(word, System.StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNativeCode(IMethodSymbol method)
    {
        if (method.IsExtern || method.GetDllImportData() is not null)
            return true;
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "LibraryImportAttribute")
                return true;
        }

        return false;
    }

    private static bool IsCalledByNativeCode(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "UnmanagedCallersOnlyAttribute")
                return true;
        }

        return false;
    }

    private static bool HasUnboundedSize(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is null || PointerFlow.IsAddressType(argument.Parameter.Type) && argument.Parameter.Type.TypeKind == TypeKind.Pointer)
                continue;
            if (argument.Value.ConstantValue.HasValue)
                continue;
            foreach (var part in argument.Value.DescendantsAndSelf())
            {
                if (part is IConversionOperation { Operand.Type.SpecialType: SpecialType.System_Int64 or SpecialType.System_UInt64 })
                    return true;
                if (part is IPropertyReferenceOperation or IInvocationOperation
                    && (part as IPropertyReferenceOperation)?.Property.ContainingNamespace?.ToDisplayString() == "System.IO"
                        | (part as IInvocationOperation)?.TargetMethod.ContainingNamespace?.ToDisplayString() == "System.IO")
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A reusable list of the places a value comes from.</summary>
    private sealed class Sources
    {
        [System.ThreadStatic]
#pragma warning disable IDE1006 // [ThreadStatic]: t_, not s_
        private static Stack<Sources>? t_pool;
#pragma warning restore IDE1006

        public List<PointerLocation> Nodes { get; } = new();

        public List<PointerLocation> Origins { get; } = new();

        public bool IsEmpty => Nodes.Count == 0 && Origins.Count == 0;

        public static Sources Rent()
        {
            var pool = t_pool ??= new Stack<Sources>();
            return pool.Count > 0 ? pool.Pop() : new Sources();
        }

        public static void Return(Sources sources)
        {
            sources.Nodes.Clear();
            sources.Origins.Clear();
            (t_pool ??= new Stack<Sources>()).Push(sources);
        }
    }
}
