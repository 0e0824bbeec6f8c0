// FIO001's code fix: allocate data that lives in static storage with FioMemory.AllocLongLived.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.Diagnostics;
using FioMem.Analyzers.StaticStorage;
using FioMem.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace FioMem.CodeFixes.StaticStorage;

/// <summary>
/// Rewrites the allocation behind FIO001 to <c>FioMemory.AllocLongLived</c>, which never keeps a block reserved.
/// Offered only for a direct <c>FioMemory.Alloc</c>/<c>AllocZeroed</c> call (the analyzer says so in
/// <see cref="StaticStorageAnalyzer.AllocationShapeProperty"/>): <c>Alloc(n)</c> becomes <c>AllocLongLived(n)</c>,
/// and <c>Alloc(count, size)</c> becomes <c>AllocLongLived(checked(count * size))</c>, with <c>count</c> cast to
/// <c>nuint</c> when it is not one already, so the product is computed in <c>nuint</c> as before (an overflow now
/// throws <see cref="System.OverflowException"/> instead of <see cref="System.OutOfMemoryException"/>).
/// <c>Realloc</c>, <c>FioAlloc&lt;T&gt;.New*</c> and generated <c>T.New*</c> have no long-lived twin: no fix.
/// Only the method name token changes, so the receiver (<c>FioMemory</c>, an alias, <c>global::</c>, or none under
/// <c>using static</c>) and all trivia stay as written. The rewritten call carries a <see cref="WarningAnnotation"/>
/// (long-lived memory never goes back to a block), and the <c>checked</c> product a second one (the overflow exception
/// changes).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseAllocLongLivedCodeFix)), Shared]
public sealed class UseAllocLongLivedCodeFix : CodeFixProvider
{
    /// <summary>The title of the code action, also its equivalence key.</summary>
    public const string Title = "Allocate with FioMemory.AllocLongLived";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.StaticStorage);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
            return;

        foreach (var diagnostic in context.Diagnostics)
        {
            if (FindAllocation(root, diagnostic) is null)
                continue;

            context.RegisterCodeFix(
                CodeAction.Create(Title, token => FixAsync(context.Document, ImmutableArray.Create(diagnostic), token), Title),
                diagnostic);
        }
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics) =>
        await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false);

    /// <summary>Rewrites each distinct allocation once, even when several stores share it.</summary>
    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var model = editor.SemanticModel;
        var allocations = new Dictionary<InvocationExpressionSyntax, string>();
        foreach (var diagnostic in diagnostics)
        {
            if (FindAllocation(editor.OriginalRoot, diagnostic) is { } found)
                allocations[found.Invocation] = found.Shape;
        }

        foreach (var pair in allocations)
        {
            var original = pair.Key;
            string shape = pair.Value;
            bool countIsNuint = shape == StaticStorageAnalyzer.CountTimesSizeShape
                && model.GetTypeInfo(original.ArgumentList.Arguments[0].Expression, cancellationToken).Type?.SpecialType == SpecialType.System_UIntPtr;
            editor.ReplaceNode(original, (current, generator) => Rewrite((InvocationExpressionSyntax)current, shape, countIsNuint, generator));
        }

        return await FixCleanup.CleanUpAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The allocation call the diagnostic points at, if the fix can rewrite it.</summary>
    private static (InvocationExpressionSyntax Invocation, string Shape)? FindAllocation(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(StaticStorageAnalyzer.AllocationShapeProperty, out var shape) || shape is null
            || diagnostic.AdditionalLocations.Count == 0)
            return null;

        var location = diagnostic.AdditionalLocations[0];
        if (location.SourceTree != root.SyntaxTree)
            return null;

        var node = root.FindNode(location.SourceSpan, getInnermostNodeForTie: true);
        var invocation = node as InvocationExpressionSyntax ?? node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
        if (invocation is null || NameOf(invocation) is null)
            return null;

        int expectedArguments = shape == StaticStorageAnalyzer.ByteCountShape ? 1 : 2;
        if (invocation.ArgumentList.Arguments.Count != expectedArguments
            || invocation.ArgumentList.Arguments.Any(argument => argument.NameColon is not null))
            return null;

        return (invocation, shape);
    }

    /// <summary>The simple name of the called method: <c>Alloc</c> in <c>FioMemory.Alloc(n)</c> or <c>Alloc(n)</c>.</summary>
    private static SimpleNameSyntax? NameOf(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        MemberAccessExpressionSyntax access => access.Name,
        SimpleNameSyntax name => name,
        _ => null,
    };

    // The call renamed (its receiver and trivia as written), marked with the warnings for what changes at run time.
    private static SyntaxNode Rewrite(InvocationExpressionSyntax invocation, string shape, bool countIsNuint, SyntaxGenerator generator)
    {
        var name = NameOf(invocation)!;
        var result = invocation.ReplaceNode(name, generator.IdentifierName("AllocLongLived").WithTriviaFrom(name));

        if (shape == StaticStorageAnalyzer.CountTimesSizeShape)
        {
            // checked(count * size), computed in nuint like FioMemory's own product.
            var arguments = result.ArgumentList.Arguments;
            var count = arguments[0].Expression;
            var size = arguments[1].Expression;
            // The generator parenthesizes the operands for the simplifier to reduce; the cast is the fix's own, kept as written.
            var left = countIsNuint
                ? count.WithoutTrivia()
                : SyntaxFactory.CastExpression(SyntaxFactory.IdentifierName("nuint"), Parenthesize(count.WithoutTrivia()));
            var product = SyntaxFactory.CheckedExpression(
                    SyntaxKind.CheckedExpression,
                    (ExpressionSyntax)generator.MultiplyExpression(left, size.WithoutTrivia()))
                .WithAdditionalAnnotations(BehaviourWarnings.ProductOverflow());

            var single = SyntaxFactory.Argument(product.WithTriviaFrom(count));
            result = result.WithArgumentList(result.ArgumentList.WithArguments(
                SyntaxFactory.SingletonSeparatedList(single.WithLeadingTrivia(arguments[0].GetLeadingTrivia()).WithTrailingTrivia(arguments[1].GetTrailingTrivia()))));
        }

        return result.WithAdditionalAnnotations(BehaviourWarnings.LongLived());
    }

    /// <summary>Parentheses the simplifier removes again where they are not needed.</summary>
    private static ExpressionSyntax Parenthesize(ExpressionSyntax expression) =>
        SyntaxFactory.ParenthesizedExpression(expression).WithAdditionalAnnotations(Simplifier.Annotation);
}
