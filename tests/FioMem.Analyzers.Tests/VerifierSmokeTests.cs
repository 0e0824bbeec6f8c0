// The offline test harness compiles FioMem code with no download and no diagnostics.
using System.Collections.Immutable;
using System.Threading.Tasks;
using FioMem.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FioMem.Analyzers.Tests;

public class VerifierSmokeTests
{
    [Fact]
    public Task Code_using_FioMemory_compiles_offline() =>
        CSharpAnalyzerVerifier<NoOpAnalyzer>.VerifyAnalyzerAsync("""
            using FioMem;
            unsafe class C
            {
                void M()
                {
                    byte* p = (byte*)FioMemory.Alloc(16);
                    FioMemory.Free(p);
                }
            }
            """);

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    internal sealed class NoOpAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
        }
    }
}
