// Build-time interception from the package: the same NativeMemory sources built with and without
// FioMemInterceptNativeMemory print the same output; only the intercepted build allocates from FioMem.
using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FioMem.Package.Tests.Infrastructure;
using Xunit;

namespace FioMem.Package.Tests;

[Collection(PackageCollection.Name)]
public sealed class InterceptionPackageTests(PackageFixture fixture)
{
    private const string AllocatorLine = "NativeMemory served by FioMem ";

    [Fact]
    public void The_same_sources_print_the_same_output_both_ways_and_only_the_intercepted_build_allocates_from_FioMem()
    {
        CliResult plain = BuildAndRun("App", "--allocator");
        CliResult intercepted = BuildAndRun("Intercept", "--allocator");

        Assert.Contains(AllocatorLine + "False", plain.Output);
        Assert.Contains(AllocatorLine + "True", intercepted.Output);
        Assert.Equal(WithoutAllocatorLine(plain.Output), WithoutAllocatorLine(intercepted.Output));
        Assert.Contains("native squares 328350, handed to native code 42", intercepted.Output);
    }

    [Fact]
    public void The_build_prints_one_summary_and_the_report_lists_every_call_with_the_reason_for_those_left_alone()
    {
        CliResult build = Build("Intercept", "--no-incremental");
        Assert.True(build.ExitCode == 0, "Intercept did not build:\n" + build);
        string relativeReport = Path.Combine("obj", "Debug", "net10.0", "FioMem.Interception.txt");
        Assert.Single(Regex.Matches(build.Output, Regex.Escape($"Intercept: FioMem intercepts 6 of 7 NativeMemory calls; see {relativeReport}")));

        string[] report = File.ReadAllLines(Path.Combine(fixture.ConsumerDirectory, "Intercept", relativeReport));
        Assert.Equal("FioMem intercepts 6 of 7 NativeMemory calls", report[0]);
        Assert.Equal(8, report.Length);
        Assert.Equal(6, report.Count(l => l.Contains(" -> FioMemory.", StringComparison.Ordinal)));
        Assert.Contains(report, l => l.Contains("NativeMemory.Realloc -> FioMemory.Realloc (in NativeBuffers.SumOfSquares)", StringComparison.Ordinal));

        // The memory native code frees keeps its allocation, with its reason; its own release moves (FioMemory hands
        // memory it did not allocate back to NativeMemory).
        var (allocation, release) = HandToNativeLines();
        Assert.Contains(report, l => l.Contains($"NativeBuffers.cs({allocation},", StringComparison.Ordinal)
            && l.Contains("left alone (in NativeBuffers.HandToNative): PassedToNativeCode", StringComparison.Ordinal));
        Assert.Contains(report, l => l.Contains($"NativeBuffers.cs({release},", StringComparison.Ordinal)
            && l.Contains("NativeMemory.Free -> FioMemory.Free (in NativeBuffers.HandToNative)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_migration_report_alone_gives_every_call_its_verdict_in_words_and_intercepts_nothing()
    {
        CliResult build = Build("App", "--no-incremental", "-p:FioMemMigrationReport=true");
        Assert.True(build.ExitCode == 0, "App did not build:\n" + build);
        string relativeReport = Path.Combine("obj", "Debug", "net10.0", "FioMem.Migration.txt");
        Assert.Single(Regex.Matches(build.Output, Regex.Escape($"App: FioMem migrates 6 of 7 NativeMemory calls to FioMemory; see {relativeReport}")));
        Assert.DoesNotContain("FioMem intercepts", build.Output);
        Assert.Empty(Directory.GetFiles(Path.Combine(fixture.ConsumerDirectory, "App", "obj"), "FioMem.Interceptors.g.cs", SearchOption.AllDirectories));

        string[] report = File.ReadAllLines(Path.Combine(fixture.ConsumerDirectory, "App", relativeReport));
        Assert.Equal("FioMem migrates 6 of 7 NativeMemory calls to FioMemory", report[0]);
        Assert.Equal(8, report.Length);
        Assert.Equal(6, report.Count(l => l.Contains(" migrates to FioMemory.", StringComparison.Ordinal)));
        var (allocation, release) = HandToNativeLines();
        Assert.Contains(report, l => l.StartsWith($"NativeBuffers.cs:{allocation}:", StringComparison.Ordinal)
            && l.EndsWith("(in NativeBuffers.HandToNative) stays on NativeMemory: the memory is passed to native code, which may free it", StringComparison.Ordinal));
        Assert.Contains(report, l => l.StartsWith($"NativeBuffers.cs:{release}:", StringComparison.Ordinal)
            && l.EndsWith("(in NativeBuffers.HandToNative) migrates to FioMemory.Free", StringComparison.Ordinal));
    }

    [Fact]
    public void Memory_given_to_a_PInvoke_that_frees_it_keeps_its_NativeMemory_allocation()
    {
        CliResult build = Build("Intercept");
        Assert.True(build.ExitCode == 0, "Intercept did not build:\n" + build);

        string generated = Directory.GetFiles(Path.Combine(fixture.ConsumerDirectory, "Intercept", "obj"), "FioMem.Interceptors.g.cs", SearchOption.AllDirectories).Single();
        string interceptors = File.ReadAllText(generated);
        Assert.Equal(6, Regex.Matches(interceptors, @"\[global::System\.Runtime\.CompilerServices\.InterceptsLocation\(1, ""[^""]+""\)\]").Count);
        var (allocation, release) = HandToNativeLines();
        Assert.DoesNotContain($"NativeBuffers.cs({allocation},", interceptors);
        Assert.Contains($"NativeBuffers.cs({release},", interceptors);

        // The run hands that memory to free(): had it been FioMem's, the process would not end well.
        CliResult run = Run("Intercept");
        Assert.True(run.ExitCode == 0, "Intercept failed:\n" + run);
    }

    // The lines of HandToNative's allocation (its memory goes to native free()) and of its own release.
    private (int Allocation, int Release) HandToNativeLines()
    {
        string[] source = File.ReadAllLines(Path.Combine(fixture.ConsumerDirectory, "App", "NativeBuffers.cs"));
        int LineOf(string text) => Array.FindIndex(source, l => l.Contains(text, StringComparison.Ordinal)) + 1;
        return (LineOf("NativeMemory.Alloc(16)"), LineOf("NativeMemory.Free(text)"));
    }

    private static string WithoutAllocatorLine(string output) =>
        string.Join('\n', output.ReplaceLineEndings("\n").Split('\n').Where(l => !l.StartsWith(AllocatorLine, StringComparison.Ordinal)));

    private CliResult Build(string project, params string[] options) =>
        DotnetCli.Run(Path.Combine(fixture.ConsumerDirectory, project), ["build", project + ".csproj", "--no-restore", "-nologo", .. options]);

    private CliResult Run(string project, params string[] arguments) =>
        DotnetCli.Run(Path.Combine(fixture.ConsumerDirectory, project), [Path.Combine("bin", "Debug", "net10.0", project + ".dll"), .. arguments]);

    private CliResult BuildAndRun(string project, params string[] arguments)
    {
        CliResult build = Build(project);
        Assert.True(build.ExitCode == 0, $"{project} did not build:\n{build}");
        CliResult run = Run(project, arguments);
        Assert.True(run.ExitCode == 0, $"{project} failed:\n{run}");
        return run;
    }
}
