// A program written as top-level statements, compiled with interception and run: every NativeMemory call it makes
// goes to FioMemory.
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using FioMem.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace FioMem.Generators.Tests.Interception;

public class TopLevelProgramTests
{
    // The statements, a local function they call and a lambda they run: seven NativeMemory calls, each made once.
    private const string Program = """
        using System;
        using System.Runtime.InteropServices;

        unsafe
        {
            byte* p = (byte*)NativeMemory.Alloc(16);
            p[0] = 1;
            p = (byte*)NativeMemory.Realloc(p, 32);
            NativeMemory.Free(p);

            void* q = Make(8);
            NativeMemory.Free(q);

            Action lambda = () => { void* r = NativeMemory.AllocZeroed(8); NativeMemory.Free(r); };
            lambda();
        }

        static unsafe void* Make(nuint n) => NativeMemory.Alloc(n);
        """;

    // FioMemory's API, recording each call by name before doing the NativeMemory work itself: with it in place of
    // FioMem, what the program records is exactly the calls the interceptors redirected.
    private const string RecordingFioMemory = """
        using System.Collections.Generic;
        using System.Runtime.InteropServices;

        namespace FioMem;

        public static unsafe class FioMemory
        {
            public static readonly List<string> Calls = new();

            public static void* Alloc(nuint byteCount) { Calls.Add("Alloc"); return NativeMemory.Alloc(byteCount); }
            public static void* Alloc(nuint elementCount, nuint elementSize) { Calls.Add("Alloc"); return NativeMemory.Alloc(elementCount, elementSize); }
            public static void* AllocZeroed(nuint byteCount) { Calls.Add("AllocZeroed"); return NativeMemory.AllocZeroed(byteCount); }
            public static void* AllocZeroed(nuint elementCount, nuint elementSize) { Calls.Add("AllocZeroed"); return NativeMemory.AllocZeroed(elementCount, elementSize); }
            public static void* Realloc(void* ptr, nuint byteCount) { Calls.Add("Realloc"); return NativeMemory.Realloc(ptr, byteCount); }
            public static void* AlignedAlloc(nuint byteCount, nuint alignment) { Calls.Add("AlignedAlloc"); return NativeMemory.AlignedAlloc(byteCount, alignment); }
            public static void* AlignedRealloc(void* ptr, nuint byteCount, nuint alignment) { Calls.Add("AlignedRealloc"); return NativeMemory.AlignedRealloc(ptr, byteCount, alignment); }
            public static void AlignedFree(void* ptr) { Calls.Add("AlignedFree"); NativeMemory.AlignedFree(ptr); }
            public static void Free(void* ptr) { Calls.Add("Free"); NativeMemory.Free(ptr); }
            public static void* AllocLongLived(nuint byteCount) { Calls.Add("AllocLongLived"); return NativeMemory.Alloc(byteCount); }
        }
        """;

    [Fact]
    public void Every_call_of_top_level_statements_is_intercepted_and_runs_through_FioMemory()
    {
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, deterministic: true);
        MetadataReference[] framework = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>().ToArray();
        CSharpCompilation recording = CSharpCompilation.Create("RecordingFioMem",
            [CSharpSyntaxTree.ParseText(RecordingFioMemory, InterceptionHarness.ParseOptions)], framework, options);
        byte[] recordingImage = Emit(recording);

        CSharpCompilation program = CSharpCompilation.Create("TopLevelProgram",
            [CSharpSyntaxTree.ParseText(Program, InterceptionHarness.ParseOptions, "Program.cs")],
            framework.Append(MetadataReference.CreateFromImage(recordingImage)),
            options.WithOutputKind(OutputKind.ConsoleApplication));
        GeneratorRun run = InterceptionHarness.Run(program, BuildProperties.Intercepting());

        Assert.StartsWith("// FioMem intercepts 7 of 7 NativeMemory calls\n", InterceptionHarness.Report(run));
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        byte[] programImage = Emit(run.OutputCompilation);

        var context = new RecordingContext(recordingImage);
        try
        {
            Assembly assembly = context.LoadFromStream(new MemoryStream(programImage));
            assembly.EntryPoint!.Invoke(null, [Array.Empty<string>()]);
            var calls = (List<string>)context.Recording.GetType("FioMem.FioMemory", throwOnError: true)!
                .GetField("Calls")!.GetValue(null)!;
            Assert.Equal(["Alloc", "Realloc", "Free", "Alloc", "Free", "AllocZeroed", "Free"], calls);
        }
        finally
        {
            context.Unload();
        }
    }

    private static byte[] Emit(Compilation compilation)
    {
        using MemoryStream image = new();
        EmitResult emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        return image.ToArray();
    }

    // Resolves the program's reference to the recording FioMemory; the framework comes from the test process.
    private sealed class RecordingContext : AssemblyLoadContext
    {
        public RecordingContext(byte[] recording)
            : base("TopLevelProgram", isCollectible: true) =>
            Recording = LoadFromStream(new MemoryStream(recording));

        public Assembly Recording { get; }

        protected override Assembly? Load(AssemblyName name) => name.Name == "RecordingFioMem" ? Recording : null;
    }
}
