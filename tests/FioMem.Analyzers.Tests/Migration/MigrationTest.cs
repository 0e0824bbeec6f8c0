// Runs FIO003 over several files, as an executable or a library, with .editorconfig options.
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Verify = FioMem.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<FioMem.Analyzers.Migration.NativeMemoryMigrationAnalyzer>;

namespace FioMem.Analyzers.Tests.Migration;

internal static class MigrationTest
{
    /// <summary>Verifies FIO003's markup (<c>{|FIO003:...|}</c>) over <paramref name="sources"/>, compiled as a library.</summary>
    public static Task LibraryAsync(params string[] sources) => RunAsync(sources, outputType: null, editorConfig: null);

    /// <summary>As <see cref="LibraryAsync"/>, with <c>build_property.OutputType</c> set as FioMem's build files set it.</summary>
    public static Task WithOutputTypeAsync(string outputType, params string[] sources) => RunAsync(sources, outputType, editorConfig: null);

    /// <summary>As <see cref="LibraryAsync"/>, with an <c>.editorconfig</c> holding <paramref name="editorConfig"/> for every file.</summary>
    public static Task WithEditorConfigAsync(string editorConfig, params string[] sources) => RunAsync(sources, outputType: null, editorConfig);

    /// <summary>
    /// Verifies that <paramref name="source"/>, compiled as a library (with <paramref name="editorConfig"/> when given),
    /// reports exactly <paramref name="expected"/>: for checks of a group's name, size and additional locations.
    /// </summary>
    public static Task ExpectAsync(string? editorConfig, string source, params DiagnosticResult[] expected) =>
        RunAsync([source], outputType: null, editorConfig, expected);

    /// <summary>
    /// A FIO003 result for the call marked <c>{|#<paramref name="at"/>:...|}</c>, whose group (named
    /// <paramref name="group"/>) moves the calls marked <paramref name="moving"/>, in source order.
    /// </summary>
    public static DiagnosticResult Fio003(int at, string nativeMethod, string fioMethod, string group, int[] moving, string note = "")
    {
        var result = new DiagnosticResult("FIO003", DiagnosticSeverity.Info).WithLocation(at);
        foreach (int location in moving)
            result = result.WithLocation(location);
        return result.WithArguments(nativeMethod, fioMethod, $"group '{group}', {moving.Length} call{(moving.Length == 1 ? "" : "s")}", note);
    }

    /// <summary>The note of a release that moves while its group's allocation stays on NativeMemory.</summary>
    public const string KeptAllocationNote = "; memory FioMem did not allocate goes back to NativeMemory";

    private static async Task RunAsync(string[] sources, string? outputType, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = new Verify.Test();
        for (int i = 0; i < sources.Length; i++)
            test.TestState.Sources.Add(($"/0/File{i}.cs", sources[i]));
        test.TestState.AdditionalReferences.AddRange(TestReferences.WithFioMem);
        if (outputType is not null)
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", $"is_global = true\nbuild_property.OutputType = {outputType}\n"));
        if (editorConfig is not null)
            test.TestState.AnalyzerConfigFiles.Add(("/0/.editorconfig", $"root = true\n\n[*.cs]\n{editorConfig}\n"));
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }
}
