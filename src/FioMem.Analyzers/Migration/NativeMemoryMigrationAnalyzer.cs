// FIO003: NativeMemory calls FioMem can serve, reported per pointer group of the whole compilation.
using System.Collections.Generic;
using System.Collections.Immutable;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FioMem.Analyzers.Migration;

/// <summary>
/// Finds <c>NativeMemory</c> allocations, reallocations and frees that can move to <c>FioMemory</c>.
/// </summary>
/// <remarks>
/// <para>
/// The unit of analysis is the compilation. Each member contributes facts (<see cref="OwnershipWalker"/>): which places
/// — locals, parameters, fields and properties of any accessibility (all instances of a field are one place), array
/// elements, method returns, and the calls themselves — a pointer travels between, and which places see values from
/// outside or hand memory to code the analysis cannot see. At compilation end the facts are solved
/// (<see cref="OwnershipGraph"/>) into groups: the allocations and every release/reallocation their pointers can reach.
/// An outflow (memory handed to code that may free it) keeps only the allocations of the groups it reaches.
/// </para>
/// <para>
/// Every release moves (FioMemory hands memory it did not allocate back to NativeMemory); an allocation or reallocation
/// moves only when its group's memory cannot reach a release FioMem does not control (<see cref="MigrationDecision"/>).
/// Each moving call is reported with every moving call of its group, so a fix never leaves FioMem memory released by
/// NativeMemory. A group whose memory is never freed moves to <c>AllocLongLived</c> (plain <c>Alloc</c> would pin a
/// block for good) or stays. Generated code is analysed (its flows count) but never rewritten: an allocation whose memory
/// reaches a release there stays.
/// </para>
/// <para>
/// The analysis runs only in compilations whose source names <c>NativeMemory</c> somewhere: there is nothing to migrate
/// elsewhere. There, only the members that can bear on a call's group are walked (<c>OwnershipTrees.RelevantMembers</c>,
/// the same walk as the interception generator's): the others cost a scan of their text, and no operation tree. Being a compilation-end rule, the IDE shows it with full-solution analysis; <c>dotnet format</c> and the
/// build run it always.
/// </para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NativeMemoryMigrationAnalyzer : DiagnosticAnalyzer
{
    private static readonly CalledNames s_nativeMemoryType = CalledNames.NativeMemoryType;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.NativeMemoryMigration);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        // Generated code is analysed (a free there must be seen) but gets no diagnostic. The rule keeps its diagnostics out
        // of generated code itself (Report), as the driver would: left to the driver, each diagnostic's location is
        // checked against every [GeneratedCode] declaration of its file, found by a scan of the file's tokens, which cost
        // about a third of the rule's time.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = KnownSymbols.TryCreate(start.Compilation);
            if (symbols?.NativeMemory is not { } nativeMemory || !NamesNativeMemory(start.Compilation, start.CancellationToken))
                return;

            var scope = MigrationScope.Create(start.Compilation, start.Options);
            var graph = new OwnershipGraph();
            var walker = new OwnershipWalker(graph, nativeMemory, symbols.FioMemory, start.Compilation.Assembly, scope);

            // Each member is only noted as the driver hands it over (no operation tree yet); at the end, the members that
            // can bear on a NativeMemory call's group are walked, as the interception generator walks them.
            var members = new OwnershipTrees.RelevantMembers(start.Compilation.Assembly);
            start.RegisterCodeBlockAction(block => members.Add(block.CodeBlock, block.OwningSymbol, block.SemanticModel, block.IsGeneratedCode));
            start.RegisterCompilationEndAction(end =>
            {
                foreach (var tree in end.Compilation.SyntaxTrees)
                    members.AddAliases(tree.GetRoot(end.CancellationToken));
                members.Walk(_ => walker, () => new[] { graph }, end.CancellationToken);
                Report(end, graph.Solve(), symbols, scope);
            });
        });
    }

    private static bool NamesNativeMemory(Compilation compilation, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (s_nativeMemoryType.OccurIn(tree.GetRoot(cancellationToken)))
                return true;
        }

        return false;
    }

    private static void Report(CompilationAnalysisContext context, List<CallGroup> groups, KnownSymbols symbols, MigrationScope scope)
    {
        int threshold = LargeAllocationThreshold(symbols.FioMemory);
        foreach (var group in groups)
        {
            var verdicts = Decide(group, symbols, scope);
            var calls = new List<MigrationCandidate>(verdicts.Length);
            var rewrites = new List<string>(verdicts.Length);
            for (int i = 0; i < verdicts.Length; i++)
            {
                if (verdicts[i].Target is { } target)
                {
                    calls.Add(group.Calls[i]);
                    rewrites.Add(target);
                }
            }

            if (calls.Count == 0)
                continue;

            var additional = new Location[calls.Count];
            for (int i = 0; i < calls.Count; i++)
                additional[i] = calls[i].Location;

            string groupText = "group '" + group.Name + "', " + calls.Count + (calls.Count == 1 ? " call" : " calls");
            var properties = MigrationProperties.Create(calls, rewrites, group.Name, scope.IsMultiTarget);
            for (int i = 0; i < calls.Count; i++)
            {
                var call = calls[i];
                if (InGeneratedCode(call))
                    continue;
                string note = string.Empty;
                if (rewrites[i] == "AllocLongLived")
                    note = "; the memory is never freed, so it becomes long-lived (plain Alloc would pin a block for good)";
                else if (call.Role == NativeMemoryCallRole.Release && calls.Count < group.Calls.Count)
                    note = "; memory FioMem did not allocate goes back to NativeMemory";
                else if (call.UnboundedSize)
                    note = "; its size is not bounded: allocations over " + threshold + " bytes take FioMem's large path (their own mapping, as with malloc)";

                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.NativeMemoryMigration, call.Location, additional, properties,
                    call.NativeMethod, rewrites[i], groupText, note));
            }
        }
    }

    // Where the driver would drop a diagnostic as generated code (GeneratedCodeAnalysisFlags without ReportDiagnostics):
    // a member it flags as generated (a generated file, a declaration under [GeneratedCode], which the call's member
    // carries), or a position under #line hidden.
    private static bool InGeneratedCode(MigrationCandidate call) =>
        call.InGeneratedCode || call.Location.SourceTree is { } tree && tree.HasHiddenRegions()
        && tree.GetLineVisibility(call.Location.SourceSpan.Start) == LineVisibility.Hidden;

    // What becomes of each call of a solved group.
    internal static CallVerdict[] Decide(CallGroup group, KnownSymbols symbols, MigrationScope scope) =>
        MigrationDecision.Decide(group, MigrationDecision.HasLongLivedTwin(symbols.FioMemory), scope.IsMultiTarget,
            scope.DefinesFioMemSymbol);

    private static int LargeAllocationThreshold(INamedTypeSymbol fioMemory)
    {
        foreach (var member in fioMemory.GetMembers("LargeAllocationThreshold"))
        {
            if (member is IFieldSymbol { HasConstantValue: true, ConstantValue: int value })
                return value;
        }

        return 49152;
    }
}
