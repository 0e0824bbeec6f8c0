// Code fix for FIO003: "Use FioMem allocator" rewrites a NativeMemory pointer group to FioMemory.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.Diagnostics;
using FioMem.Analyzers.Migration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace FioMem.CodeFixes.Migration;

/// <summary>
/// Rewrites every call of the diagnostic's pointer group (its additional locations) at once, so allocation, reallocation
/// and release always move together, possibly across the documents of a partial type.
/// </summary>
/// <remarks>
/// Fix All is a document-based provider: each document rewrites the calls reported in it. Every call of a group carries
/// its own diagnostic, so the document, project and solution scopes rewrite whole groups; only the document scope can
/// split a group whose partial type spans several files, and it then rewrites the part in the chosen document.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseFioMemAllocatorCodeFix)), Shared]
public sealed class UseFioMemAllocatorCodeFix : CodeFixProvider
{
    /// <summary>The title, also the equivalence key: every FIO003 fix is the same kind of change.</summary>
    public const string Title = "Use FioMem allocator";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NativeMemoryMigration);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (GroupRewrites(diagnostic).Count == 0)
                continue;

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => FixGroupAsync(context.Document.Project.Solution, diagnostic, ct), equivalenceKey: Title),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    private static async Task<Solution> FixGroupAsync(Solution solution, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        foreach (var byTree in GroupRewrites(diagnostic).GroupBy(r => r.Tree))
        {
            var document = solution.GetDocument(byTree.Key);
            if (document is null)
                continue;

            var rewritten = await MigrationRewriter.RewriteAsync(document, byTree.Select(r => r.Call).ToList(), cancellationToken).ConfigureAwait(false);
            solution = rewritten.Project.Solution;
        }

        return solution;
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var calls = new List<CallRewrite>();
        foreach (var diagnostic in diagnostics)
        {
            foreach (var rewrite in GroupRewrites(diagnostic))
            {
                if (rewrite.Tree == diagnostic.Location.SourceTree && rewrite.Call.Span == diagnostic.Location.SourceSpan)
                    calls.Add(rewrite.Call);
            }
        }

        return await MigrationRewriter.RewriteAsync(document, calls, context.CancellationToken).ConfigureAwait(false);
    }

    // The calls of the diagnostic's group with their rewrites, from the analyzer's properties.
    private static List<(SyntaxTree? Tree, CallRewrite Call)> GroupRewrites(Diagnostic diagnostic)
    {
        var result = new List<(SyntaxTree?, CallRewrite)>();
        for (int i = 0; i < diagnostic.AdditionalLocations.Count; i++)
        {
            var location = diagnostic.AdditionalLocations[i];
            if (location.IsInSource && MigrationProperties.TryGetRewrite(diagnostic.Properties, i, out var method, out bool dropAlignment))
                result.Add((location.SourceTree, new CallRewrite(location.SourceSpan, method, dropAlignment)));
        }

        return result;
    }
}
