// Code fix for CS0315 on FioAlloc<T>: mark the struct [FioAllocated] and partial so the generator implements it.
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
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

        var attributeList = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Attribute(SyntaxFactory.ParseName("global::FioMem.FioAllocated"))))
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation, Formatter.Annotation);

        var targets = declaration.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().ToList();
        var newRoot = root.ReplaceNodes(targets, (original, rewritten) =>
        {
            var result = PartialModifier.Add(rewritten);
            if (original == declaration)
            {
                // The attribute goes first, taking over the declaration's leading trivia (indentation, doc comment).
                var leading = result.GetLeadingTrivia();
                result = result.WithoutLeadingTrivia()
                    .WithAttributeLists(result.AttributeLists.Insert(0, attributeList.WithLeadingTrivia(leading)));
                var next = EndOfLineThenIndent(leading);
                result = result.AttributeLists.Count > 1
                    ? result.WithAttributeLists(result.AttributeLists.Replace(result.AttributeLists[1], result.AttributeLists[1].WithLeadingTrivia(next)))
                    : result.WithModifiers(result.Modifiers.Replace(result.Modifiers[0], result.Modifiers[0].WithLeadingTrivia(next)));
            }

            return result;
        });

        var updated = document.WithSyntaxRoot(newRoot);
        updated = await ImportAdder.AddImportsAsync(updated, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        updated = await Simplifier.ReduceAsync(updated, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return updated.Project.Solution;
    }

    // After the new attribute line: a line break and the indentation the declaration had.
    private static SyntaxTriviaList EndOfLineThenIndent(SyntaxTriviaList leading)
    {
        var indent = leading.LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
        return indent == default
            ? SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine("\n"))
            : SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine("\n"), indent);
    }
}
