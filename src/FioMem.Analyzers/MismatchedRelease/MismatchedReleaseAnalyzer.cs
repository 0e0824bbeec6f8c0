// FIO002: memory released (or reallocated) by another allocator than the one that made it, FioMem on either side.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.MismatchedRelease;

/// <summary>
/// Reports FioMem memory (from any allocation of <see cref="FioMemCalls"/>: <c>FioMemory</c>, <c>FioAlloc&lt;T&gt;</c>,
/// a <c>[FioAllocated]</c> struct's <c>T.New()</c>, an owner's <c>Pointer</c>) passed to <c>NativeMemory</c>'s or
/// <c>Marshal</c>'s release or reallocation, and <c>Marshal</c>'s memory (HGlobal, CoTaskMem) passed to one of FioMem's
/// (<c>FioMemory.Free</c>, <c>AlignedFree</c>, <c>Realloc</c>, <c>AlignedRealloc</c>, <c>FioAlloc&lt;T&gt;.Free</c>,
/// <c>T.Free</c>). <c>NativeMemory</c>'s memory passed to FioMem is reported only where FioMem would hand it to the
/// wrong <c>NativeMemory</c> call (aligned memory to <c>Free</c>/<c>Realloc</c>, plain memory to <c>AlignedFree</c>/
/// <c>AlignedRealloc</c>): FioMem takes the rest back (<see cref="AllocatorCalls.IsMismatch"/>).
/// </summary>
/// <remarks>
/// The pointer is followed back through casts, locals (any number of hops) and <c>FioOwned&lt;T&gt;.Pointer</c> within
/// the member. Flow-insensitive:
/// every value a local is ever given in the member counts, and the analysis only reports when all of them come from one
/// allocator (null and zero do not count). Fields, parameters, and values from other calls or arithmetic are unknown,
/// and an unknown source silences the report.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MismatchedReleaseAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property: the fully qualified method that releases the memory correctly (absent: no like-for-like fix).</summary>
    public const string ReplacementProperty = "Replacement";

    /// <summary>Property: the replacement as the code names it, type and method (<c>FioMemory.Free</c>), for the fix's title.</summary>
    public const string ReplacementNameProperty = "ReplacementName";

    /// <summary>Property: the cast the pointer argument needs for the replacement (<c>void*</c> or <c>nint</c>), if any.</summary>
    public const string ArgumentCastProperty = "ArgumentCast";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.MismatchedRelease);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        // Generated code is not analysed; see MemberOperations.RegisterMemberAnalysis for why ReportDiagnostics.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        // Only members that call a release by name get an operation tree (see MemberOperations).
        MemberOperations.RegisterMemberAnalysis(context, CalledNames.Releases, [MethodImpl(Hot.Optimized)] static (block, roots, symbols) =>
        {
            var operations = MemberOperations.DescendantsAndSelf(roots);
            LocalWrites? writes = null; // Gathered on the first release found, from the same operations.
            foreach (var operation in operations)
            {
                if (operation is IInvocationOperation invocation)
                    AnalyzeInvocation(block, invocation, symbols, operations, ref writes);
            }
        });
    }

    [MethodImpl(Hot.Optimized)]
    private static void AnalyzeInvocation(CodeBlockAnalysisContext context, IInvocationOperation invocation, KnownSymbols symbols,
        List<IOperation> operations, ref LocalWrites? writes)
    {
        var release = AllocatorCalls.ReleaseFamily(invocation.TargetMethod, symbols, out bool isRealloc);
        if (release == AllocatorFamily.Unknown)
            return;

        IArgumentOperation? pointer = null;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
                pointer = argument;
        }

        if (pointer is null)
            return;

        writes ??= LocalWrites.Of(operations);
        var origin = new Origin(invocation);
        origin.Trace(pointer.Value, symbols, writes, new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default));
        if (origin.Conflicting || origin.Family is not { } family || !AllocatorCalls.IsMismatch(family, release, invocation.TargetMethod))
            return;

        // Only the two-argument Realloc has a like-for-like replacement (not FioMemory.Realloc's three-argument overload,
        // the aligned reallocations or ReAllocHGlobal).
        string? replacement = isRealloc && !AllocatorCalls.HasLikeForLikeRealloc(invocation.TargetMethod, release)
            ? null
            : AllocatorCalls.MatchingCall(family, isRealloc);
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        if (replacement is not null)
        {
            properties[ReplacementProperty] = replacement;
            properties[ReplacementNameProperty] = ShortName(replacement);
            if (ArgumentCast(pointer.Value, family) is { } cast)
                properties[ArgumentCastProperty] = cast;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.MismatchedRelease,
            invocation.Syntax.GetLocation(),
            properties.ToImmutable(),
            origin.FirstMethod,
            Display(invocation.TargetMethod),
            replacement is null ? "the allocator that made it" : ShortName(replacement)));
    }

    // FreeHGlobal and FreeCoTaskMem take an IntPtr, FioMemory and NativeMemory a void*: the written argument may need a cast.
    private static string? ArgumentCast(IOperation argumentValue, AllocatorFamily target)
    {
        var written = argumentValue;
        while (written is IConversionOperation { IsImplicit: true } implicitConversion)
            written = implicitConversion.Operand;

        bool wantsIntPtr = target is AllocatorFamily.HGlobal or AllocatorFamily.CoTaskMem;
        bool isPointer = written.Type is IPointerTypeSymbol;
        if (wantsIntPtr && isPointer)
            return "nint";
        if (!wantsIntPtr && !isPointer)
            return "void*";
        return null;
    }

    private static string Display(IMethodSymbol method) => method.ContainingType.Name + "." + method.Name;

    private static string ShortName(string qualified)
    {
        int method = qualified.LastIndexOf('.');
        int type = qualified.LastIndexOf('.', method - 1);
        return qualified.Substring(type + 1);
    }

    // Where a pointer value came from: the set of allocator families of every value that can reach it.
    private sealed class Origin
    {
        // The call being checked: `p = Realloc(p, n)` gives p the call's own result, which is not where p came from.
        private readonly IOperation _checkedCall;

        public Origin(IOperation checkedCall) => _checkedCall = checkedCall;

        public AllocatorFamily? Family { get; private set; }

        public bool Conflicting { get; private set; }

        public string FirstMethod { get; private set; } = string.Empty;

        [MethodImpl(Hot.Optimized)]
        public void Trace(IOperation value, KnownSymbols symbols, LocalWrites writes, HashSet<ILocalSymbol> visited)
        {
            if (Conflicting)
                return;

            var source = PointerFlow.StripConversions(value);

            // IntPtr.ToPointer() keeps the address.
            if (source is IInvocationOperation { TargetMethod.Name: "ToPointer", Instance: { } instance }
                && instance.Type?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
            {
                source = PointerFlow.StripConversions(instance);
            }

            switch (source)
            {
                case IConditionalOperation { Type: not null, WhenFalse: { } whenFalse } conditional:
                    Trace(conditional.WhenTrue, symbols, writes, visited);
                    Trace(whenFalse, symbols, writes, visited);
                    return;

                case ISimpleAssignmentOperation chained: // p = q = Alloc(n)
                    Trace(chained.Value, symbols, writes, visited);
                    return;

                case IInvocationOperation call when call == _checkedCall:
                    return;

                case IPropertyReferenceOperation { Instance: { } owner } property when FioMemCalls.IsOwnedPointer(property.Property, symbols):
                    Trace(owner, symbols, writes, visited); // owned.Pointer: the address a FioOwned<T> holds.
                    return;

                case IInvocationOperation call:
                    var family = AllocatorCalls.AllocationFamily(call.TargetMethod, symbols);
                    if (family == AllocatorFamily.Unknown)
                        Conflicting = true;
                    else
                        Add(family, Display(call.TargetMethod));
                    return;

                case ILocalReferenceOperation local:
                    if (visited.Add(local.Local))
                        TraceLocal(local.Local, symbols, writes, visited);
                    return;

                default:
                    if (!PointerFlow.IsNullConstant(source))
                        Conflicting = true;
                    return;
            }
        }

        [MethodImpl(Hot.Optimized)]
        private void TraceLocal(ILocalSymbol local, KnownSymbols symbols, LocalWrites writes, HashSet<ILocalSymbol> visited)
        {
            // Every operation listed writes this local (LocalWrites keys them by it).
            foreach (var operation in writes.Of(local))
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator:
                        if (declarator.GetVariableInitializer() is { } initializer)
                            Trace(initializer.Value, symbols, writes, visited);
                        break;

                    case ISimpleAssignmentOperation assignment:
                        Trace(assignment.Value, symbols, writes, visited);
                        break;

                    // Written some other way (compound assignment, ++, ref/out, deconstruction, address taken): unknown.
                    default:
                        Conflicting = true;
                        break;
                }

                if (Conflicting)
                    return;
            }
        }

        [MethodImpl(Hot.Optimized)]
        private void Add(AllocatorFamily family, string method)
        {
            if (Family is null)
            {
                Family = family;
                FirstMethod = method;
            }
            else if (Family != family)
            {
                Conflicting = true;
            }
        }
    }

    /// <summary>
    /// The operations of one member that may write each local (declarations, assignments, compound assignments,
    /// <c>++</c>, <c>&amp;</c>, <c>ref</c>/<c>out</c> arguments, deconstructions), in tree order: gathered from the member's
    /// operations once and shared by every release traced in it, instead of one walk per traced local.
    /// </summary>
    private sealed class LocalWrites
    {
        private static readonly IOperation[] s_none = new IOperation[0];
        private readonly Dictionary<ILocalSymbol, List<IOperation>> _writes = new(SymbolEqualityComparer.Default);

        /// <summary>Gathers the writes among <paramref name="operations"/> (a member's, in tree order).</summary>
        [MethodImpl(Hot.Optimized)]
        public static LocalWrites Of(List<IOperation> operations)
        {
            var writes = new LocalWrites();
            foreach (var operation in operations)
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator:
                        writes.Add(declarator.Symbol, operation);
                        break;
                    case IDeconstructionAssignmentOperation deconstruction:
                        foreach (var part in deconstruction.Target.DescendantsAndSelf())
                        {
                            if (part is ILocalReferenceOperation target)
                                writes.Add(target.Local, operation);
                        }
                        break;
                    default:
                        if (WrittenLocal(operation) is { } local)
                            writes.Add(local, operation);
                        break;
                }
            }

            return writes;
        }

        /// <summary>The local an assignment, compound assignment, <c>++</c>, <c>&amp;</c> or <c>ref</c>/<c>out</c> argument writes.</summary>
        private static ILocalSymbol? WrittenLocal(IOperation operation) => operation switch
        {
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
            ICompoundAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
            IIncrementOrDecrementOperation { Target: ILocalReferenceOperation target } => target.Local,
            IAddressOfOperation { Reference: ILocalReferenceOperation target } => target.Local,
            IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: ILocalReferenceOperation target } => target.Local,
            _ => null,
        };

        /// <summary>The operations that may write <paramref name="local"/>, in tree order.</summary>
        [MethodImpl(Hot.Optimized)]
        public IReadOnlyList<IOperation> Of(ILocalSymbol local) =>
            _writes.TryGetValue(local, out var list) ? list : s_none;

        [MethodImpl(Hot.Optimized)]
        private void Add(ILocalSymbol local, IOperation operation)
        {
            if (!_writes.TryGetValue(local, out var list))
                _writes.Add(local, list = new List<IOperation>());
            if (list.Count == 0 || list[list.Count - 1] != operation)
                list.Add(operation);
        }
    }
}
