// Makes a type declaration partial, with its containing types, through the workspace's SyntaxGenerator.
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace FioMem.CodeFixes.FioAllocatedTypes;

/// <summary>
/// A generated type must be <c>partial</c>, and so must every type that contains it: adds the modifier to each of them
/// that lacks it (<see cref="DeclarationModifiers.WithPartial"/>), keeping the other modifiers, their order and the trivia.
/// </summary>
internal static class PartialDeclarations
{
    /// <summary>Records in <paramref name="editor"/> the <c>partial</c> that <paramref name="declaration"/> and its containing types lack.</summary>
    public static void MakePartial(SyntaxEditor editor, TypeDeclarationSyntax declaration)
    {
        foreach (var type in declaration.AncestorsAndSelf().OfType<TypeDeclarationSyntax>())
            editor.ReplaceNode(type, static (current, generator) => WithPartial((TypeDeclarationSyntax)current, generator));
    }

    private static SyntaxNode WithPartial(TypeDeclarationSyntax declaration, SyntaxGenerator generator)
    {
        var modifiers = generator.GetModifiers(declaration);
        if (modifiers.IsPartial)
            return declaration;

        var generated = (TypeDeclarationSyntax)generator.WithModifiers(declaration, modifiers.WithPartial(true));

        // The generator writes modifiers in its own order. Where the code has them in another (`unsafe public`), moving
        // them would move their trivia too: the written ones stay and the generator's `partial` goes after them.
        var written = declaration.Modifiers.Select(m => m.Kind());
        var kept = generated.Modifiers.Where(m => !m.IsKind(SyntaxKind.PartialKeyword)).Select(m => m.Kind());
        if (written.SequenceEqual(kept))
            return generated;

        var partial = generated.Modifiers.First(m => m.IsKind(SyntaxKind.PartialKeyword));
        return declaration.WithModifiers(declaration.Modifiers.Add(partial));
    }
}
