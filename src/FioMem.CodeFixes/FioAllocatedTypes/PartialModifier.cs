// Adds the `partial` modifier to a type declaration, where C# wants it: right before the type keyword.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FioMem.CodeFixes.FioAllocatedTypes;

internal static class PartialModifier
{
    public static bool Has(TypeDeclarationSyntax declaration) => declaration.Modifiers.Any(SyntaxKind.PartialKeyword);

    /// <summary>Returns <paramref name="declaration"/> with <c>partial</c> as its last modifier, keeping its trivia.</summary>
    public static TypeDeclarationSyntax Add(TypeDeclarationSyntax declaration)
    {
        if (Has(declaration))
            return declaration;

        if (declaration.Modifiers.Count == 0)
        {
            // No modifiers: the keyword's leading trivia (indentation, comments) moves to `partial`.
            var keyword = declaration.Keyword;
            var partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithModifiers(SyntaxFactory.TokenList(partial));
        }

        return declaration.WithModifiers(declaration.Modifiers.Add(
            SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }
}
