// Runs FIO003's analysis outside an analyzer host and says why each group stays: for tests and for measuring a migration.
using System.Collections.Generic;
using System.Collections.Immutable;
using FioMem.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FioMem.Analyzers.Migration;

/// <summary>FIO003's groups with their verdicts, computed over a whole compilation in one go.</summary>
internal static class MigrationExplainer
{
    /// <summary>
    /// Solves the groups of <paramref name="compilation"/> and says what becomes of each call: the FioMemory method it
    /// moves to, or why it stays. For tests and for measuring a migration.
    /// </summary>
    public static List<(MigrationCandidate Call, CallVerdict Verdict)> Explain(Compilation compilation, AnalyzerOptions options)
    {
        var result = new List<(MigrationCandidate, CallVerdict)>();
        var symbols = KnownSymbols.TryCreate(compilation);
        if (symbols?.NativeMemory is not { } nativeMemory)
            return result;

        var scope = MigrationScope.Create(compilation, options);
        var graph = new OwnershipGraph();
        var walker = new OwnershipWalker(graph, nativeMemory, symbols.FioMemory, compilation.Assembly, scope);
        foreach (var tree in compilation.SyntaxTrees)
            OwnershipTrees.AnalyzeTree(walker, compilation.GetSemanticModel(tree), isGeneratedCode: false, default);

        foreach (var group in graph.Solve())
        {
            var verdicts = NativeMemoryMigrationAnalyzer.Decide(group, symbols, scope);
            for (int i = 0; i < verdicts.Length; i++)
                result.Add((group.Calls[i], verdicts[i]));
        }

        return result;
    }
}
