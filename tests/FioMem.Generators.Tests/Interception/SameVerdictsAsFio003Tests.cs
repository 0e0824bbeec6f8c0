// Interception and FIO003 share one analysis: the calls intercepted are exactly the calls FIO003 reports.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading.Tasks;
using System.Text.RegularExpressions;
using FioMem.Analyzers.Migration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FioMem.Generators.Tests.Interception;

public class SameVerdictsAsFio003Tests
{
    private const string Storage = """
        using System;
        using System.Runtime.InteropServices;

        namespace App;

        internal sealed unsafe class Buffer : IDisposable
        {
            private byte* _data;
            private nuint _length;

            public Buffer(nuint length) { _data = (byte*)NativeMemory.AllocZeroed(length); _length = length; }

            public void Grow() { _length *= 2; _data = (byte*)NativeMemory.Realloc(_data, _length); }

            public void Dispose() { NativeMemory.Free(_data); _data = null; }
        }

        internal static unsafe class Tables
        {
            // Never freed: becomes long-lived.
            private static readonly int* s_lookup = (int*)NativeMemory.Alloc(256 * sizeof(int));

            public static int Lookup(int i) => s_lookup[i & 255];

            // Aligned and never freed: no long-lived twin, stays.
            private static readonly byte* s_page = (byte*)NativeMemory.AlignedAlloc(4096, 4096);

            public static byte Page(int i) => s_page[i & 4095];
        }
        """;

    private const string Flows = """
        using System;
        using System.Runtime.InteropServices;

        namespace App;

        public static unsafe class Wrappers
        {
            public static void* Rent(nuint size) => NativeMemory.Alloc(size);

            public static void Return(void* p) => NativeMemory.Free(p);

            public static int UseWrappers()
            {
                byte* p = (byte*)Rent(64);
                p[0] = 1;
                int value = p[0];
                Return(p);
                return value;
            }

            public static void Interior()
            {
                byte* p = (byte*)NativeMemory.Alloc(64);
                byte* q = p + 16;
                NativeMemory.Free(q - 16);
            }

            public static void Callback(Action<nint> release)
            {
                void* p = NativeMemory.Alloc(8);
                release((nint)p);
            }

            [DllImport("libc")]
            private static extern void* getenv(string name);

            public static void FreeForeign() => NativeMemory.Free(getenv("HOME"));

            public static void Tuple()
            {
                void* p = NativeMemory.Alloc(8);
                var pair = ((nint)p, 8);
                NativeMemory.Free((void*)pair.Item1);
            }

            public static void Aligned()
            {
                void* p = NativeMemory.AlignedAlloc(128, 64);
                p = NativeMemory.AlignedRealloc(p, 256, 64);
                NativeMemory.AlignedFree(p);
            }
        }

        public static class Entry
        {
            public static void Main() { }
        }
        """;

    // Facts the solver weighs against each other: memory lent to native code by a group that frees it (and by one
    // that does not), a helper that only reads (its callers stay apart), an atomic take-and-clear.
    private const string Lending = """
        using System.Runtime.InteropServices;
        using System.Threading;

        namespace App;

        internal static unsafe class Lending
        {
            [DllImport("libc")]
            private static extern nint strlen(byte* s);

            [DllImport("libc")]
            private static extern void keep(void* p);

            public static nint Length()
            {
                byte* s = (byte*)NativeMemory.Alloc(16);
                s[0] = 65;
                nint n = strlen(s);
                NativeMemory.Free(s);
                return n;
            }

            public static void Give()
            {
                void* p = NativeMemory.Alloc(16);
                keep(p);
            }

            private static int Sum(byte* p, int n)
            {
                int total = 0;
                for (int i = 0; i < n; i++)
                    total += p[i];
                return total;
            }

            public static int ReadBoth()
            {
                byte* a = (byte*)NativeMemory.Alloc(8);
                byte* b = (byte*)NativeMemory.Alloc(8);
                int total = Sum(a, 8) + Sum(b, 8);
                NativeMemory.Free(a);
                keep(b);
                return total;
            }
        }

        internal sealed unsafe class Slot
        {
            private nint _ptr = (nint)NativeMemory.Alloc(32);

            public void Dispose()
            {
                var p = Interlocked.Exchange(ref _ptr, 0);
                NativeMemory.Free((void*)p);
            }
        }
        """;

    private static readonly Regex s_reportLine = new(@"^// (?<path>[^(\n]+)\((?<line>\d+),(?<column>\d+)\): NativeMemory\.\w+ (?<verdict>->|left alone)", RegexOptions.Multiline);

    [Theory]
    [InlineData("Exe")]
    [InlineData("Library")]
    public async Task Intercepted_calls_are_exactly_the_calls_FIO003_reports(string outputType)
    {
        var compilation = InterceptionHarness.CreateCompilation([("Storage.cs", Storage), ("Flows.cs", Flows), ("Lending.cs", Lending)],
            outputType == "Exe" ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary);
        var properties = BuildProperties.Intercepting(outputType);

        var report = InterceptionHarness.Report(InterceptionHarness.Run(compilation, properties));
        var intercepted = new HashSet<string>();
        var all = new HashSet<string>();
        foreach (Match match in s_reportLine.Matches(report))
        {
            string where = $"{match.Groups["path"].Value}({match.Groups["line"].Value},{match.Groups["column"].Value})";
            all.Add(where);
            if (match.Groups["verdict"].Value == "->")
                intercepted.Add(where);
        }

        ImmutableArray<Diagnostic> diagnostics = await compilation
            .WithAnalyzers([new NativeMemoryMigrationAnalyzer()], new AnalyzerOptions([], properties))
            .GetAnalyzerDiagnosticsAsync();
        var reported = diagnostics.Where(d => d.Id == "FIO003")
            .Select(d => d.Location.GetLineSpan())
            .Select(s => $"{s.Path}({s.StartLinePosition.Line + 1},{s.StartLinePosition.Character + 1})")
            .ToHashSet();

        Assert.Equal(24, all.Count);
        Assert.NotEmpty(reported);
        Assert.True(intercepted.Count < all.Count, "every call was intercepted:\n" + report);
        Assert.Equal(reported.Order(), intercepted.Order());
    }
}
