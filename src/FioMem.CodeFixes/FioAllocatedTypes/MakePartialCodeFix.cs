// Code fix for FIO004: add `partial` to a [FioAllocated] struct and its containing types when that is the only problem.
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.Diagnostics;
using FioMem.Analyzers.FioAllocatedTypes;
using FioMem.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace FioMem.CodeFixes.FioAllocatedTypes;

/// <summary>
/// Offered only when the analyzer set <see cref="FioAllocatedTypeAnalyzer.OnlyPartialMissingProperty"/>: a class, a
/// managed or a generic struct need a human decision, not a keyword.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    private const string Title = "Make the type partial";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.IneligibleType);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.ContainsKey(FioAllocatedTypeAnalyzer.OnlyPartialMissingProperty))
                continue;
            if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration)
                continue;

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => AddPartialAsync(context.Document, declaration, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> AddPartialAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        PartialDeclarations.MakePartial(editor, declaration);
        return await FixCleanup.CleanUpAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
    }
}
