// Target frameworks FioMem's runtime does not support (below net10.0): one clear error where the project expects the
// runtime, a warning where it only uses the analyzers there, and FIOMEM defined exactly where FioMem.dll is referenced.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FioMem.Package.Tests.Infrastructure;
using Xunit;

namespace FioMem.Package.Tests;

[Collection(PackageCollection.Name)]
public sealed class FrameworkPackageTests(PackageFixture fixture)
{
    /// <summary>The net8.0 build runs on whichever runtime this machine has.</summary>
    private static readonly Dictionary<string, string> s_rollForward = new() { ["DOTNET_ROLL_FORWARD"] = "Major" };

    [Fact]
    public void A_net8_app_gets_one_error_that_names_the_framework_and_no_compiler_error()
    {
        CliResult build = Build("Old", "--no-incremental");
        Assert.True(build.ExitCode != 0, "a net8.0 app that uses FioMem built:\n" + build);
        string[] errors = DistinctLines(build, ": error ");
        string error = Assert.Single(errors);
        Assert.Matches(@"error FIOMEM001: FioMem does not support target framework 'net8\.0': its runtime .* needs net10\.0 or later", error);
        Assert.Contains("ExcludeAssets=\"compile;runtime\"", error);
    }

    [Fact]
    public void A_library_that_only_takes_the_analyzers_builds_on_netstandard_with_a_warning_that_names_the_framework()
    {
        CliResult build = Build("OldAnalyzers", "--no-incremental");
        Assert.True(build.ExitCode == 0, "the analyzers-only netstandard2.0 library did not build:\n" + build);
        string warning = Assert.Single(DistinctLines(build, ": warning FIOMEM001"));
        Assert.Contains("target framework 'netstandard2.0'", warning);
    }

    [Fact]
    public void A_multi_target_library_with_an_unconditional_reference_builds_and_defines_FIOMEM_only_for_net10()
    {
        CliResult build = Build("Multi", "--no-incremental");
        Assert.True(build.ExitCode == 0, "Multi (net8.0;net10.0, unconditional reference) did not build:\n" + build);
        string warning = Assert.Single(DistinctLines(build, ": warning FIOMEM001"));
        Assert.Contains("target framework 'net8.0'", warning);
        Assert.Contains("TargetFramework=net8.0]", warning);

        Assert.Equal("sum of squares 328350\nFIOMEM True\n", Run("Multi", "net10.0"));
        Assert.Equal("sum of squares 328350\nFIOMEM False\n", Run("Multi", "net8.0"));

        // NoWarn silences it; TreatWarningsAsErrors leaves it a warning (it is MSBuild's, not the compiler's).
        CliResult silenced = Build("Multi", "--no-incremental", "-p:NoWarn=FIOMEM001");
        Assert.True(silenced.ExitCode == 0 && !silenced.Output.Contains("FIOMEM001", StringComparison.Ordinal), "NoWarn did not silence FIOMEM001:\n" + silenced);
    }

    [Fact]
    public void FIO003_fix_in_a_multi_target_library_writes_an_alias_that_builds_and_runs_on_both_frameworks()
    {
        string project = Path.Combine(fixture.ConsumerDirectory, "Multi");
        string source = Path.Combine(project, "Program.cs");
        string original = File.ReadAllText(source);
        try
        {
            CliResult format = DotnetCli.Run(project,
                "format", "analyzers", "Multi.csproj", "--diagnostics", "FIO003", "--severity", "info", "--no-restore", "-v", "n");
            Assert.True(format.ExitCode == 0, "dotnet format failed:\n" + format);

            string migrated = File.ReadAllText(source).ReplaceLineEndings("\n");
            Assert.Contains("#if FIOMEM\nusing FioMemory = FioMem.FioMemory;\n#elif NET6_0_OR_GREATER\nusing FioMemory = System.Runtime.InteropServices.NativeMemory;\n#endif", migrated);
            Assert.Contains("(int*)FioMemory.Alloc((nuint)count, sizeof(int))", migrated);
            Assert.DoesNotContain("NativeMemory.Free(", migrated);

            CliResult build = Build("Multi");
            Assert.True(build.ExitCode == 0, "the migrated Multi did not build for both frameworks:\n" + build + "\n" + migrated);
            Assert.Equal("sum of squares 328350\nFIOMEM True\n", Run("Multi", "net10.0"));
            Assert.Equal("sum of squares 328350\nFIOMEM False\n", Run("Multi", "net8.0"));
        }
        finally
        {
            File.WriteAllText(source, original);
        }
    }

    private static string[] DistinctLines(CliResult result, string marker) =>
        result.Output.ReplaceLineEndings("\n").Split('\n')
            .Where(l => l.Contains(marker, StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToArray();

    private CliResult Build(string project, params string[] options) =>
        DotnetCli.Run(Path.Combine(fixture.ConsumerDirectory, project), ["build", project + ".csproj", "--no-restore", "-nologo", .. options]);

    private string Run(string project, string framework)
    {
        string directory = Path.Combine(fixture.ConsumerDirectory, project);
        CliResult run = DotnetCli.Execute("dotnet", directory, s_rollForward, Path.Combine("bin", "Debug", framework, project + ".dll"));
        Assert.True(run.ExitCode == 0, $"{project} ({framework}) failed:\n{run}");
        return run.Output.ReplaceLineEndings("\n");
    }
}
