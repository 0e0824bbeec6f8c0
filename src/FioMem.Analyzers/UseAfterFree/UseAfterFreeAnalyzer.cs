// FIO006: a FioMem pointer dereferenced, indexed, passed on or freed again after it was freed in the same member (or
// after its FioHeap was disposed or reset).
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.UseAfterFree;

/// <summary>
/// Reports FIO006 on a use of a local or parameter that <see cref="FreedVariables"/> proves freed on every path
/// reaching it. Only members that call a FioMem free pay for a control flow graph. Lambdas and local functions are
/// analysed as members of their own: a free outside them says nothing about when they run.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UseAfterFreeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UseAfterFree);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        // Generated code is not analysed; see MemberOperations.RegisterMemberAnalysis for why ReportDiagnostics.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        // Only members that call a free by name get an operation tree (see MemberOperations).
        MemberOperations.RegisterMemberAnalysis(context, CalledNames.FreesAndHeapReleases, AnalyzeMember, onlyWhereFioMemIsNamed: true);
    }

    [MethodImpl(Hot.Optimized)]
    private static void AnalyzeMember(CodeBlockAnalysisContext context, ImmutableArray<IOperation> roots, KnownSymbols symbols)
    {
        var frees = new FreeSites();
        List<(ISymbol Heap, SyntaxNode Release)>? heapReleases = null;
        foreach (var operation in MemberOperations.DescendantsAndSelf(roots))
        {
            if (operation is not IInvocationOperation invocation)
                continue;
            if (HeapMemory.ReleasedHeap(invocation, symbols) is { } heap)
                (heapReleases ??= new()).Add((heap, invocation.Syntax));
            if (!FioMemCalls.IsFree(invocation.TargetMethod, symbols))
                continue;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Value.StripConversions().ReferencedLocalOrParameter() is { } variable)
                    frees.Add(variable, invocation.Syntax);
            }
        }

        // A heap's release frees every variable that holds its memory: recorded as a free of each.
        var heaps = HeapMemory.None;
        if (heapReleases is not null)
        {
            heaps = HeapMemory.Collect(MemberOperations.DescendantsAndSelf(roots), symbols);
            foreach (var (heap, release) in heapReleases)
            {
                foreach (var memory in heaps.MemoryOf(heap))
                    frees.Add(memory, release);
            }
        }

        if (frees.IsEmpty)
            return;

        foreach (var root in roots)
        {
            // A control flow graph is costly; build one only when a use of a freed variable survives the
            // syntactic pre-check (FreeSites.MayBeFreedAt).
            if (HasUseAfterAFree(root, symbols, frees) && GraphOf(root, context.CancellationToken) is { } graph)
                AnalyzeGraph(context, graph, symbols, heaps);
        }
    }

    [MethodImpl(Hot.Optimized)]
    private static bool HasUseAfterAFree(IOperation block, KnownSymbols symbols, FreeSites frees)
    {
        foreach (var operation in block.DescendantsAndSelf())
        {
            if (operation.ReferencedLocalOrParameter() is { } variable
                && frees.MayBeFreedAt(variable, operation.Syntax)
                && FreedVariables.Classify(operation, symbols) != FreedVariables.Use.None)
                return true;
        }

        return false;
    }

    /// <summary>The control flow graph of a member's operation tree, for the roots a graph can be built from.</summary>
    private static ControlFlowGraph? GraphOf(IOperation root, System.Threading.CancellationToken cancellationToken) => root switch
    {
        IMethodBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IConstructorBodyOperation constructor => ControlFlowGraph.Create(constructor, cancellationToken),
        IFieldInitializerOperation field => ControlFlowGraph.Create(field, cancellationToken),
        IPropertyInitializerOperation property => ControlFlowGraph.Create(property, cancellationToken),
        IParameterInitializerOperation parameter => ControlFlowGraph.Create(parameter, cancellationToken),
        IBlockOperation block => ControlFlowGraph.Create(block, cancellationToken),
        _ => null,
    };

    private static void AnalyzeGraph(CodeBlockAnalysisContext context, ControlFlowGraph graph, KnownSymbols symbols, HeapMemory heaps)
    {
        var freedOnEntry = FreedVariables.Compute(graph, symbols, heaps);
        foreach (var block in graph.Blocks)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (!freedOnEntry.TryGetValue(block, out var freed))
                continue;

            foreach (var operation in block.Operations)
                freed = CheckOperation(context, operation, freed, symbols, heaps);
            if (block.BranchValue is { } branchValue)
                CheckOperation(context, branchValue, freed, symbols, heaps);
        }

        foreach (var localFunction in graph.LocalFunctions)
            AnalyzeGraph(context, graph.GetLocalFunctionControlFlowGraph(localFunction, context.CancellationToken), symbols, heaps);

        foreach (var block in graph.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                foreach (var lambda in operation.DescendantsAndSelf())
                {
                    if (lambda is IFlowAnonymousFunctionOperation anonymous)
                        AnalyzeGraph(context, graph.GetAnonymousFunctionControlFlowGraph(anonymous, context.CancellationToken), symbols, heaps);
                }
            }
        }
    }

    /// <summary>Reports the uses of already-freed variables in <paramref name="operation"/>, then applies its effects.</summary>
    private static ImmutableHashSet<ISymbol> CheckOperation(CodeBlockAnalysisContext context, IOperation operation,
        ImmutableHashSet<ISymbol> freed, KnownSymbols symbols, HeapMemory heaps)
    {
        if (!freed.IsEmpty)
        {
            foreach (var node in operation.DescendantsAndSelf())
            {
                if (node.ReferencedLocalOrParameter() is not { } variable || !freed.Contains(variable))
                    continue;

                string? verb = FreedVariables.Classify(node, symbols) switch
                {
                    FreedVariables.Use.Dereferenced => "dereferenced",
                    FreedVariables.Use.Indexed => "indexed",
                    FreedVariables.Use.PassedOn => "passed on",
                    FreedVariables.Use.FreedAgain => "freed again",
                    _ => null,
                };
                if (verb is not null)
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UseAfterFree, node.Syntax.GetLocation(), variable.Name, verb));
            }
        }

        return FreedVariables.Transfer(operation, freed, symbols, heaps);
    }
}
