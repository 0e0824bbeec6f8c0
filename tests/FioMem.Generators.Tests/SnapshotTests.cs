// The generated source of every eligible shape, compared byte for byte with the checked-in snapshots.
using FioMem.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace FioMem.Generators.Tests;

public class SnapshotTests
{
    [Theory]
    [MemberData(nameof(GeneratorCases.EligibleNames), MemberType = typeof(GeneratorCases))]
    public void Generated_source_matches_the_snapshot(string caseName)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorCases.Get(caseName));
        Assert.NotEmpty(run.Generated);

        if (SnapshotStore.IsUpdating)
            SnapshotStore.Write(caseName, run.Generated);

        var expected = SnapshotStore.Read(caseName);
        Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), run.Generated.Select(g => g.HintName).OrderBy(k => k, StringComparer.Ordinal));
        foreach ((string hint, string text) in run.Generated)
            Assert.Equal(expected[hint], text);
    }

    [Theory]
    [MemberData(nameof(GeneratorCases.EligibleNames), MemberType = typeof(GeneratorCases))]
    public void Generated_source_compiles_without_warnings_and_the_generator_reports_nothing(string caseName)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorCases.Get(caseName));

        Assert.Empty(run.GeneratorDiagnostics);
        var problems = run.OutputCompilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error
                || (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true))
            .ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
