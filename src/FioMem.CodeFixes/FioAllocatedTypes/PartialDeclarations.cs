// Makes a type declaration partial, with its containing types, through the workspace's SyntaxGenerator.
using System.Linq;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace FioMem.CodeFixes.FioAllocatedTypes;

/// <summary>
/// A generated type must be <c>partial</c>, and so must every type that contains it: adds the modifier to each of them
/// that lacks it (<see cref="DeclarationModifiers.WithPartial"/>), keeping the other modifiers and the trivia.
/// </summary>
internal static class PartialDeclarations
{
    /// <summary>Records in <paramref name="editor"/> the <c>partial</c> that <paramref name="declaration"/> and its containing types lack.</summary>
    public static void MakePartial(SyntaxEditor editor, TypeDeclarationSyntax declaration)
    {
        foreach (var type in declaration.AncestorsAndSelf().OfType<TypeDeclarationSyntax>())
        {
            editor.ReplaceNode(type, static (current, generator) =>
            {
                var modifiers = generator.GetModifiers(current);
                return modifiers.IsPartial ? current : generator.WithModifiers(current, modifiers.WithPartial(true));
            });
        }
    }
}
