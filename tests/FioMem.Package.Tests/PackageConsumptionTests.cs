// A throw-away consumer restores FioMem from the freshly packed folder and uses it the way a user does: the generator
// runs, the analyzers report, `dotnet format` applies the code fix, and the programs run.
using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FioMem.Package.Tests.Infrastructure;
using Xunit;

namespace FioMem.Package.Tests;

[Collection(PackageCollection.Name)]
public sealed class PackageConsumptionTests(PackageFixture fixture)
{
    private static readonly Regex s_nativeMemoryCall = new(@"\bNativeMemory\.(Alloc|AllocZeroed|Realloc|Free)\b");

    /// <summary>What Consumer/App/Program.cs prints (JIT or Native AOT).</summary>
    private static string ExpectedAppOutput => string.Join('\n',
        "particle 7 at (3, 4), aligned True",
        "array of 100, id sum 4950",
        "owned zeroed True",
        "type name Consumer.Particle",
        "registry 42",
        "native squares 328350, handed to native code 42",
        "FioMem " + Repository.Version) + "\n";

    [Fact]
    public void Consumer_restores_the_packed_package_into_its_private_folder()
    {
        string restored = Path.Combine(fixture.PackagesDirectory, "fiomem", Repository.Version);
        Assert.True(Directory.Exists(restored), "FioMem was not restored into the private folder:\n" + fixture.RestoreResult);
        Assert.Equal(File.ReadAllBytes(fixture.PackagePath),
            File.ReadAllBytes(Path.Combine(restored, $"fiomem.{Repository.Version.ToLowerInvariant()}.nupkg")));
    }

