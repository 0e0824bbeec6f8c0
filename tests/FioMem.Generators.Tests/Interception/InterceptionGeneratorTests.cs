// Which NativeMemory calls the generator redirects, what it says about the others, and that the result compiles.
using System.IO;
using System.Runtime.Loader;
using FioMem.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace FioMem.Generators.Tests.Interception;

public class InterceptionGeneratorTests
{
    private const string Program = """
        using System;
        using System.Runtime.InteropServices;

        namespace App;

        public static unsafe class Buffers
        {
            public static long Sum(int count)
            {
                long* values = (long*)NativeMemory.Alloc((nuint)count, sizeof(long));
                for (int i = 0; i < count; i++)
                    values[i] = i;
                values = (long*)NativeMemory.Realloc(values, (nuint)(count * 2 * sizeof(long)));
                long sum = 0;
                for (int i = 0; i < count; i++)
                    sum += values[i];
                NativeMemory.Free(values);
                return sum;
            }

            public static int Aligned()
            {
                byte* block = (byte*)NativeMemory.AlignedAlloc(256, 64);
                int aligned = (nuint)block % 64 == 0 ? 1 : 0;
                NativeMemory.AlignedFree(block);
                return aligned;
            }
        }

        public static unsafe partial class Interop
        {
            [DllImport("libc", EntryPoint = "free")]
            private static extern void NativeFree(void* p);

            public static void HandOver()
            {
                void* p = NativeMemory.AllocZeroed(32);
                NativeFree(p);
            }
        }

        public static class Entry
        {
            public static void Main() => Console.WriteLine(Buffers.Sum(10) + Buffers.Aligned());
        }
        """;

    [Fact]
    public void Without_the_property_nothing_is_generated()
    {
        GeneratorRun run = InterceptionHarness.Run(InterceptionHarness.CreateCompilation([("Program.cs", Program)]), new BuildProperties());

        Assert.Empty(run.Generated);
    }

    [Fact]
    public void With_the_property_false_nothing_is_generated()
    {
        GeneratorRun run = InterceptionHarness.Run(InterceptionHarness.CreateCompilation([("Program.cs", Program)]),
            new BuildProperties(("FioMemInterceptNativeMemory", "false")));

        Assert.Empty(run.Generated);
    }

    [Fact]
    public void Migratable_groups_are_intercepted_and_memory_for_a_PInvoke_is_not()
    {
        GeneratorRun run = InterceptionHarness.Run(InterceptionHarness.CreateCompilation([("Program.cs", Program)]), BuildProperties.Intercepting());

        string interceptors = InterceptionHarness.Interceptors(run);
        Assert.Contains("global::FioMem.FioMemory.Alloc(a0, a1)", interceptors);
        Assert.Contains("global::FioMem.FioMemory.Realloc(a0, a1)", interceptors);
        Assert.Contains("global::FioMem.FioMemory.Free(a0)", interceptors);
        Assert.Contains("global::FioMem.FioMemory.AlignedAlloc(a0, a1)", interceptors);
        Assert.Contains("global::FioMem.FioMemory.AlignedFree(a0)", interceptors);
        Assert.DoesNotContain("AllocZeroed", interceptors);
        Assert.Equal(5, CountOf(interceptors, "[global::System.Runtime.CompilerServices.InterceptsLocation(1, \""));

        string[] report = InterceptionHarness.Report(run).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("// FioMem intercepts 5 of 6 NativeMemory calls", report[0]);
        Assert.Contains(report, l => l.StartsWith("// Program.cs(10,") && l.Contains("NativeMemory.Alloc -> FioMemory.Alloc (in Buffers.Sum)"));
        Assert.Contains(report, l => l.StartsWith("// Program.cs(37,") && l.Contains("NativeMemory.AllocZeroed left alone (in Interop.HandOver): PassedToNativeCode"));
        Assert.Equal(7, report.Length);
    }

