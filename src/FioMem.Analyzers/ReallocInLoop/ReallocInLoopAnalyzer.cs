// FIO007: FioMemory.Realloc or FioAlloc<T>.Resize called on every iteration of a loop.
using System.Collections.Immutable;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.ReallocInLoop;

/// <summary>
/// Reports FIO007 on a resize call that runs once per iteration of a <c>for</c>, <c>foreach</c>, <c>while</c> or
/// <c>do</c> loop: in its body, its condition or a <c>for</c> increment, but not in a <c>for</c> initializer or the
/// collection of a <c>foreach</c>, which run once. A call inside a lambda or local function is not reported: the
/// loop only creates the delegate and nothing says how often it runs.
/// </summary>
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
        if (!FioMemCalls.IsResize(invocation.TargetMethod, symbols) || !RunsPerIteration(invocation))
            return;

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ReallocInLoop, invocation.Syntax.GetLocation()));
    }

    private static bool RunsPerIteration(IOperation operation)
    {
        var child = operation;
        for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
                case IForLoopOperation forLoop when forLoop.Before.Contains(child):
                    continue;
                case IForEachLoopOperation forEach when forEach.Collection == child:
                    continue;
                case ILoopOperation:
                    return true;
            }
        }

        return false;
    }
}
