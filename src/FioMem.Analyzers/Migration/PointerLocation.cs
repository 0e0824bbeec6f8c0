// A place a pointer can be kept in: the nodes of FIO003's ownership analysis.
using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FioMem.Analyzers.Migration;

/// <summary>What kind of place a <see cref="PointerLocation"/> is.</summary>
internal enum PointerLocationKind
{
    /// <summary>A <c>NativeMemory</c> call: what an Alloc/Realloc returns, or what a Realloc/Free receives.</summary>
    Call,

    /// <summary>A local variable (or a lambda's or local function's captured local).</summary>
    Local,

    /// <summary>A parameter of a method, local function or lambda, shared by every call.</summary>
    Parameter,

    /// <summary>A field, of any object or struct instance (all instances are one place), or a static field.</summary>
    Field,

    /// <summary>A property or indexer: what its getter returns and its setter receives.</summary>
    Property,

    /// <summary>What a method or local function returns.</summary>
    Return,

    /// <summary>Every element of the array held in a field or local.</summary>
    ArrayElement,

    /// <summary>A library's public API under <c>fiomem_migrate_public_api</c>: what any public member returns or takes.</summary>
    PublicSurface,
}

/// <summary>
/// A place a pointer can be kept in, compared by symbol (symbols of one compilation are equal across semantic models)
/// or, for a call, by its position in a syntax tree.
/// </summary>
internal readonly struct PointerLocation : IEquatable<PointerLocation>
{
    private PointerLocation(PointerLocationKind kind, ISymbol? symbol, int ordinal, SyntaxTree? tree, TextSpan span)
    {
        Kind = kind;
        Symbol = symbol;
        Ordinal = ordinal;
        Tree = tree;
        Span = span;
    }

    public PointerLocationKind Kind { get; }

    /// <summary>The local, field, property or method (for parameters and returns); null for calls.</summary>
    public ISymbol? Symbol { get; }

    /// <summary>The parameter's ordinal.</summary>
    public int Ordinal { get; }

    /// <summary>The syntax tree of a call.</summary>
    public SyntaxTree? Tree { get; }

    /// <summary>The span of a call.</summary>
    public TextSpan Span { get; }

    public static PointerLocation ForCall(SyntaxNode invocation) =>
        new(PointerLocationKind.Call, null, 0, invocation.SyntaxTree, invocation.Span);

    public static PointerLocation ForLocal(ILocalSymbol local) => new(PointerLocationKind.Local, local, 0, null, default);

    public static PointerLocation ForParameter(IMethodSymbol method, int ordinal) =>
        new(PointerLocationKind.Parameter, Definition(method), ordinal, null, default);

    public static PointerLocation ForField(IFieldSymbol field) =>
        new(PointerLocationKind.Field, field.OriginalDefinition, 0, null, default);

    public static PointerLocation ForProperty(IPropertySymbol property) =>
        new(PointerLocationKind.Property, property.OriginalDefinition, 0, null, default);

    public static PointerLocation ForReturn(IMethodSymbol method) =>
        new(PointerLocationKind.Return, Definition(method), 0, null, default);

    public static PointerLocation ForArrayElements(ISymbol arrayVariable) =>
        new(PointerLocationKind.ArrayElement, arrayVariable.OriginalDefinition, 0, null, default);

    /// <summary>The one place for memory crossing an opted-in library's public API.</summary>
    public static PointerLocation PublicSurface { get; } = new(PointerLocationKind.PublicSurface, null, 0, null, default);

    /// <summary>
    /// A place known only by a number, for facts replayed without their compilation (the build-time interception keeps
    /// them as symbol-free keys): equal to another only with the same number; a call-like node, so it never names a group.
    /// </summary>
    public static PointerLocation ForKey(int id) => new(PointerLocationKind.Call, null, id, null, default);

    /// <summary>One symbol for a generic method's constructions and a partial method's two parts.</summary>
    public static IMethodSymbol Definition(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        method = method.OriginalDefinition;
        return method.PartialDefinitionPart ?? method;
    }

    public bool Equals(PointerLocation other) =>
        Kind == other.Kind
        && Ordinal == other.Ordinal
        && Span == other.Span
        && Tree == other.Tree
        && SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol);

    public override bool Equals(object? obj) => obj is PointerLocation other && Equals(other);

    public override int GetHashCode()
    {
        int hash = ((int)Kind * 397) ^ Ordinal ^ Span.GetHashCode();
        return Symbol is null ? hash : hash ^ SymbolEqualityComparer.Default.GetHashCode(Symbol);
    }

    /// <summary>A name a user recognises, for FIO003's message: <c>TextBuffer._chars</c>, <c>Pool.Rent()</c>, ...</summary>
    public string DisplayName()
    {
        var format = SymbolDisplayFormat.MinimallyQualifiedFormat;
        switch (Kind)
        {
            case PointerLocationKind.Field:
            case PointerLocationKind.Property:
                return Symbol!.ContainingType?.Name + "." + Symbol.Name;
            case PointerLocationKind.ArrayElement:
                return (Symbol is IFieldSymbol field ? field.ContainingType?.Name + "." : string.Empty) + Symbol!.Name + "[]";
            case PointerLocationKind.Return:
                return MemberName(Symbol!) + "()";
            case PointerLocationKind.Parameter:
                var method = (IMethodSymbol)Symbol!;
                string parameter = Ordinal < method.Parameters.Length ? method.Parameters[Ordinal].Name : "#" + Ordinal;
                return MemberName(method) + "(" + parameter + ")";
            case PointerLocationKind.PublicSurface:
                return "public API";
            case PointerLocationKind.Local:
                return Symbol!.ContainingSymbol is { } owner ? MemberName(owner) + ": " + Symbol.Name : Symbol.ToDisplayString(format);
            default:
                return string.Empty;
        }
    }

    private static string MemberName(ISymbol member) =>
        member is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction }
            ? MemberName(member.ContainingSymbol) + "." + member.Name
            : (member.ContainingType?.Name is { } type ? type + "." : string.Empty) + member.Name;
}
