// FIO007: FioMemory.Realloc or FioAlloc<T>.Resize on every iteration of a loop that also allocates, so growth copies.
using System.Collections.Generic;
using System.Collections.Immutable;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.ReallocInLoop;

/// <summary>
/// Reports FIO007 on a resize call that runs once per iteration of a <c>for</c>, <c>foreach</c>, <c>while</c> or
/// <c>do</c> loop (in its body, its condition or a <c>for</c> increment, but not in a <c>for</c> initializer or the
/// collection of a <c>foreach</c>, which run once) when the same loop also makes another FioMem block allocation on
/// each iteration.
/// </summary>
/// <remarks>
/// FioMem grows a small allocation in place when it is the latest allocation of the calling thread's current block
/// and the new size fits in that block, and a shrink always stays in place; only otherwise does a resize allocate,
/// copy and free. A loop that grows one buffer and allocates nothing else therefore copies it about once per block,
/// and is not reported. An allocation made between two resizes takes the slices after the buffer, so every growth
/// copies it: that is what is reported. Not counted as "another allocation": an allocation inside the resize's own
/// arguments or stored into the resized variable (the buffer itself), another resize of the same variable, and calls
/// inside lambdas and local functions (the loop only creates the delegate; nothing says how often it runs).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ReallocInLoopAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ReallocInLoop);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        // Generated code is not analysed; see MemberOperations.RegisterMemberAnalysis for why ReportDiagnostics.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        // Only members that call a resize by name get an operation tree (see MemberOperations).
        MemberOperations.RegisterMemberAnalysis(context, CalledNames.Resizes, static (block, roots, symbols) =>
        {
            foreach (var operation in MemberOperations.DescendantsAndSelf(roots))
            {
                if (operation is IInvocationOperation invocation)
                    AnalyzeInvocation(block, invocation, symbols);
            }
        });
    }

    private static void AnalyzeInvocation(CodeBlockAnalysisContext context, IInvocationOperation invocation, KnownSymbols symbols)
    {
        if (!FioMemCalls.IsResize(invocation.TargetMethod, symbols) || LoopRunningPerIteration(invocation) is not { } loop)
            return;
        if (OtherAllocationPerIteration(loop, invocation, symbols) is not { } other)
            return;

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.ReallocInLoop,
            invocation.Syntax.GetLocation(),
            additionalLocations: new[] { other.Syntax.GetLocation() },
            Display(invocation.TargetMethod),
            Display(other.TargetMethod)));
    }

    /// <summary>The innermost loop that runs <paramref name="operation"/> on each of its iterations, if any.</summary>
    private static ILoopOperation? LoopRunningPerIteration(IOperation operation)
    {
        var child = operation;
        for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return null;
                case IForLoopOperation forLoop when forLoop.Before.Contains(child):
                    continue;
                case IForEachLoopOperation forEach when forEach.Collection == child:
                    continue;
                case ILoopOperation loop:
                    return loop;
            }
        }

        return null;
    }

    /// <summary>
    /// The first FioMem block allocation or resize, other than <paramref name="resize"/> and the buffer it resizes,
    /// that <paramref name="loop"/> runs on each iteration.
    /// </summary>
    private static IInvocationOperation? OtherAllocationPerIteration(ILoopOperation loop, IInvocationOperation resize, KnownSymbols symbols)
    {
        var buffer = ResizedVariable(resize);
        var pending = new Stack<IOperation>();
        foreach (var child in loop.ChildOperations)
        {
            bool runsOnce = loop is IForLoopOperation forLoop && forLoop.Before.Contains(child)
                || loop is IForEachLoopOperation forEach && forEach.Collection == child;
            if (!runsOnce)
                pending.Push(child);
        }

        IInvocationOperation? first = null;
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            if (operation == resize || operation is IAnonymousFunctionOperation or ILocalFunctionOperation)
                continue;

            if (operation is IInvocationOperation call && IsOtherAllocation(call, buffer, symbols)
                && (first is null || call.Syntax.SpanStart < first.Syntax.SpanStart))
                first = call;

            foreach (var child in operation.ChildOperations)
                pending.Push(child);
        }

        return first;
    }

    private static bool IsOtherAllocation(IInvocationOperation call, ISymbol? buffer, KnownSymbols symbols)
    {
        var kind = FioMemCalls.Classify(call.TargetMethod, symbols);
        if (!kind.IsBlockAllocation)
            return false;
        if (buffer is null)
            return true;
        if (kind.IsFioMemResize && SymbolEqualityComparer.Default.Equals(ResizedVariable(call), buffer))
            return false; // The same buffer resized twice: neither takes slices after the other.
        return !SymbolEqualityComparer.Default.Equals(StoredInto(call), buffer);
    }

    /// <summary>The local or parameter a resize's first argument reads, if it is a plain variable.</summary>
    private static ISymbol? ResizedVariable(IInvocationOperation resize)
    {
        foreach (var argument in resize.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
                return argument.Value.StripConversions().ReferencedLocalOrParameter();
        }

        return null;
    }

    /// <summary>The local or parameter <paramref name="call"/>'s result is assigned to or initializes, if any.</summary>
    private static ISymbol? StoredInto(IInvocationOperation call)
    {
        IOperation value = call;
        while (value.Parent is IConversionOperation conversion)
            value = conversion;

        return value.Parent switch
        {
            ISimpleAssignmentOperation assignment when assignment.Value == value => assignment.Target.ReferencedLocalOrParameter(),
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            _ => null,
        };
    }

    private static string Display(IMethodSymbol method) => method.ContainingType.Name + "." + method.Name;
}
