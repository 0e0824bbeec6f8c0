// FioMemMigrationReport: FIO003's verdict on every NativeMemory call, in words, without interception.
using FioMem.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FioMem.Generators.Tests.Interception;

public class MigrationReportTests
{
    private const string Program = """
        using System.Runtime.InteropServices;

        namespace App;

        internal static unsafe class Buffers
        {
            [DllImport("libc", EntryPoint = "free")]
            private static extern void NativeFree(void* p);

            public static long Sum(int count)
            {
                long* values = (long*)NativeMemory.Alloc((nuint)count, sizeof(long));
                values = (long*)NativeMemory.Realloc(values, (nuint)(count * 2 * sizeof(long)));
                long sum = values[0];
                NativeMemory.Free(values);
                return sum;
            }

            private static readonly byte* s_table = (byte*)NativeMemory.Alloc(256);

            public static byte Lookup(int i) => s_table[i & 255];

            public static void HandOver()
            {
                void* p = NativeMemory.AllocZeroed(32);
                NativeFree(p);
            }
        }

        internal static class Entry
        {
            public static void Main() { }
        }
        """;

    [Fact]
    public void The_report_gives_every_call_its_verdict_in_words_and_nothing_is_intercepted()
    {
        GeneratorRun run = InterceptionHarness.Run(InterceptionHarness.CreateCompilation([("Program.cs", Program)]), BuildProperties.MigrationReport());

        Assert.Equal([NativeMemoryInterceptorGenerator.MigrationReportHintName], run.Generated.Select(g => g.HintName));
        Assert.Equal(
            """
            // FioMem migrates 4 of 5 NativeMemory calls to FioMemory
            // Program.cs:12:31: NativeMemory.Alloc (in Buffers.Sum) migrates to FioMemory.Alloc
            // Program.cs:13:25: NativeMemory.Realloc (in Buffers.Sum) migrates to FioMemory.Realloc
            // Program.cs:15:9: NativeMemory.Free (in Buffers.Sum) migrates to FioMemory.Free
            // Program.cs:19:52: NativeMemory.Alloc (in Buffers.s_table) migrates to FioMemory.AllocLongLived
            // Program.cs:25:19: NativeMemory.AllocZeroed (in Buffers.HandOver) stays on NativeMemory: the memory is passed to native code, which may free it

            """.ReplaceLineEndings("\n"),
            InterceptionHarness.MigrationReport(run));
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Settings_that_only_stop_interception_do_not_change_the_migration_verdicts()
    {
        // C# 10 compiles no generated interceptor, but the code fix migrates the same calls.
        CSharpParseOptions csharp10 = InterceptionHarness.ParseOptions.WithLanguageVersion(LanguageVersion.CSharp10);
        GeneratorRun run = InterceptionHarness.Run(InterceptionHarness.CreateCompilation([("Program.cs", Program)], parseOptions: csharp10),
            new BuildProperties(("FioMemMigrationReport", "true"), ("FioMemInterceptNativeMemory", "true"), ("OutputType", "Exe")));

        Assert.StartsWith("// FioMem migrates 4 of 5 NativeMemory calls to FioMemory\n", InterceptionHarness.MigrationReport(run));
        Assert.StartsWith("// FioMem intercepts 0 of 5 NativeMemory calls: the interceptors need C# 11", InterceptionHarness.Report(run));
        Assert.Equal(string.Empty, InterceptionHarness.Interceptors(run));
    }

    [Fact]
    public void Interception_alone_writes_no_migration_report()
    {
        GeneratorRun run = InterceptionHarness.Run(InterceptionHarness.CreateCompilation([("Program.cs", Program)]), BuildProperties.Intercepting());

        Assert.DoesNotContain(run.Generated, g => g.HintName == NativeMemoryInterceptorGenerator.MigrationReportHintName);
        Assert.Contains(run.Generated, g => g.HintName == NativeMemoryInterceptorGenerator.InterceptorsHintName);
    }
}