    [Fact]
    public void Generated_helpers_compile_and_run_and_FIO001_warns_on_the_static_store()
    {
        // A no-op incremental build would not report warnings again: another test may have built App already.
        CliResult build = Build("App", "--no-incremental");
        Assert.True(build.ExitCode == 0, "the consumer app did not build:\n" + build);

        // FIO001 on Registry.s_last, as a warning: the user's build goes on.
        Assert.True(Regex.IsMatch(build.Output, @"Registry\.cs\(\d+,\d+\): warning FIO001: .*'Registry\.s_last'"), "no FIO001 warning on Registry.s_last:\n" + build);
        Assert.DoesNotContain("error", build.Output.Split('\n').Where(l => l.Contains("FIO", StringComparison.Ordinal)));
        // The build output ends the message with the rule's help link: an absolute address, not a path in the repository.
        string helpLink = $"{Repository.Property("RepositoryUrl")}/blob/{Repository.Property("RepositoryBranch")}/docs/diagnostics/FIO001.md";
        Assert.True(Regex.IsMatch(build.Output, @"warning FIO001: .*\(" + Regex.Escape(helpLink) + @"\)"), $"FIO001 does not end with {helpLink}:\n" + build);

        CliResult run = Run("App");
        Assert.True(run.ExitCode == 0, "the consumer app failed:\n" + run);
        Assert.Equal(ExpectedAppOutput, run.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Native_AOT_publish_has_no_trim_or_AOT_warning_and_the_binary_prints_the_same_output()
    {
        string project = Path.Combine(fixture.ConsumerDirectory, "Aot");
        string output = Path.Combine(fixture.WorkDirectory, "aot");
        CliResult publish = DotnetCli.Run(project, "publish", "Aot.csproj", "-c", "Release", "--no-restore", "-o", output, "-nologo");
        Assert.True(publish.ExitCode == 0, "the Native AOT publish failed:\n" + publish);

        // The App's sources keep their FIO001 store; any other warning (IL2xxx trimming, IL3xxx AOT, ...) is a defect.
        string[] otherWarnings = publish.Output.Split('\n')
            .Where(l => l.Contains(": warning ", StringComparison.Ordinal) && !l.Contains(": warning FIO001:", StringComparison.Ordinal))
            .Distinct().ToArray();
        Assert.True(otherWarnings.Length == 0, "the Native AOT publish warned:\n" + string.Join('\n', otherWarnings) + "\n" + publish);

        // Aot builds with FioMemInterceptNativeMemory=true: the interceptors are in the binary and FioMem serves them.
        Assert.Contains("Aot: FioMem intercepts 6 of 7 NativeMemory calls", publish.Output);
        string binary = Path.Combine(output, OperatingSystem.IsWindows() ? "Aot.exe" : "Aot");
        CliResult run = DotnetCli.Execute(binary, output);
        Assert.True(run.ExitCode == 0, "the native binary failed:\n" + run);
        Assert.Equal(ExpectedAppOutput, run.Output.ReplaceLineEndings("\n"));
        CliResult allocator = DotnetCli.Execute(binary, output, "--allocator");
        Assert.True(allocator.ExitCode == 0, "the native binary failed:\n" + allocator);
        Assert.Contains("NativeMemory served by FioMem True\n", allocator.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Generated_code_names_the_package_version()
    {
        CliResult build = Build("App");
        Assert.True(build.ExitCode == 0, "the consumer app did not build:\n" + build);

        string generated = Path.Combine(fixture.ConsumerDirectory, "App", "obj");
        string[] files = Directory.GetFiles(generated, "*.g.cs", SearchOption.AllDirectories)
            .Where(f => f.Replace('\\', '/').Contains("/FioMem.Generators/", StringComparison.Ordinal)).ToArray();
        Assert.True(files.Length == 1, $"expected one generated file for Particle, found {files.Length}:\n{string.Join('\n', files)}");
        string source = File.ReadAllText(files[0]);
        Assert.Contains($"[global::System.CodeDom.Compiler.GeneratedCode(\"FioMem.Generators\", \"{Repository.Version}\")]", source);
        Assert.DoesNotMatch(new Regex(@"GeneratedCode\(""FioMem\.Generators"", ""(?!" + Regex.Escape(Repository.Version) + @""")"), source);
    }

    [Fact]
    public void FIO004_fails_the_build_of_an_ineligible_FioAllocated_type()
    {
        CliResult build = Build("Bad");
        Assert.True(build.ExitCode != 0, "a [FioAllocated] struct with a string field built:\n" + build);
        Assert.True(Regex.IsMatch(build.Output, @"BadTypes\.cs\(\d+,\d+\): error FIO004: 'WithReference' cannot be \[FioAllocated\]"),
            "no FIO004 error on WithReference:\n" + build);
    }

    [Fact]
    public void Dotnet_format_migrates_NativeMemory_to_FioMemory_with_the_same_output()
    {
        CliResult before = BuildAndRun("Migrate");
        Assert.StartsWith("sum of squares 10416, non-zero bytes 0", before.Output);

        string project = Path.Combine(fixture.ConsumerDirectory, "Migrate");
        CliResult format = DotnetCli.Run(project,
            "format", "analyzers", "Migrate.csproj", "--diagnostics", "FIO003", "--severity", "info", "--no-restore", "-v", "n");
        Assert.True(format.ExitCode == 0, "dotnet format failed:\n" + format);

        string migrated = File.ReadAllText(Path.Combine(project, "Program.cs"));
        Assert.True(!s_nativeMemoryCall.IsMatch(migrated) && migrated.Contains("FioMemory.Alloc(", StringComparison.Ordinal)
            && migrated.Contains("FioMemory.Realloc(", StringComparison.Ordinal) && migrated.Contains("FioMemory.Free(", StringComparison.Ordinal),
            "Program.cs was not migrated:\n" + migrated + "\n" + format);

        CliResult after = BuildAndRun("Migrate");
        Assert.Equal(before.Output, after.Output);
    }

    private CliResult Build(string project, params string[] options) =>
        DotnetCli.Run(Path.Combine(fixture.ConsumerDirectory, project), ["build", project + ".csproj", "--no-restore", "-nologo", .. options]);

    private CliResult Run(string project) =>
        DotnetCli.Run(Path.Combine(fixture.ConsumerDirectory, project), Path.Combine("bin", "Debug", "net10.0", project + ".dll"));

    private CliResult BuildAndRun(string project)
    {
        CliResult build = Build(project);
        Assert.True(build.ExitCode == 0, $"{project} did not build:\n{build}");
        CliResult run = Run(project);
        Assert.True(run.ExitCode == 0, $"{project} failed:\n{run}");
        return run;
    }
}