    [Fact]
    public void Intercepted_code_compiles_without_diagnostics_and_runs()
    {
        GeneratorRun run = InterceptionHarness.Run(InterceptionHarness.CreateCompilation([("Program.cs", Program)], OutputKind.DynamicallyLinkedLibrary),
            BuildProperties.Intercepting("Library"));

        Assert.Empty(run.GeneratorDiagnostics);
        // The test source has no XML docs (CS1591); anything else, and anything in the generated files, is a failure.
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS1591"));
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs") == true));
        using MemoryStream image = new();
        EmitResult emitted = run.OutputCompilation.Emit(image);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        image.Position = 0;
        AssemblyLoadContext context = new("InterceptedProgram", isCollectible: true);
        try
        {
            Type buffers = context.LoadFromStream(image).GetType("App.Buffers", throwOnError: true)!;
            Assert.Equal(45L, buffers.GetMethod("Sum")!.Invoke(null, [10]));
            Assert.Equal(1, buffers.GetMethod("Aligned")!.Invoke(null, []));
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void A_library_keeps_the_allocation_its_public_API_returns_and_intercepts_the_release()
    {
        const string library = """
            using System.Runtime.InteropServices;
            namespace Lib;
            public static unsafe class Api
            {
                public static void* Make() => NativeMemory.Alloc(16);
                public static void Release(void* p) => NativeMemory.Free(p);
            }
            """;
        GeneratorRun run = InterceptionHarness.Run(InterceptionHarness.CreateCompilation([("Api.cs", library)], OutputKind.DynamicallyLinkedLibrary),
            BuildProperties.Intercepting("Library"));

        // The release takes back whatever other assemblies pass it; the allocation's memory leaves for them.
        string interceptors = InterceptionHarness.Interceptors(run);
        Assert.Contains("FioMemory.Free(", interceptors);
        Assert.DoesNotContain("FioMemory.Alloc", interceptors);
        string report = InterceptionHarness.Report(run);
        Assert.StartsWith("// FioMem intercepts 1 of 2 NativeMemory calls\n", report);
        Assert.Contains("ReturnedFromPublicMember", report);
    }

    [Fact]
    public void Memory_handed_to_a_member_another_generator_implements_is_not_intercepted()
    {
        // Another generator's output is invisible to this one: Release could free the memory with NativeMemory.Free.
        const string source = """
            using System.Runtime.InteropServices;
            namespace App;
            internal static unsafe partial class Native
            {
                public static partial void Release(void* p);

                public static void Use()
                {
                    void* p = NativeMemory.Alloc(16);
                    Release(p);
                }

                public static void Own()
                {
                    void* q = NativeMemory.Alloc(16);
                    NativeMemory.Free(q);
                }
            }
            """;
        GeneratorRun run = InterceptionHarness.Run(InterceptionHarness.CreateCompilation([("Native.cs", source)]), BuildProperties.Intercepting());

        string report = InterceptionHarness.Report(run);
        Assert.StartsWith("// FioMem intercepts 2 of 3 NativeMemory calls\n", report);
        Assert.Contains("NativeMemory.Alloc left alone (in Native.Use): GeneratedCode", report);
    }

    [Fact]
    public void Under_a_CSharp_version_before_11_nothing_is_intercepted_and_the_report_says_why()
    {
        // The generated interceptors are file-local types (C# 11); emitting them for C# 10 would break the build.
        CSharpParseOptions csharp10 = InterceptionHarness.ParseOptions.WithLanguageVersion(LanguageVersion.CSharp10);
        GeneratorRun run = InterceptionHarness.Run(InterceptionHarness.CreateCompilation([("Program.cs", Program)], parseOptions: csharp10),
            BuildProperties.Intercepting());

        Assert.Equal(string.Empty, InterceptionHarness.Interceptors(run));
        string[] report = InterceptionHarness.Report(run).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("// FioMem intercepts 0 of 6 NativeMemory calls: the interceptors need C# 11 or later, and the project compiles C# 10.0",
            report[0]);
        Assert.Contains(report, l => l.StartsWith("// Program.cs(10,")
            && l.EndsWith("NativeMemory.Alloc left alone (in Buffers.Sum): the interceptors need C# 11 or later, and the project compiles C# 10.0"));
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void CSharp_11_is_enough_for_the_interceptors()
    {
        CSharpParseOptions csharp11 = InterceptionHarness.ParseOptions.WithLanguageVersion(LanguageVersion.CSharp11);
        GeneratorRun run = InterceptionHarness.Run(
            InterceptionHarness.CreateCompilation([("Program.cs", Program)], OutputKind.DynamicallyLinkedLibrary, csharp11),
            BuildProperties.Intercepting("Library"));

        Assert.StartsWith("// FioMem intercepts 5 of 6 NativeMemory calls\n", InterceptionHarness.Report(run));
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
