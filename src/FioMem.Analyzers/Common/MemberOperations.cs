// One member's operation trees, asked for only when its syntax passes a CalledNames pre-filter.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.Common;

/// <summary>
/// Runs the IOperation analyses per member (a method, constructor, accessor, operator, expression-bodied property,
/// field or property initializer, primary constructor, or the top-level statements), from a code block action.
/// </summary>
/// <remarks>
/// <para>
/// Registering any operation or operation-block action makes the analyzer driver build the operation tree of every
/// member in the compilation. A code block action does not: it gets the member's syntax, and
/// <see cref="RegisterMemberAction"/> asks the semantic model for the operation trees only when the member's executable
/// syntax mentions one of the <see cref="CalledNames"/> the rule cares about. The semantic model is the driver's
/// shared one, so a tree another analyzer already built is reused, not built again.
/// </para>
/// <para>
/// The action gets the <em>roots</em> of the member's trees (<see cref="IOperation.Parent"/> is null): an
/// <c>IMethodBodyOperation</c>, <c>IConstructorBodyOperation</c> (with its initializer), <c>IFieldInitializerOperation</c>,
/// <c>IPropertyInitializerOperation</c> or, for an expression-bodied property, an <c>IBlockOperation</c>. Lambdas and
/// local functions are inside them, as they are in the operation blocks the driver would hand an operation-block action.
/// Parameter default values and attributes are not included: they are constants, which call nothing.
/// </para>
/// </remarks>
internal static class MemberOperations
{
    /// <summary>
    /// Registers <paramref name="action"/> to run with the operation roots of every member whose executable syntax
    /// mentions one of <paramref name="names"/>; other members cost a token scan and nothing more.
    /// </summary>
    public static void RegisterMemberAction(CompilationStartAnalysisContext context, CalledNames names,
        Action<CodeBlockAnalysisContext, ImmutableArray<IOperation>> action)
    {
        context.RegisterCodeBlockAction(block =>
        {
            var syntax = ExecutableSyntax(block.CodeBlock, block.OwningSymbol);
            if (!Mentions(syntax, names))
                return;

            var roots = Roots(syntax, block.SemanticModel, block.CancellationToken);
            if (!roots.IsEmpty)
                action(block, roots);
        });
    }

    /// <summary>The operation roots of the member <paramref name="block"/> declares, with no pre-filter.</summary>
    public static ImmutableArray<IOperation> Roots(CodeBlockAnalysisContext block) =>
        Roots(ExecutableSyntax(block.CodeBlock, block.OwningSymbol), block.SemanticModel, block.CancellationToken);

    /// <summary>Every operation under <paramref name="roots"/>, roots included, in tree order.</summary>
    public static IEnumerable<IOperation> DescendantsAndSelf(ImmutableArray<IOperation> roots)
    {
        foreach (var root in roots)
        {
            foreach (var operation in root.DescendantsAndSelf())
                yield return operation;
        }
    }

    /// <summary>
    /// The executable parts of the member declared by <paramref name="declaration"/> (the code block a code block action
    /// gets: the declaration node the analyzer driver computed for <paramref name="owner"/>).
    /// </summary>
    private static ImmutableArray<SyntaxNode> ExecutableSyntax(SyntaxNode declaration, ISymbol owner)
    {
        var nodes = ImmutableArray.CreateBuilder<SyntaxNode>();
        switch (declaration)
        {
            // Methods, constructors (with their : base(...)/: this(...) initializer), destructors, operators, conversions.
            case BaseMethodDeclarationSyntax method:
                AddIfNotNull(nodes, method.Body);
                AddIfNotNull(nodes, method.ExpressionBody);
                if (method is ConstructorDeclarationSyntax constructor)
                    AddIfNotNull(nodes, constructor.Initializer);
                break;
            case AccessorDeclarationSyntax accessor:
                AddIfNotNull(nodes, accessor.Body);
                AddIfNotNull(nodes, accessor.ExpressionBody);
                break;
            // The getter of an expression-bodied property or indexer: int P => ...;
            case ArrowExpressionClauseSyntax arrow:
                nodes.Add(arrow);
                break;
            // A field (or field-like event): its initializer. Each declarator of a declaration is its own member.
            // The driver hands over the whole field declaration, once per declarator (int a = 1, b = 2;).
            case VariableDeclaratorSyntax variable:
                AddIfNotNull(nodes, variable.Initializer);
                break;
            case BaseFieldDeclarationSyntax field:
                foreach (var declarator in field.Declaration.Variables)
                {
                    if (declarator.Identifier.ValueText == owner.Name)
                        AddIfNotNull(nodes, declarator.Initializer);
                }
                break;
            // An auto-property's initializer; its accessors are members of their own.
            case PropertyDeclarationSyntax property:
                AddIfNotNull(nodes, property.Initializer);
                break;
            // A primary constructor: its call of the base constructor (class C(int n) : B(n)).
            case TypeDeclarationSyntax type when owner is IMethodSymbol { MethodKind: MethodKind.Constructor }:
                if (type.BaseList is { Types: { Count: > 0 } types } && types[0] is PrimaryConstructorBaseTypeSyntax baseCall)
                    nodes.Add(baseCall);
                break;
            // Top-level statements, declared by the compilation unit that holds them (which has their operation tree).
            case CompilationUnitSyntax unit when owner is IMethodSymbol:
                nodes.Add(unit);
                break;
        }

        return nodes.ToImmutable();
    }

    private static void AddIfNotNull(ImmutableArray<SyntaxNode>.Builder nodes, SyntaxNode? node)
    {
        if (node is not null)
            nodes.Add(node);
    }

    private static bool Mentions(ImmutableArray<SyntaxNode> syntax, CalledNames names)
    {
        foreach (var node in syntax)
        {
            if (node is CompilationUnitSyntax unit)
            {
                // Only the top-level statements: the unit's types and namespaces are members of their own.
                foreach (var member in unit.Members)
                {
                    if (member is GlobalStatementSyntax && names.OccurIn(member))
                        return true;
                }
            }
            else if (names.OccurIn(node))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The distinct roots of the operation trees <paramref name="syntax"/> belongs to.</summary>
    private static ImmutableArray<IOperation> Roots(ImmutableArray<SyntaxNode> syntax, SemanticModel model,
        System.Threading.CancellationToken cancellationToken)
    {
        var roots = ImmutableArray.CreateBuilder<IOperation>(syntax.Length);
        foreach (var node in syntax)
        {
            // A method's body is an IBlockOperation under the IMethodBodyOperation; a constructor's initializer and body
            // share one IConstructorBodyOperation.
            var operation = model.GetOperation(node, cancellationToken);
            if (operation is null)
                continue;
            while (operation.Parent is { } parent)
                operation = parent;
            if (!roots.Contains(operation))
                roots.Add(operation);
        }

        return roots.ToImmutable();
    }
}
