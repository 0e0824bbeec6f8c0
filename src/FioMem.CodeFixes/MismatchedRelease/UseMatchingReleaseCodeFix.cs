// Code fix for FIO002: release (or reallocate) the memory with the allocator that made it.
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.Diagnostics;
using FioMem.Analyzers.MismatchedRelease;
using FioMem.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace FioMem.CodeFixes.MismatchedRelease;

/// <summary>
/// Replaces the release call with the one the analyzer named in <see cref="MismatchedReleaseAnalyzer.ReplacementProperty"/>
/// (the title names it as <see cref="MismatchedReleaseAnalyzer.ReplacementNameProperty"/> says),
/// casting the pointer when the two calls take it as different types (<c>void*</c> and <c>IntPtr</c>). No fix is offered
/// when there is no like-for-like call (reallocating aligned, HGlobal or CoTaskMem memory, three-argument <c>FioMemory.Realloc</c>).
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
            context.RegisterCodeFix(
                CodeAction.Create(Title(diagnostic.Properties, replacement), ct => ReplaceAsync(context.Document, invocation, replacement, cast, ct), equivalenceKey: EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>"Use FioMemory.Free": the replacement as the analyzer names it for people.</summary>
    internal static string Title(ImmutableDictionary<string, string?> properties, string replacement) =>
        "Use " + (properties.TryGetValue(MismatchedReleaseAnalyzer.ReplacementNameProperty, out var name) && !string.IsNullOrEmpty(name)
            ? name
            : replacement);

    private static async Task<Document> ReplaceAsync(Document document, InvocationExpressionSyntax invocation, string replacement, string? cast, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);

        // The replacement's type written in full; the clean-up reduces it and adds its import.
        var generator = editor.Generator;
        int dot = replacement.LastIndexOf('.');
        var type = editor.SemanticModel.Compilation.GetTypeByMetadataName(replacement.Substring(0, dot));
        if (type is null)
            return document;
        var callee = generator.MemberAccessExpression(
            generator.TypeExpression(type).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation), replacement.Substring(dot + 1));
        editor.ReplaceNode(invocation.Expression, callee.WithTriviaFrom(invocation.Expression));

        // The cast the argument needs (the generator parenthesizes the operand; the simplifier drops what is not needed).
        if (cast is not null && invocation.ArgumentList.Arguments.Count > 0)
        {
            var pointer = invocation.ArgumentList.Arguments[0].Expression;
            editor.ReplaceNode(pointer, generator.CastExpression(SyntaxFactory.ParseTypeName(cast), pointer.WithoutTrivia()).WithTriviaFrom(pointer));
        }

        return await FixCleanup.CleanUpAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
    }
}
