// The one rule for which types [FioAllocated] can implement, compiled into the generator, the FIO004 analyzer and the
// CS0315 code fix (each links this file), so the three never disagree.
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FioMem.Shared;

/// <summary>
/// Whether the generator can implement <c>IFioAllocated&lt;T&gt;</c> for a type: a struct, unmanaged, not ref-like,
/// not generic, not file-local (the generated part is another file), declared <c>partial</c> on every declaration, and
/// nested only in non-generic, non-file-local types that are <c>partial</c> on every declaration too.
/// </summary>
internal static class FioAllocatedEligibility
{
    /// <summary>What keeps a type from being implemented: nothing when <see cref="IsEligible"/>.</summary>
    /// <param name="Reasons">One phrase per problem ("it is a class, not a struct"), in a fixed order.</param>
    /// <param name="OnlyPartialMissing">Every problem is a missing <c>partial</c>: adding it makes the type eligible.</param>
    internal readonly struct Verdict
    {
        public Verdict(List<string> reasons, bool onlyPartialMissing)
        {
            Reasons = reasons;
            OnlyPartialMissing = onlyPartialMissing;
        }

        public List<string> Reasons { get; }

        public bool OnlyPartialMissing { get; }

        public bool IsEligible => Reasons.Count == 0;

        /// <summary>Eligible, or eligible once <c>partial</c> is added where it is missing.</summary>
        public bool IsEligibleOncePartial => IsEligible || OnlyPartialMissing;
    }

    /// <summary>Checks <paramref name="type"/> against the rule.</summary>
    public static Verdict Check(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        bool otherProblem = false;

        void Other(string reason)
        {
            reasons.Add(reason);
            otherProblem = true;
        }

        if (type.TypeKind != TypeKind.Struct)
        {
            Other("it is " + KindName(type) + ", not a struct");
        }
        else
        {
            if (type.IsRefLikeType)
                Other("it is a ref struct");
            else if (!type.IsUnmanagedType)
                Other("it is not unmanaged (it holds references)");
            if (type.Arity > 0)
                Other("it is generic");
        }

        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.Arity > 0)
                Other($"it is nested in generic type '{outer.Name}'");
        }

        // The generated part is another file, which cannot see a file-local type.
        if (type.IsFileLocal)
            Other("it is a file-local type");
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsFileLocal)
                Other($"it is nested in file-local type '{outer.Name}'");
        }

        bool partialMissing = false;
        if (type.TypeKind == TypeKind.Struct && !IsPartialEverywhere(type, cancellationToken))
        {
            reasons.Add("it is not partial");
            partialMissing = true;
        }
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!IsPartialEverywhere(outer, cancellationToken))
            {
                reasons.Add($"its containing type '{outer.Name}' is not partial");
                partialMissing = true;
            }
        }

        return new Verdict(reasons, partialMissing && !otherProblem);
    }

    /// <summary>
    /// Whether every declaration of <paramref name="type"/> says <c>partial</c>: the generator adds a declaration, and
    /// C# requires the modifier on all of them. A type with no declaration in source (metadata) cannot be extended.
    /// </summary>
    public static bool IsPartialEverywhere(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.DeclaringSyntaxReferences.IsEmpty)
            return false;
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration
                || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }
        }

        return true;
    }

    private static string KindName(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Class when type.IsRecord => "a record class",
        TypeKind.Class => "a class",
        TypeKind.Interface => "an interface",
        TypeKind.Enum => "an enum",
        TypeKind.Delegate => "a delegate",
        _ => "not a struct",
    };
}
