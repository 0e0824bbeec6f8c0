// The snapshot cases again, through Microsoft.CodeAnalysis.Testing: the generated sources must equal the snapshots
// and the whole project must compile against offline .NET 10 reference assemblies and FioMem.dll.
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace FioMem.Generators.Tests;

public class GeneratedSourceCompilesTests
{
    [Theory]
    [MemberData(nameof(GeneratorCases.EligibleNames), MemberType = typeof(GeneratorCases))]
    public async Task Generated_sources_equal_the_snapshots_and_compile(string caseName)
    {
        GeneratorCase testCase = GeneratorCases.Get(caseName);
        var test = new CSharpSourceGeneratorTest<FioAllocatedGenerator, DefaultVerifier>
        {
            // No reference-assembly package: nothing is downloaded; the offline references are added below.
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        test.TestState.AdditionalReferences.AddRange(GeneratorHarness.References);
        foreach ((string path, string source) in testCase.Sources)
            test.TestState.Sources.Add((path, source));
        foreach ((string hint, string text) in SnapshotStore.Read(caseName).OrderBy(p => p.Key, StringComparer.Ordinal))
            test.TestState.GeneratedSources.Add((typeof(FioAllocatedGenerator), hint, SourceText.From(text, Encoding.UTF8)));
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            var options = ((CSharpCompilationOptions)project.CompilationOptions!).WithAllowUnsafe(testCase.AllowUnsafe);
            var parse = ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest);
            return solution.WithProjectCompilationOptions(projectId, options).WithProjectParseOptions(projectId, parse);
        });

        await test.RunAsync(CancellationToken.None);
    }
}
