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
/// and release always move together, across every document the group spans.
/// </summary>
/// <remarks>
/// Fix All rewrites the whole group of every diagnostic in its scope, in whichever documents the group's calls are: even
/// the document scope never splits a group.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseFioMemAllocatorCodeFix)), Shared]
public sealed class UseFioMemAllocatorCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key, and the title of Fix All: every FIO003 fix is the same kind of change.</summary>
    public const string Title = "Use FioMem allocator";

    /// <summary>
    /// The title of one group's fix, from the diagnostic's properties: "Use FioMem allocator for group 'C.M: p'", with
    /// "(long-lived: never freed)" when the group's allocations become <c>AllocLongLived</c>.
    /// </summary>
    internal static string TitleFor(ImmutableDictionary<string, string?> properties)
    {
        string title = MigrationProperties.Group(properties) is { } group ? Title + " for group '" + group + "'" : Title;
        return MigrationProperties.IsLongLived(properties) ? title + " (long-lived: never freed)" : title;
    }

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NativeMemoryMigration);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => GroupFixAllProvider.Instance;

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (GroupRewrites(diagnostic).Count == 0)
                continue;

            context.RegisterCodeFix(
                CodeAction.Create(TitleFor(diagnostic.Properties), ct => FixGroupAsync(context.Document.Project.Solution, diagnostic, ct), equivalenceKey: Title),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    private static Task<Solution> FixGroupAsync(Solution solution, Diagnostic diagnostic, CancellationToken cancellationToken) =>
        FixGroupsAsync(solution, new[] { diagnostic }, cancellationToken);

    // Rewrites every call of every diagnostic's group, each call once, document by document.
    private static async Task<Solution> FixGroupsAsync(Solution solution, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var byTree = new Dictionary<SyntaxTree, Dictionary<Microsoft.CodeAnalysis.Text.TextSpan, CallRewrite>>();
        var conditionalByTree = new Dictionary<SyntaxTree, string?>();
        foreach (var diagnostic in diagnostics)
        {
            foreach (var (tree, call) in GroupRewrites(diagnostic))
            {
                if (tree is null)
                    continue;
                if (!byTree.TryGetValue(tree, out var calls))
                {
                    byTree[tree] = calls = new Dictionary<Microsoft.CodeAnalysis.Text.TextSpan, CallRewrite>();
                    conditionalByTree[tree] = MigrationProperties.Conditional(diagnostic.Properties);
                }

                calls[call.Span] = call;
            }
        }

        foreach (var pair in byTree)
        {
            var document = solution.GetDocument(pair.Key);
            if (document is null)
                continue;

            var rewritten = await MigrationRewriter.RewriteAsync(document, pair.Value.Values.ToList(), conditionalByTree[pair.Key], cancellationToken).ConfigureAwait(false);
            solution = rewritten.Project.Solution;
        }

        return solution;
    }

    /// <summary>Fix All that rewrites whole groups in every scope, even where a group reaches beyond the chosen document.</summary>
    private sealed class GroupFixAllProvider : FixAllProvider
    {
        public static readonly GroupFixAllProvider Instance = new();

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
            new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var diagnostics = new List<Diagnostic>();
            switch (fixAllContext.Scope)
            {
                case FixAllScope.Document when fixAllContext.Document is { } document:
                    diagnostics.AddRange(await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false));
                    break;
                case FixAllScope.Project:
                    diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(fixAllContext.Project).ConfigureAwait(false));
                    break;
                case FixAllScope.Solution:
                    foreach (var project in fixAllContext.Solution.Projects)
                        diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                    break;
            }

            if (diagnostics.Count == 0)
                return null;
            var solution = fixAllContext.Solution;
            return CodeAction.Create(Title, ct => FixGroupsAsync(solution, diagnostics, ct), equivalenceKey: Title);
        }
    }

    // The calls of the diagnostic's group with their rewrites, from the analyzer's properties.
    private static List<(SyntaxTree? Tree, CallRewrite Call)> GroupRewrites(Diagnostic diagnostic)
    {
        var result = new List<(SyntaxTree?, CallRewrite)>();
        for (int i = 0; i < diagnostic.AdditionalLocations.Count; i++)
        {
            var location = diagnostic.AdditionalLocations[i];
            if (location.IsInSource && MigrationProperties.TryGetRewrite(diagnostic.Properties, i, out var method))
                result.Add((location.SourceTree, new CallRewrite(location.SourceSpan, method)));
        }

        return result;
    }
}
