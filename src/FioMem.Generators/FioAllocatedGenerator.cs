// The incremental pipeline: [FioAllocated] structs → value-equatable models → one generated file per struct.
using FioMem.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FioMem.Generators;

/// <summary>
/// Makes every eligible <c>[FioAllocated]</c> struct implement <c>FioMem.IFioAllocated&lt;T&gt;</c> and adds the
/// shorthand members <c>New</c>, <c>NewArray</c>, <c>NewOwned</c>, <c>Free</c> and <c>FreeArray</c>.
/// </summary>
/// <remarks>
/// Ineligible types (not an unmanaged partial struct in partial non-generic containers) get nothing: the analyzers
/// report them (FIO004), following Roslyn's guidance that generators do not report diagnostics.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed partial class FioAllocatedGenerator : IIncrementalGenerator
{
    /// <summary>The attribute that marks a struct.</summary>
    public const string AttributeMetadataName = "FioMem.FioAllocatedAttribute";

    /// <summary>Tracking names of the pipeline steps, for incremental-caching tests.</summary>
    public static class TrackingNames
    {
        /// <summary>Marked structs turned into models (<see langword="null"/> when ineligible).</summary>
        public const string Structs = "FioAllocated.Structs";

        /// <summary>Eligible models only.</summary>
        public const string EligibleStructs = "FioAllocated.EligibleStructs";

        /// <summary>Whether the compilation allows unsafe code (pointer shorthands need it).</summary>
        public const string AllowUnsafe = "FioAllocated.AllowUnsafe";

        /// <summary>Each model paired with <see cref="AllowUnsafe"/>.</summary>
        public const string Output = "FioAllocated.Output";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<FioAllocatedStructModel> structs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeMetadataName,
                predicate: static (node, _) => IsCandidate(node),
                transform: static (attributeContext, cancellationToken) => CreateModel(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.Structs)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.EligibleStructs);

        // A bool, so it compares equal across edits even though the compilation changes every time.
        IncrementalValueProvider<bool> allowUnsafe = context.CompilationProvider
            .Select(static (compilation, _) => compilation.Options is CSharpCompilationOptions { AllowUnsafe: true })
            .WithTrackingName(TrackingNames.AllowUnsafe);

        IncrementalValuesProvider<(FioAllocatedStructModel Model, bool AllowUnsafe)> output = structs
            .Combine(allowUnsafe)
            .WithTrackingName(TrackingNames.Output);

        context.RegisterSourceOutput(output, static (productionContext, item) =>
            productionContext.AddSource(item.Model.HintName, Emit(item.Model, item.AllowUnsafe)));
    }
}
