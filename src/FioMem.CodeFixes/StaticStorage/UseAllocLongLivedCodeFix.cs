// FIO001's code fix: allocate data that lives in static storage with FioMemory.AllocLongLived.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.Diagnostics;
using FioMem.Analyzers.StaticStorage;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
/// <c>using static</c>) and all trivia stay as written.
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
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
            return document;

        var allocations = new Dictionary<InvocationExpressionSyntax, string>();
        foreach (var diagnostic in diagnostics)
        {
            if (FindAllocation(root, diagnostic) is { } found)
                allocations[found.Invocation] = found.Shape;
        }

        var newRoot = root.ReplaceNodes(allocations.Keys, (original, rewritten) =>
            Rewrite(rewritten, allocations[original], original, model, cancellationToken));
        return document.WithSyntaxRoot(newRoot);
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

    private static InvocationExpressionSyntax Rewrite(InvocationExpressionSyntax invocation, string shape,
        InvocationExpressionSyntax original, SemanticModel model, CancellationToken cancellationToken)
    {
        var name = NameOf(invocation)!;
        var newName = name.WithIdentifier(SyntaxFactory.Identifier(name.Identifier.LeadingTrivia, "AllocLongLived", name.Identifier.TrailingTrivia));
        var result = invocation.ReplaceNode(name, newName);

        if (shape != StaticStorageAnalyzer.CountTimesSizeShape)
            return result;

        // checked(count * size), computed in nuint like FioMemory's own product.
        var arguments = result.ArgumentList.Arguments;
        var count = arguments[0].Expression;
        var size = arguments[1].Expression;
        var countType = model.GetTypeInfo(original.ArgumentList.Arguments[0].Expression, cancellationToken).Type;
        ExpressionSyntax left = countType?.SpecialType == SpecialType.System_UIntPtr
            ? Parenthesize(count.WithoutTrivia())
            : SyntaxFactory.CastExpression(SyntaxFactory.IdentifierName("nuint"), Parenthesize(count.WithoutTrivia()));
        var product = SyntaxFactory.CheckedExpression(
            SyntaxKind.CheckedExpression,
            SyntaxFactory.BinaryExpression(SyntaxKind.MultiplyExpression, left, Parenthesize(size.WithoutTrivia())));

        var single = SyntaxFactory.Argument(product.WithTriviaFrom(count));
        return result.WithArgumentList(result.ArgumentList.WithArguments(
            SyntaxFactory.SingletonSeparatedList(single.WithLeadingTrivia(arguments[0].GetLeadingTrivia()).WithTrailingTrivia(arguments[1].GetTrailingTrivia()))));
    }

    /// <summary>Parentheses the simplifier removes again where they are not needed.</summary>
    private static ExpressionSyntax Parenthesize(ExpressionSyntax expression) =>
        SyntaxFactory.ParenthesizedExpression(expression).WithAdditionalAnnotations(Simplifier.Annotation);
}
