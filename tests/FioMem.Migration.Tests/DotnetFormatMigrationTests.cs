// End-to-end: `dotnet format analyzers --diagnostics FIO003 --severity info` migrates a NativeMemory app to FioMem,
// which then builds and prints exactly what it printed before.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace FioMem.Migration.Tests;

public sealed class DotnetFormatMigrationTests : IDisposable
{
    private static readonly Regex s_nativeMemoryCall = new(@"\bNativeMemory\.(Alloc|AllocZeroed|Realloc|Free|AlignedAlloc|AlignedFree)\b");

    private readonly ITestOutputHelper _output;
    private readonly string _work;

    public DotnetFormatMigrationTests(ITestOutputHelper output)
    {
        _output = output;
        _work = Path.Combine(Path.GetTempPath(), "fiomem-migration-" + Guid.NewGuid().ToString("N"));
    }

    [Fact]
    public void Dotnet_format_migrates_the_sample_which_then_prints_the_same_output()
    {
        string repository = typeof(DotnetFormatMigrationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepositoryRoot").Value!;
        string configuration = typeof(DotnetFormatMigrationTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        CopySample(Path.Combine(repository, "tests", "FioMem.Migration.Tests", "Sample"), _work);
        var environment = new Dictionary<string, string> { ["FIOMEM_SRC"] = Path.Combine(repository, "src") + Path.DirectorySeparatorChar };

        string before = BuildAndRun("Sample", environment, configuration, restore: true);
        Assert.Contains("text hello, fiomem", before);
        Assert.Contains("shared 496/21/11/8", before);
        Assert.Contains("generics 2088960/42", before);

        // dotnet format evaluates the project in Debug unless told otherwise, and then finds no built analyzers in a
        // Release-only checkout: make it load the configuration this test was built in.
        var formatEnvironment = new Dictionary<string, string>(environment) { ["Configuration"] = configuration };
        var format = DotnetProcess.Run(_work, formatEnvironment,
            "format", "analyzers", "Sample.csproj", "--diagnostics", "FIO003", "--severity", "info", "--no-restore", "-v", "n");
        _output.WriteLine(format.Output);
        Assert.True(format.ExitCode == 0, "dotnet format failed:\n" + format.Output);

        // Every migratable file now calls FioMemory and no NativeMemory allocation or release is left in it.
        foreach (var file in new[] { "Buffers.cs", "Styles.cs", "TextBuffer.cs", "Mem.cs", "Collections.cs", "Aligned.cs", "Voices.cs", "Lookup.cs", "Shared.cs", "Generics.cs" })
        {
            string text = File.ReadAllText(Path.Combine(_work, file));
            Assert.Contains("FioMemory.", text);
            Assert.Contains("using FioMem;", text);
            Assert.DoesNotMatch(s_nativeMemoryCall, text);
        }

        string styles = File.ReadAllText(Path.Combine(_work, "Styles.cs"));
        Assert.DoesNotMatch(new Regex(@"(?<![\w.])(Alloc|AllocZeroed|Free)\("), styles); // no using-static call left
        Assert.Contains("FioMemory.Free(FioMemory.Alloc(1))", styles);
        Assert.DoesNotContain("NativeMemory", styles); // the using static and the alias went with the last call
        string buffers = File.ReadAllText(Path.Combine(_work, "Buffers.cs"));
        Assert.Contains("// released here", buffers);
        Assert.DoesNotContain("using System.Runtime.InteropServices;", buffers);
        Assert.Contains("using System.Text;", File.ReadAllText(Path.Combine(_work, "Voices.cs")));
        Assert.Contains("FioMemory.AlignedRealloc(_values, (nuint)(2 * _count * sizeof(float)), 64)", File.ReadAllText(Path.Combine(_work, "Aligned.cs")));
        Assert.Contains("FioMemory.AllocLongLived(16)", File.ReadAllText(Path.Combine(_work, "Lookup.cs")));

        // The documented skips keep their allocations on NativeMemory; their releases move (FioMemory hands memory it did
        // not allocate back to NativeMemory), the function pointer to NativeMemory.Free included.
        string skipped = File.ReadAllText(Path.Combine(_work, "Skipped.cs"));
        foreach (var allocation in new[] { "NativeMemory.Alloc(4)", "NativeMemory.Alloc(8)", "NativeMemory.Alloc(32)" })
            Assert.Contains(allocation, skipped);
        foreach (var release in new[] { "FioMemory.Free(lent);", "&FioMemory.Free;", "FioMemory.Free(payload - 16);" })
            Assert.Contains(release, skipped);
        Assert.DoesNotContain("NativeMemory.Free", skipped);

        string after = BuildAndRun("Sample", environment, configuration, restore: false);
        Assert.Equal(before, after);

        // Checked mode too (it catches a double or interior free of FioMem's memory).
        var checkedEnvironment = new Dictionary<string, string>(environment) { ["FIOMEM_CHECKED"] = "1" };
        Assert.Equal(before, Run("Sample", checkedEnvironment, configuration, "net10.0"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_work))
            Directory.Delete(_work, recursive: true);
    }

    [Fact]
    // FioMem is referenced for net10.0 only: the fix writes an alias under #if FIOMEM, so that the shared source builds
    // for net9.0 too (with NativeMemory there), and leaves alone what only FioMem could serve (AllocLongLived).
    public void Dotnet_format_migrates_a_multi_targeting_project_which_then_builds_and_runs_on_every_target()
    {
        string repository = typeof(DotnetFormatMigrationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepositoryRoot").Value!;
        string configuration = typeof(DotnetFormatMigrationTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        string sample = Path.Combine(repository, "tests", "FioMem.Migration.Tests", "MultiTargetSample");
        CopySample(sample, _work);
        var environment = new Dictionary<string, string>
        {
            ["FIOMEM_SRC"] = Path.Combine(repository, "src") + Path.DirectorySeparatorChar,
            ["DOTNET_ROLL_FORWARD"] = "Major", // the net9.0 build runs on whichever runtime this machine has
        };

        string before = BuildAndRun("MultiTargetSample", environment, configuration, restore: true);
        Assert.Contains("text 12/", before);
        Assert.Equal(before, Run("MultiTargetSample", environment, configuration, "net9.0"));

        var formatEnvironment = new Dictionary<string, string>(environment) { ["Configuration"] = configuration };
        var format = DotnetProcess.Run(_work, formatEnvironment,
            "format", "analyzers", "MultiTargetSample.csproj", "--diagnostics", "FIO003", "--severity", "info", "--no-restore", "-v", "n");
        _output.WriteLine(format.Output);
        Assert.True(format.ExitCode == 0, "dotnet format failed:\n" + format.Output);

        string builder = File.ReadAllText(Path.Combine(_work, "Utf8Builder.cs"));
        _output.WriteLine(builder);
        Assert.Contains("#if FIOMEM\nusing FioMemory = FioMem.FioMemory;\n#elif NET6_0_OR_GREATER\nusing FioMemory = System.Runtime.InteropServices.NativeMemory;\n#endif", builder.Replace("\r\n", "\n"));
        Assert.Contains("_bytes = (byte*)FioMemory.Realloc(_bytes, (nuint)_capacity);", builder);
        Assert.DoesNotMatch(s_nativeMemoryCall, builder);
        Assert.Equal(File.ReadAllText(Path.Combine(sample, "Table.cs")), File.ReadAllText(Path.Combine(_work, "Table.cs")));

        // Every target builds (one build of the project builds both) and prints what it printed before.
        string after = BuildAndRun("MultiTargetSample", environment, configuration, restore: false);
        Assert.Equal(before, after);
        Assert.Equal(before, Run("MultiTargetSample", environment, configuration, "net9.0"));
    }

    private string BuildAndRun(string project, Dictionary<string, string> environment, string configuration, bool restore)
    {
        var arguments = new List<string> { "build", project + ".csproj", "-c", configuration, "-p:BuildProjectReferences=false", "-nodeReuse:false" };
        if (!restore)
            arguments.Add("--no-restore");
        var build = DotnetProcess.Run(_work, environment, arguments.ToArray());
        Assert.True(build.ExitCode == 0, "build failed:\n" + build.Output);
        return Run(project, environment, configuration, "net10.0");
    }

    private string Run(string project, Dictionary<string, string> environment, string configuration, string framework)
    {
        var run = DotnetProcess.Run(_work, environment, Path.Combine("bin", configuration, framework, project + ".dll"));
        Assert.True(run.ExitCode == 0, "sample failed:\n" + run.Output);
        _output.WriteLine(run.Output);
        return run.Output;
    }

    private static void CopySample(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));

        // Keep the repository's Directory.Build.props and package settings out of the copied app.
        File.WriteAllText(Path.Combine(to, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(to, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(to, "Directory.Packages.props"), "<Project />\n");
    }
}
