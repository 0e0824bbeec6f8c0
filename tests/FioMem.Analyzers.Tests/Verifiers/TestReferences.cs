// Offline references for analyzer and code-fix tests: .NET 10 reference assemblies plus the FioMem runtime.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace FioMem.Analyzers.Tests.Verifiers;

internal static class TestReferences
{
    /// <summary>No reference-assembly package: nothing is downloaded; the references below are added instead.</summary>
    public static readonly ReferenceAssemblies None = new("net10.0");

    /// <summary>.NET 10 reference assemblies (Basic.Reference.Assemblies) and FioMem.dll.</summary>
    public static readonly ImmutableArray<MetadataReference> WithFioMem =
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(FioMem.FioMemory).Assembly.Location))
            .ToImmutableArray();

    /// <summary>.NET 10 reference assemblies only: code that does not reference FioMem.</summary>
    public static readonly ImmutableArray<MetadataReference> WithoutFioMem =
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>().ToImmutableArray();
}
