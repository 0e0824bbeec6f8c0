// FIO004, FIO005 and FIO008: [FioAllocated] on a type FioMem cannot allocate, on a struct too large for its blocks, or
// on a struct whose pointer members the generator leaves out because the project does not allow unsafe code.
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
/// at or over <c>FioMemory.LargeAllocationThreshold</c>, FIO008 when the generator leaves out <c>New</c> and
/// <c>Free</c> because the compilation does not allow unsafe code (the generator itself reports nothing).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FioAllocatedTypeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property set on FIO004 when a missing <c>partial</c> is the only problem: the fix can solve it.</summary>
    public const string OnlyPartialMissingProperty = "OnlyPartialMissing";

    private const int DefaultLargeAllocationThreshold = 49152;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.IneligibleType, DiagnosticDescriptors.LargeType, DiagnosticDescriptors.PointerMembersLeftOut);

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
            bool allowUnsafe = start.Compilation.Options is CSharpCompilationOptions { AllowUnsafe: true };
            start.RegisterSymbolAction(c => AnalyzeType(c, attribute, threshold, allowUnsafe), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attribute, int threshold, bool allowUnsafe)
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
        else if (!allowUnsafe && PointerMembersLeftOut(type) is { } leftOut)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PointerMembersLeftOut, location, type.Name, leftOut));
        }

        // Size only means something for a struct the runtime can lay out: unmanaged, not generic.
        if (type.TypeKind == TypeKind.Struct && type.IsUnmanagedType && !type.IsGenericType
            && StructSizeCalculator.SizeOf(type) is { } size && size >= threshold)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LargeType, location, type.Name, size, threshold));
        }
    }

    /// <summary>The pointer members the generator would add with unsafe code allowed (it skips a name the struct
    /// already uses, as the generator does), or <see langword="null"/> when there are none.</summary>
    private static string? PointerMembersLeftOut(INamedTypeSymbol type)
    {
        bool Generated(string name) =>
            name != type.Name && !type.MemberNames.Contains(name) && type.GetTypeMembers(name).IsEmpty;
        return (Generated("New"), Generated("Free")) switch
        {
            (true, true) => "New and Free",
            (true, false) => "New",
            (false, true) => "Free",
            _ => null,
        };
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
