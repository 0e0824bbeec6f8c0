// Code fix for FIO002: release (or reallocate) the memory with the allocator that made it.
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.Diagnostics;
using FioMem.Analyzers.MismatchedRelease;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace FioMem.CodeFixes.MismatchedRelease;

/// <summary>
/// Replaces the release call with the one the analyzer named in <see cref="MismatchedReleaseAnalyzer.ReplacementProperty"/>,
/// casting the pointer when the two calls take it as different types (<c>void*</c> and <c>IntPtr</c>). No fix is offered
/// when there is no like-for-like call (reallocating aligned or HGlobal memory, three-argument <c>FioMemory.Realloc</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseMatchingReleaseCodeFix)), Shared]
public sealed class UseMatchingReleaseCodeFix : CodeFixProvider
{
    // One key for every replacement, so Fix All releases each mismatch with its own matching call in one pass.
    private const string EquivalenceKey = "UseMatchingRelease";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MismatchedRelease);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(MismatchedReleaseAnalyzer.ReplacementProperty, out var replacement) || replacement is null)
                continue;
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node
                || node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocation)
            {
                continue;
            }

            diagnostic.Properties.TryGetValue(MismatchedReleaseAnalyzer.ArgumentCastProperty, out var cast);
            string method = replacement.Substring(replacement.LastIndexOf('.', replacement.LastIndexOf('.') - 1) + 1);
            context.RegisterCodeFix(
                CodeAction.Create("Use " + method, ct => ReplaceAsync(context.Document, invocation, replacement, cast, ct), equivalenceKey: EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, InvocationExpressionSyntax invocation, string replacement, string? cast, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
            return document;

        var callee = SyntaxFactory.ParseExpression("global::" + replacement)
            .WithTriviaFrom(invocation.Expression)
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var arguments = invocation.ArgumentList;
        if (cast is not null && arguments.Arguments.Count > 0)
        {
            var first = arguments.Arguments[0];
            var operand = first.Expression is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ParenthesizedExpressionSyntax
                ? first.Expression.WithoutTrivia()
                : SyntaxFactory.ParenthesizedExpression(first.Expression.WithoutTrivia());
            var casted = SyntaxFactory.CastExpression(SyntaxFactory.ParseTypeName(cast), operand).WithTriviaFrom(first.Expression);
            arguments = arguments.WithArguments(arguments.Arguments.Replace(first, first.WithExpression(casted)));
        }

        var updated = document.WithSyntaxRoot(root.ReplaceNode(invocation, invocation.WithExpression(callee).WithArgumentList(arguments)));
        updated = await Microsoft.CodeAnalysis.Editing.ImportAdder.AddImportsAsync(updated, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        updated = await Simplifier.ReduceAsync(updated, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(updated, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
