// FIO004 and FIO005: [FioAllocated] on a type FioMem cannot allocate, or on a struct too large for its blocks.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FioMem.Analyzers.FioAllocatedTypes;

/// <summary>
/// Checks every type marked <c>[FioAllocated]</c>: FIO004 when the generator cannot implement it (not a struct, managed,
/// generic or nested in a generic type, not partial or nested in a non-partial type), FIO005 when its size is at or
/// over <c>FioMemory.LargeAllocationThreshold</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FioAllocatedTypeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property set on FIO004 when a missing <c>partial</c> is the only problem: the fix can solve it.</summary>
    public const string OnlyPartialMissingProperty = "OnlyPartialMissing";

    private const int DefaultLargeAllocationThreshold = 49152;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.IneligibleType, DiagnosticDescriptors.LargeType);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (KnownSymbols.TryCreate(start.Compilation) is not { FioAllocatedAttribute: { } attribute } symbols)
                return;

            int threshold = symbols.FioMemory.GetMembers("LargeAllocationThreshold").OfType<IFieldSymbol>()
                .FirstOrDefault() is { HasConstantValue: true, ConstantValue: int value } ? value : DefaultLargeAllocationThreshold;
            start.RegisterSymbolAction(c => AnalyzeType(c, attribute, threshold), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attribute, int threshold)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var marker = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));
        if (marker is null)
            return;

        var location = IdentifierLocation(type);
        var reasons = new List<string>();
        bool onlyPartial = true;

        if (type.TypeKind != TypeKind.Struct)
        {
            reasons.Add("it is " + KindName(type) + ", not a struct");
            onlyPartial = false;
        }
        else
        {
            if (type.IsRefLikeType)
            {
                reasons.Add("it is a ref struct");
                onlyPartial = false;
            }
            else if (!type.IsUnmanagedType)
            {
                reasons.Add("it is not unmanaged (it holds references)");
                onlyPartial = false;
            }

            if (type.Arity > 0)
            {
                reasons.Add("it is generic");
                onlyPartial = false;
            }
        }

        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.Arity > 0)
            {
                reasons.Add($"it is nested in generic type '{outer.Name}'");
                onlyPartial = false;
            }
        }

        // The generator skips file-local types: its output is another file, which cannot see them.
        if (type.IsFileLocal)
        {
            reasons.Add("it is a file-local type");
            onlyPartial = false;
        }
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsFileLocal)
            {
                reasons.Add($"it is nested in file-local type '{outer.Name}'");
                onlyPartial = false;
            }
        }

        bool partialMissing = false;
        if (type.TypeKind == TypeKind.Struct && !IsPartial(type))
        {
            reasons.Add("it is not partial");
            partialMissing = true;
        }

        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!IsPartial(outer))
            {
                reasons.Add($"its containing type '{outer.Name}' is not partial");
                partialMissing = true;
            }
        }

        if (reasons.Count > 0)
        {
            var properties = onlyPartial && partialMissing
                ? ImmutableDictionary<string, string?>.Empty.Add(OnlyPartialMissingProperty, "true")
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.IneligibleType, location, properties, type.Name, string.Join("; ", reasons)));
        }

        // Size only means something for a struct the runtime can lay out: unmanaged, not generic.
        if (type.TypeKind == TypeKind.Struct && type.IsUnmanagedType && !type.IsGenericType
            && StructSizeCalculator.SizeOf(type) is { } size && size >= threshold)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LargeType, location, type.Name, size, threshold));
        }
    }

    // A type is partial when its declarations say so; metadata types are treated as partial (nothing to fix there).
    private static bool IsPartial(INamedTypeSymbol type)
    {
        if (type.DeclaringSyntaxReferences.IsEmpty)
            return true;

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                return true;
        }

        return false;
    }

    private static Location IdentifierLocation(INamedTypeSymbol type)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is BaseTypeDeclarationSyntax declaration)
                return declaration.Identifier.GetLocation();
        }

        return type.Locations.FirstOrDefault() ?? Location.None;
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
