// One member's operation trees, asked for only when its syntax passes a CalledNames pre-filter.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
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
    /// The registration of a rule that looks at members: nothing when the compilation does not reference FioMem, else
    /// <paramref name="action"/> run (see <see cref="RegisterMemberAction"/>) for the members that mention one of
    /// <paramref name="names"/>. The rule's <c>Initialize</c> still configures generated code and concurrency itself
    /// (RS1025/RS1026 look for those calls there): with <see cref="GeneratedCodeAnalysisFlags.ReportDiagnostics"/> and
    /// no Analyze flag, generated code is not analysed, every diagnostic lies in an analysed member, and the driver is
    /// spared a scan of each file for <c>[GeneratedCode]</c> on its first diagnostic there.
    /// </summary>
    /// <remarks>
    /// With <paramref name="onlyWhereFioMemIsNamed"/>, a rule that checks only FioMem memory skips a compilation whose
    /// source cannot call FioMem (<see cref="FioMemUse"/>): a project that references FioMem but does not use it yet pays
    /// one scan of its text, shared by the rules, instead of an operation tree for every member naming a release.
    /// </remarks>
    public static void RegisterMemberAnalysis(AnalysisContext context, CalledNames names,
        Action<CodeBlockAnalysisContext, ImmutableArray<IOperation>, KnownSymbols> action, bool onlyWhereFioMemIsNamed = false)
    {
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownSymbols.TryCreate(start.Compilation) is not { } symbols)
                return;
            if (onlyWhereFioMemIsNamed && !FioMemUse.MayCallFioMem(start.Compilation, start.CancellationToken))
                return;
            RegisterMemberAction(start, names, (block, roots) => action(block, roots, symbols));
        });
    }

    /// <summary>
    /// Registers <paramref name="action"/> to run with the operation roots of every member whose executable syntax
    /// mentions one of <paramref name="names"/>; other members cost a scan of their text and nothing more.
    /// </summary>
    public static void RegisterMemberAction(CompilationStartAnalysisContext context, CalledNames names,
        Action<CodeBlockAnalysisContext, ImmutableArray<IOperation>> action)
    {
        context.RegisterCodeBlockAction([MethodImpl(Hot.Optimized)] (block) =>
        {
            var roots = RootsIfMentioned(block, names);
            if (!roots.IsEmpty)
                action(block, roots);
        });
    }

    /// <summary>
    /// The operation roots of the member <paramref name="block"/> declares if its executable syntax mentions one of
    /// <paramref name="names"/>; otherwise none, and no operation tree is asked for (nor anything allocated).
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    public static ImmutableArray<IOperation> RootsIfMentioned(CodeBlockAnalysisContext block, CalledNames names)
    {
        var syntax = ExecutableSyntax(block.CodeBlock, block.OwningSymbol);
        return syntax.Mention(names)
            ? Roots(syntax, block.SemanticModel, block.CancellationToken)
            : ImmutableArray<IOperation>.Empty;
    }

    /// <summary>The operation roots of the member <paramref name="block"/> declares, with no pre-filter.</summary>
    [MethodImpl(Hot.Optimized)]
    public static ImmutableArray<IOperation> Roots(CodeBlockAnalysisContext block) =>
        Roots(ExecutableSyntax(block.CodeBlock, block.OwningSymbol), block.SemanticModel, block.CancellationToken);

    /// <summary>
    /// The operation roots of the member <paramref name="owner"/> that <paramref name="codeBlock"/> declares: the node
    /// and symbol the analyzer driver hands a code block action (for hosts that enumerate members themselves).
    /// </summary>
    public static ImmutableArray<IOperation> Roots(SyntaxNode codeBlock, ISymbol owner, SemanticModel model,
        System.Threading.CancellationToken cancellationToken) =>
        Roots(ExecutableSyntax(codeBlock, owner), model, cancellationToken);

    /// <summary>Every operation under <paramref name="roots"/>, roots included, in tree order.</summary>
    [MethodImpl(Hot.Optimized)]
    public static List<IOperation> DescendantsAndSelf(ImmutableArray<IOperation> roots)
    {
        // A list, not an iterator: the iterator's state machine would not be compiled optimized (see Hot).
        var all = new List<IOperation>();
        AddDescendantsAndSelf(roots, all);
        return all;
    }

    /// <summary>Adds the operations of <see cref="DescendantsAndSelf(ImmutableArray{IOperation})"/> to <paramref name="all"/>
    /// (a list the caller reuses).</summary>
    public static void AddDescendantsAndSelf(ImmutableArray<IOperation> roots, List<IOperation> all)
    {
        foreach (var root in roots)
        {
            foreach (var operation in root.DescendantsAndSelf())
                all.Add(operation);
        }
    }

    /// <summary>
    /// The executable parts of the member declared by <paramref name="declaration"/> (the code block a code block action
    /// gets: the declaration node the analyzer driver computed for <paramref name="owner"/>). These are the nodes the
    /// driver itself would ask the operations of.
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    private static ExecutableNodes ExecutableSyntax(SyntaxNode declaration, ISymbol owner)
    {
        switch (declaration)
        {
            // Methods, constructors (with their : base(...)/: this(...) initializer), destructors, operators, conversions.
            case BaseMethodDeclarationSyntax method:
                return new(method.Body, method.ExpressionBody, (method as ConstructorDeclarationSyntax)?.Initializer);
            case AccessorDeclarationSyntax accessor:
                return new(accessor.Body, accessor.ExpressionBody, null);
            // The getter of an expression-bodied property or indexer: int P => ...;
            case ArrowExpressionClauseSyntax arrow:
                return new(arrow, null, null);
            // A field (or field-like event): its initializer. The driver hands over the whole field declaration, once
            // per declarator (int a = 1, b = 2;).
            case VariableDeclaratorSyntax variable:
                return new(variable.Initializer, null, null);
            case BaseFieldDeclarationSyntax field:
                foreach (var declarator in field.Declaration.Variables)
                {
                    if (declarator.Identifier.ValueText == owner.Name)
                        return new(declarator.Initializer, null, null);
                }
                return default;
            // An auto-property's initializer; its accessors are members of their own.
            case PropertyDeclarationSyntax property:
                return new(property.Initializer, null, null);
            // A primary constructor: its call of the base constructor (class C(int n) : B(n)).
            case TypeDeclarationSyntax type when owner is IMethodSymbol { MethodKind: MethodKind.Constructor }:
                return type.BaseList is { Types: { Count: > 0 } types } && types[0] is PrimaryConstructorBaseTypeSyntax baseCall
                    ? new(baseCall, null, null)
                    : default;
            // Top-level statements, declared by the compilation unit that holds them (which has their operation tree).
            case CompilationUnitSyntax unit when owner is IMethodSymbol:
                return new(unit, null, null);
            default:
                return default;
        }
    }

    /// <summary>The distinct roots of the operation trees <paramref name="syntax"/> belongs to.</summary>
    [MethodImpl(Hot.Optimized)]
    private static ImmutableArray<IOperation> Roots(ExecutableNodes syntax, SemanticModel model,
        System.Threading.CancellationToken cancellationToken)
    {
        // A method's body is an IBlockOperation under the IMethodBodyOperation; a constructor's initializer and body
        // share one IConstructorBodyOperation.
        var first = RootOf(syntax.First, model, cancellationToken);
        var second = RootOf(syntax.Second, model, cancellationToken);
        var third = RootOf(syntax.Third, model, cancellationToken);
        if (second == first)
            second = null;
        if (third == first || third == second)
            third = null;

        var roots = ImmutableArray.CreateBuilder<IOperation>(3);
        if (first is not null)
            roots.Add(first);
        if (second is not null)
            roots.Add(second);
        if (third is not null)
            roots.Add(third);
        return roots.Count == roots.Capacity ? roots.MoveToImmutable() : roots.ToImmutable();
    }

    [MethodImpl(Hot.Optimized)]
    private static IOperation? RootOf(SyntaxNode? node, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        var operation = node is null ? null : model.GetOperation(node, cancellationToken);
        while (operation?.Parent is { } parent)
            operation = parent;
        return operation;
    }

    /// <summary>Up to three executable nodes of one member, without an allocation.</summary>
    private readonly struct ExecutableNodes
    {
        public ExecutableNodes(SyntaxNode? first, SyntaxNode? second, SyntaxNode? third)
        {
            First = first;
            Second = second;
            Third = third;
        }

        public SyntaxNode? First { get; }

        public SyntaxNode? Second { get; }

        public SyntaxNode? Third { get; }

        /// <summary>Whether one of <paramref name="names"/> occurs in the nodes.</summary>
        [MethodImpl(Hot.Optimized)]
        public bool Mention(CalledNames names) => Mentions(First, names) || Mentions(Second, names) || Mentions(Third, names);

        [MethodImpl(Hot.Optimized)]
        private static bool Mentions(SyntaxNode? node, CalledNames names)
        {
            if (node is not CompilationUnitSyntax unit)
                return names.OccurIn(node);

            // Only the top-level statements: the unit's types and namespaces are members of their own.
            foreach (var member in unit.Members)
            {
                if (member is GlobalStatementSyntax && names.OccurIn(member))
                    return true;
            }

            return false;
        }
    }
}
