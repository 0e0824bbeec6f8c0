// The one clean-up step every code fix ends with: imports, simplification, unused imports and formatting, each driven
// by the annotations the fix put on the syntax it wrote.
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace FioMem.CodeFixes.Common;

/// <summary>
/// Finishes a fixed document, in this order: adds the imports that nodes annotated with
/// <see cref="Simplifier.AddImportsAnnotation"/> need, reduces the names and parentheses annotated with
/// <see cref="Simplifier.Annotation"/>, removes each using directive marked with <see cref="MarkRemoveIfUnused"/> that
/// the file compiles as well without, and formats the nodes annotated with <see cref="Formatter.Annotation"/> and the
/// elastic trivia of the tokens <see cref="SyntaxGenerator"/> made.
/// </summary>
internal static class FixCleanup
{
    private const string RemoveIfUnusedKind = "FioMem.RemoveIfUnused";

    /// <summary>Runs the clean-up on <paramref name="document"/>.</summary>
    public static async Task<Document> CleanUpAsync(Document document, CancellationToken cancellationToken)
    {
        var before = document;
        document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        var withoutUnused = await RemoveUnusedImportsAsync(document, cancellationToken).ConfigureAwait(false);
        bool removed = withoutUnused != document;
        document = await Formatter.FormatAsync(withoutUnused, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        document = await Formatter.FormatAsync(document, SyntaxAnnotation.ElasticAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return removed ? await TrimLeadingBlankLinesAsync(before, document, cancellationToken).ConfigureAwait(false) : document;
    }

    /// <summary>
    /// Marks the using directives a fix may leave unused: the clean-up removes each one whose removal adds no compiler
    /// error. Only directives that a rewrite could have made unused should be marked; the others are the user's.
    /// </summary>
    public static SyntaxNode MarkRemoveIfUnused(SyntaxNode root, IEnumerable<UsingDirectiveSyntax> directives) =>
        root.ReplaceNodes(directives, (_, rewritten) => rewritten.WithAdditionalAnnotations(new SyntaxAnnotation(RemoveIfUnusedKind)));

    // One directive at a time, in source order, each against the file as the earlier removals left it.
    private static async Task<Document> RemoveUnusedImportsAsync(Document document, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
            return document;

        var marks = root.GetAnnotatedNodes(RemoveIfUnusedKind).SelectMany(node => node.GetAnnotations(RemoveIfUnusedKind)).ToList();
        foreach (var mark in marks)
        {
            var current = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
            if (current.GetAnnotatedNodes(mark).FirstOrDefault() is not UsingDirectiveSyntax target)
                continue;

            int errorsBefore = await ErrorCountAsync(document, cancellationToken).ConfigureAwait(false);
            var without = current.RemoveNode(target, SyntaxRemoveOptions.KeepLeadingTrivia | SyntaxRemoveOptions.KeepUnbalancedDirectives);
            if (without is null)
                continue;

            var candidate = document.WithSyntaxRoot(without);
            if (await ErrorCountAsync(candidate, cancellationToken).ConfigureAwait(false) <= errorsBefore)
                document = candidate;
        }

        return document;
    }

    private static async Task<int> ErrorCountAsync(Document document, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return model is null ? 0 : model.GetDiagnostics(cancellationToken: cancellationToken).Count(d => d.Severity == DiagnosticSeverity.Error);
    }

    // A removed first using leaves the blank line that followed it at the top of the file.
    private static async Task<Document> TrimLeadingBlankLinesAsync(Document original, Document updated, CancellationToken cancellationToken)
    {
        var before = await original.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var after = await updated.GetTextAsync(cancellationToken).ConfigureAwait(false);
        if (before.Length == 0 || before[0] is '\r' or '\n')
            return updated;

        int end = 0;
        while (end < after.Length && after[end] is '\r' or '\n')
            end++;
        return end == 0 ? updated : updated.WithText(after.WithChanges(new TextChange(new TextSpan(0, end), string.Empty)));
    }
}
