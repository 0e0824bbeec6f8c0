// Feeds a whole syntax tree's members to FIO003's ownership walk, outside an analyzer host, as the analyzer driver does.
using System.Collections.Generic;
using System.Threading;
using FioMem.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FioMem.Analyzers.Migration;

/// <summary>Walks the members of one syntax tree (for <c>MigrationExplainer</c> and the build-time interception).</summary>
/// <remarks>
/// FIO003 walks what the analyzer driver hands its code block action: one declaration node and its symbol per member.
/// <see cref="CodeBlocks"/> enumerates the same pairs — the same nodes and the same owning symbols (the getter, not the
/// property, for an expression-bodied property; the synthesized entry point for top-level statements; the primary
/// constructor for a type's base call) — and <see cref="MemberOperations"/> turns each into the same operation roots, so
/// both hosts record the same facts. Members in generated code are flagged as the driver flags them: the whole file, or
/// a declaration under <c>[GeneratedCode]</c>.
/// </remarks>
internal static class OwnershipTrees
{
    private const string GeneratedCodeAttribute = "System.CodeDom.Compiler.GeneratedCodeAttribute";

    /// <summary>Records the facts of every member (method, accessor, initializer...) declared in the tree of <paramref name="model"/>.</summary>
    public static void AnalyzeTree(OwnershipWalker walker, SemanticModel model, bool isGeneratedCode, CancellationToken cancellationToken)
    {
        bool mayHaveAttribute = !isGeneratedCode && MentionsGeneratedCodeAttribute(model.SyntaxTree.GetRoot(cancellationToken));
        foreach (var (block, owner) in CodeBlocks(model, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var roots = MemberOperations.Roots(block, owner, model, cancellationToken);
            if (!roots.IsEmpty)
                walker.AnalyzeMember(owner, roots, isGeneratedCode || (mayHaveAttribute && HasGeneratedCodeAttribute(owner)));
        }
    }

    /// <summary>
    /// Each member declared in the tree of <paramref name="model"/> with executable code: the node a code block action
    /// gets and the symbol that owns it.
    /// </summary>
    public static IEnumerable<(SyntaxNode Block, ISymbol Owner)> CodeBlocks(SemanticModel model, CancellationToken cancellationToken)
    {
        var unit = (CompilationUnitSyntax)model.SyntaxTree.GetRoot(cancellationToken);
        foreach (var member in unit.Members)
        {
            // Top-level statements are one member, the synthesized entry point, declared by the compilation unit.
            if (member is GlobalStatementSyntax global)
            {
                if (model.GetEnclosingSymbol(global.Statement.SpanStart, cancellationToken) is IMethodSymbol entryPoint)
                    yield return (unit, entryPoint);
                break;
            }
        }

        var pending = new Stack<MemberDeclarationSyntax>();
        for (int i = unit.Members.Count - 1; i >= 0; i--)
            pending.Push(unit.Members[i]);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var member = pending.Pop();
            switch (member)
            {
                case BaseNamespaceDeclarationSyntax ns:
                    for (int i = ns.Members.Count - 1; i >= 0; i--)
                        pending.Push(ns.Members[i]);
                    break;

                case TypeDeclarationSyntax type:
                    if (type.ParameterList is not null
                        && type.BaseList is { Types: { Count: > 0 } types } && types[0] is PrimaryConstructorBaseTypeSyntax
                        && PrimaryConstructor(type, model, cancellationToken) is { } primary)
                    {
                        yield return (type, primary);
                    }

                    for (int i = type.Members.Count - 1; i >= 0; i--)
                        pending.Push(type.Members[i]);
                    break;

                case BaseMethodDeclarationSyntax method:
                    if ((method.Body is not null || method.ExpressionBody is not null || method is ConstructorDeclarationSyntax { Initializer: not null })
                        && model.GetDeclaredSymbol(method, cancellationToken) is { } methodSymbol)
                    {
                        yield return (method, methodSymbol);
                    }

                    break;

                case BasePropertyDeclarationSyntax property:
                    if (property.AccessorList is { } accessors)
                    {
                        foreach (var accessor in accessors.Accessors)
                        {
                            if ((accessor.Body is not null || accessor.ExpressionBody is not null)
                                && model.GetDeclaredSymbol(accessor, cancellationToken) is { } accessorSymbol)
                            {
                                yield return (accessor, accessorSymbol);
                            }
                        }
                    }

                    // int P => ...; and this[int i] => ...: the getter owns the expression.
                    var arrow = property switch
                    {
                        PropertyDeclarationSyntax p => p.ExpressionBody,
                        IndexerDeclarationSyntax indexer => indexer.ExpressionBody,
                        _ => null,
                    };
                    if (arrow is not null && model.GetDeclaredSymbol(property, cancellationToken) is IPropertySymbol { GetMethod: { } getter })
                        yield return (arrow, getter);

                    if (property is PropertyDeclarationSyntax { Initializer: not null } initialized
                        && model.GetDeclaredSymbol(initialized, cancellationToken) is { } initializedSymbol)
                    {
                        yield return (initialized, initializedSymbol);
                    }

                    break;

                case BaseFieldDeclarationSyntax field:
                    foreach (var declarator in field.Declaration.Variables)
                    {
                        if (declarator.Initializer is not null && model.GetDeclaredSymbol(declarator, cancellationToken) is { } fieldSymbol)
                            yield return (declarator, fieldSymbol);
                    }

                    break;
            }
        }
    }

    private static IMethodSymbol? PrimaryConstructor(TypeDeclarationSyntax type, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.GetDeclaredSymbol(type, cancellationToken) is not INamedTypeSymbol symbol)
            return null;
        foreach (var constructor in symbol.InstanceConstructors)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == type.SyntaxTree && reference.Span == type.Span)
                    return constructor;
            }
        }

        return null;
    }

    // The driver's test for [GeneratedCode]: a file that never spells the attribute's name has none.
    private static bool MentionsGeneratedCodeAttribute(SyntaxNode root)
    {
        foreach (var token in root.DescendantTokens())
        {
            if (token.ValueText is "GeneratedCode" or "GeneratedCodeAttribute")
                return true;
        }

        return false;
    }

    // The driver treats a declaration under [GeneratedCode] (on it, or on a type or property holding it) as generated.
    private static bool HasGeneratedCodeAttribute(ISymbol owner)
    {
        for (ISymbol? symbol = owner; symbol is not null and not INamespaceSymbol; symbol = symbol is IMethodSymbol { AssociatedSymbol: { } associated } ? associated : symbol.ContainingSymbol)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == GeneratedCodeAttribute)
                    return true;
            }
        }

        return false;
    }
}
