// FIO004 and FIO005: [FioAllocated] on a type FioMem cannot allocate, or on a struct too large for its blocks.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Diagnostics;
using FioMem.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FioMem.Analyzers.FioAllocatedTypes;

/// <summary>
/// Checks every type marked <c>[FioAllocated]</c>: FIO004 when the generator cannot implement it (the rule is
/// <see cref="FioAllocatedEligibility"/>, shared with the generator and the CS0315 code fix), FIO005 when its size is
/// at or over <c>FioMemory.LargeAllocationThreshold</c>.
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
        FioAllocatedEligibility.Verdict verdict = FioAllocatedEligibility.Check(type, context.CancellationToken);
        if (!verdict.IsEligible)
        {
            var properties = verdict.OnlyPartialMissing
                ? ImmutableDictionary<string, string?>.Empty.Add(OnlyPartialMissingProperty, "true")
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.IneligibleType, location, properties, type.Name, string.Join("; ", verdict.Reasons)));
        }

        // Size only means something for a struct the runtime can lay out: unmanaged, not generic.
        if (type.TypeKind == TypeKind.Struct && type.IsUnmanagedType && !type.IsGenericType
            && StructSizeCalculator.SizeOf(type) is { } size && size >= threshold)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LargeType, location, type.Name, size, threshold));
        }
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
}
