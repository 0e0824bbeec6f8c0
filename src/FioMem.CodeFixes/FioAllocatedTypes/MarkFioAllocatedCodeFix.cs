// Code fix for CS0315 on FioAlloc<T>: mark the struct [FioAllocated] and partial so the generator implements it.
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FioMem.CodeFixes.Common;
using FioMem.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace FioMem.CodeFixes.FioAllocatedTypes;

/// <summary>
/// <c>FioAlloc&lt;T&gt;</c> requires <c>T : unmanaged, IFioAllocated&lt;T&gt;</c>, which the generator implements for
/// <c>[FioAllocated]</c> partial structs. When a struct without the attribute is used, the compiler reports CS0315; this
/// fix adds the attribute and <c>partial</c> (on the struct and its containing types). Offered only for a struct declared
/// in source, not yet marked, that the shared rule (<see cref="FioAllocatedEligibility"/>) accepts once it is partial;
/// CS8377 (managed struct) and CS0311 (class) have no such fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MarkFioAllocatedCodeFix)), Shared]
public sealed class MarkFioAllocatedCodeFix : CodeFixProvider
{
    private const string Title = "Mark the struct [FioAllocated] and partial";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("CS0315");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
            return;

        var fioAlloc = model.Compilation.GetTypeByMetadataName("FioMem.FioAlloc`1");
        var attribute = model.Compilation.GetTypeByMetadataName("FioMem.FioAllocatedAttribute");
        if (fioAlloc is null || attribute is null)
            return;

        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (FindStruct(node, model, fioAlloc, attribute, context.CancellationToken) is not { } structType)
                continue;

            var reference = structType.DeclaringSyntaxReferences[0];
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => MarkAsync(context.Document.Project.Solution, reference, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    // The struct used as FioAlloc<T>'s argument at the error, when the fix applies to it.
    private static INamedTypeSymbol? FindStruct(SyntaxNode node, SemanticModel model, INamedTypeSymbol fioAlloc, INamedTypeSymbol attribute, CancellationToken cancellationToken)
    {
        var generic = node.AncestorsAndSelf().OfType<GenericNameSyntax>().FirstOrDefault()
            ?? node.DescendantNodesAndSelf().OfType<GenericNameSyntax>().FirstOrDefault();
        if (generic is null || generic.TypeArgumentList.Arguments.Count != 1)
            return null;

        var info = model.GetSymbolInfo(generic, cancellationToken);
        var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
        if (symbol is not INamedTypeSymbol named || !SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, fioAlloc))
            return null;

        var argument = model.GetTypeInfo(generic.TypeArgumentList.Arguments[0], cancellationToken).Type as INamedTypeSymbol;
        if (argument is null
            || argument.DeclaringSyntaxReferences.IsEmpty
            || argument.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute)))
        {
            return null;
        }

        // Offered when marking (and adding partial) is all the generator needs: the rule FIO004 and the generator use.
        return FioAllocatedEligibility.Check(argument, cancellationToken).IsEligibleOncePartial ? argument : null;
    }

    private static async Task<Solution> MarkAsync(Solution solution, SyntaxReference reference, CancellationToken cancellationToken)
    {
        var document = solution.GetDocument(reference.SyntaxTree);
        var root = await reference.SyntaxTree.GetRootAsync(cancellationToken).ConfigureAwait(false);
        if (document is null || root.FindNode(reference.Span) is not TypeDeclarationSyntax declaration)
            return solution;

        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);

        // The attribute goes first, before any the struct has; written in full and reduced by the clean-up, which also
        // adds `using FioMem;` when the file lacks it.
        if (editor.SemanticModel.Compilation.GetTypeByMetadataName("FioMem.FioAllocatedAttribute") is not { } attribute)
            return solution;
        var name = editor.Generator.TypeExpression(attribute).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);
        editor.ReplaceNode(declaration, (current, generator) => generator.InsertAttributes(current, 0, generator.Attribute(name)));
        PartialDeclarations.MakePartial(editor, declaration);

        var updated = await FixCleanup.CleanUpAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        return updated.Project.Solution;
    }
}
