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

    // Every kind of member FIO003 walks, most with a group that migrates (so a call the generator does not see, or sees
    // in another member or as other code, changes a verdict): accessors and expression bodies linked to an interface's property
    // or indexer, constructors with initializers, a primary constructor's base call, field initializers, a finalizer,
    // an operator, generic methods, static abstract and static virtual interface members, local functions, lambdas,
    // anonymous methods, members under [GeneratedCode] and a SafeHandle.
    private const string Shapes = """
        using System;
        using System.Runtime.InteropServices;

        namespace App;

        internal unsafe interface IHolder
        {
            byte* Data { get; }

            byte* this[int i] { get; }
        }

        internal sealed unsafe class Holder : IHolder
        {
            private byte* _data = (byte*)NativeMemory.Alloc(8);
            private byte* _slot;
            private byte* _spare;
            private readonly Func<nint> _factory = () => (nint)NativeMemory.Alloc(4);
            private readonly Action _cleanup = static () => { void* p = NativeMemory.Alloc(4); NativeMemory.Free(p); };

            public Holder() : this((byte*)NativeMemory.AllocZeroed(16)) { }

            private Holder(byte* slot) => _slot = slot;

            // Expression-bodied members of an interface: freed through it.
            public byte* Data => _data;

            public byte* this[int i] => _slot;

            public byte* Spare
            {
                get { return _spare; }
                set => _spare = value;
            }

            public static Holder operator +(Holder h, int n)
            {
                h.Spare = (byte*)NativeMemory.Alloc((nuint)n);
                return h;
            }

            ~Holder() => NativeMemory.Free(_spare);

            public static void Release(IHolder holder)
            {
                NativeMemory.Free(holder.Data);
                NativeMemory.Free(holder[0]);
            }
        }

        internal unsafe class Base(byte* block)
        {
            protected byte* Block = block;

            public void Close() => NativeMemory.Free(Block);
        }

        internal sealed unsafe class Derived(nuint size) : Base((byte*)NativeMemory.Alloc(size))
        {
            private byte* _own = (byte*)NativeMemory.Alloc(size);

            static Derived() { s_shared = (byte*)NativeMemory.AllocZeroed(64); }

            private static byte* s_shared;

            public static void Drop() => NativeMemory.Free(s_shared);

            public void CloseOwn() => NativeMemory.Free(_own);
        }

        internal unsafe interface IAllocator
        {
            static abstract void* Rent(nuint size);

            static abstract void Return(void* block);

            static virtual void* RentZeroed(nuint size) => NativeMemory.AllocZeroed(size);
        }

        internal unsafe struct NativeAllocator : IAllocator
        {
            public static void* Rent(nuint size) => NativeMemory.Alloc(size);

            public static void Return(void* block) => NativeMemory.Free(block);
        }

        internal static unsafe class Shapes
        {
            private static T* New<T>() where T : unmanaged => (T*)NativeMemory.Alloc((nuint)sizeof(T));

            private static void Delete<T>(T* p) where T : unmanaged => NativeMemory.Free(p);

            public static void Generic()
            {
                int* i = New<int>();
                long* l = New<long>();
                Delete(i);
                Delete(l);
            }

            public static void Pooled<T>() where T : IAllocator
            {
                void* a = T.Rent(8);
                void* b = T.RentZeroed(8);
                T.Return(a);
                T.Return(b);
            }

            public static void LocalFunctions()
            {
                byte* p = Make(32);
                Release(p);

                static byte* Make(nuint n) => (byte*)NativeMemory.Alloc(n);
                void Release(byte* q) => NativeMemory.Free(q);
            }

            public static void Lambdas()
            {
                Action lambda = () => { void* p = NativeMemory.Alloc(8); NativeMemory.Free(p); };
                Action anonymous = delegate { void* p = NativeMemory.Alloc(8); NativeMemory.Free(p); };
                lambda();
                anonymous();
            }
        }

        [System.CodeDom.Compiler.GeneratedCode("tool", "1.0")]
        internal static unsafe class FromATool
        {
            public static void Scratch() { void* p = NativeMemory.Alloc(8); NativeMemory.Free(p); }
        }

        internal static unsafe class PartlyGenerated
        {
            public static byte* Buffer
            {
                [System.CodeDom.Compiler.GeneratedCode("tool", "1.0")]
                get => (byte*)NativeMemory.Alloc(8);
            }

            public static void Drop() => NativeMemory.Free(Buffer);
        }

        internal sealed unsafe class NativeBufferHandle : SafeHandle
        {
            public NativeBufferHandle(nuint size) : base(0, true) => SetHandle((nint)NativeMemory.Alloc(size));

            public override bool IsInvalid => handle == 0;

            protected override bool ReleaseHandle()
            {
                NativeMemory.Free((void*)handle);
                return true;
            }
        }
        """;

    // A program's top-level statements, with a local function and a lambda of their own.
    private const string TopLevel = """
        using System;
        using System.Runtime.InteropServices;

        unsafe
        {
            byte* p = (byte*)NativeMemory.Alloc(16);
            p = (byte*)NativeMemory.Realloc(p, 32);
            NativeMemory.Free(p);

            void* q = Make(8);
            NativeMemory.Free(q);

            Action lambda = () => { void* r = NativeMemory.AllocZeroed(8); NativeMemory.Free(r); };
            lambda();
        }

        App.Shapes.Generic();

        static unsafe void* Make(nuint n) => NativeMemory.Alloc(n);
        """;

    // Groups whose verdict is decided in members that never spell NativeMemory, several calls away from it and in other
    // files: memory handed to native code three calls down, memory freed through an override's base method, and a
    // wrapper family; the generator walks only the members that can bear on a call's group.
    private const string Chains = """
        using System.Runtime.InteropServices;

        namespace App;

        internal static unsafe class Pool
        {
            public static byte* Take() => (byte*)NativeMemory.Alloc(32);

            public static void Give(byte* p) => NativeMemory.Free(p);

            public static byte* TakeForNative() => (byte*)NativeMemory.Alloc(32);
        }

        internal abstract unsafe class Source
        {
            public abstract byte* Get();
        }

        internal sealed unsafe class NativeSource : Source
        {
            public override byte* Get() => (byte*)NativeMemory.AllocZeroed(8);
        }
        """;

    private const string Users = """
        namespace App;

        internal static unsafe class Middle
        {
            public static byte* Borrow() => Pool.TakeForNative();

            public static void Hand(byte* p) => Sink.Keep(p);

            public static byte* Lend() => Pool.Take();
        }

        internal static unsafe class Sink
        {
            [System.Runtime.InteropServices.DllImport("libc")]
            private static extern void keep(void* p);

            public static void Keep(byte* p) => keep(p);
        }

        internal static unsafe class Users
        {
            public static void HandToNative()
            {
                byte* p = Middle.Borrow();
                Middle.Hand(p);
            }

            public static void Release(Source source) => Pool.Give(source.Get());

            public static void RoundTrip() => Pool.Give(Middle.Lend());
        }

        internal static class Unrelated
        {
            public static int Sum(int[] values)
            {
                int total = 0;
                foreach (int value in values)
                    total += value;
                return total;
            }

            public static string Name(object o) => o.ToString() ?? string.Empty;
        }

        internal static class Entry
        {
            public static void Main() { }
        }
        """;

    private static readonly Regex s_reportLine = new(@"^// (?<path>[^(\n]+)\((?<line>\d+),(?<column>\d+)\): NativeMemory\.\w+ (?<verdict>->|left alone)", RegexOptions.Multiline);

    private static readonly Regex s_migrationLine = new(@"^// (?<path>[^:\n]+):(?<line>\d+):(?<column>\d+): NativeMemory\.\w+ \(in [^)]*\) (?<verdict>migrates to|stays on)", RegexOptions.Multiline);

    [Theory]
    [InlineData("Exe")]
    [InlineData("Library")]
    public async Task Intercepted_calls_are_exactly_the_calls_FIO003_reports(string outputType)
    {
        var verdicts = await Verdicts(outputType, [("Storage.cs", Storage), ("Flows.cs", Flows), ("Lending.cs", Lending)]);

        Assert.Equal(24, verdicts.Seen.Count);
        Assert.NotEmpty(verdicts.Reported);
        Assert.True(verdicts.Intercepted.Count < verdicts.Seen.Count, "every call was intercepted:\n" + verdicts.Report);
        Assert.Equal(verdicts.Reported.Order(), verdicts.Intercepted.Order());
    }

    [Theory]
    [InlineData("Exe")]
    [InlineData("Library")]
    public async Task Every_member_shape_gets_the_verdict_FIO003_gives(string outputType)
    {
        // Top-level statements make a program: only the executable has them.
        (string, string)[] sources = outputType == "Exe" ? [("Shapes.cs", Shapes), ("TopLevel.cs", TopLevel)] : [("Shapes.cs", Shapes)];
        var verdicts = await Verdicts(outputType, sources);

        // The generator sees every call of the source (top-level statements included) and decides each as FIO003 does.
        Assert.Equal(verdicts.InSource.Order(), verdicts.Seen.Order());
        Assert.Equal(outputType == "Exe" ? 39 : 32, verdicts.Seen.Count);
        Assert.Equal(verdicts.Reported.Order(), verdicts.Intercepted.Order());
        Assert.True(verdicts.Intercepted.Count < verdicts.Seen.Count, "every call was intercepted:\n" + verdicts.Report);
    }

    [Theory]
    [InlineData("Exe")]
    [InlineData("Library")]
    public async Task Groups_decided_where_NativeMemory_is_never_named_get_the_verdict_FIO003_gives(string outputType)
    {
        var verdicts = await Verdicts(outputType, [("Chains.cs", Chains), ("Users.cs", Users)]);

        Assert.Equal(verdicts.InSource.Order(), verdicts.Seen.Order());
        Assert.Equal(4, verdicts.Seen.Count);
        Assert.Equal(verdicts.Reported.Order(), verdicts.Intercepted.Order());
        // Take, Give and the override's AllocZeroed migrate together; the memory handed to native code stays.
        Assert.Equal(3, verdicts.Intercepted.Count);
        Assert.Contains("Chains.cs(11,51): NativeMemory.Alloc left alone (in Pool.TakeForNative): PassedToNativeCode", verdicts.Report);
    }

    // Memory that goes through the runtime's generic methods as their type parameter: Parallel.For's thread-local state,
    // and the state ThreadPool hands to a method group of another member; a Task<T> is a way out.
    private const string Generics = """
        using System.Runtime.InteropServices;
        using System.Threading;
        using System.Threading.Tasks;

        namespace App;

        internal static unsafe class Generic
        {
            public static void Rows(int rows) =>
                Parallel.For(0, rows, () => (nint)NativeMemory.Alloc(16), (row, state, block) => { ((byte*)block)[0] = (byte)row; return block; },
                    block => NativeMemory.Free((void*)block));

            public static void Queue() => ThreadPool.QueueUserWorkItem(Release, (nint)NativeMemory.AllocZeroed(8), preferLocal: false);

            private static void Release(nint block) => NativeMemory.Free((void*)block);

            public static void ThroughATask()
            {
                nint block = Task.Run(() => (nint)NativeMemory.Alloc(8)).Result;
                NativeMemory.Free((void*)block);
            }
        }

        internal static class Entry
        {
            public static void Main() { }
        }
        """;

    [Theory]
    [InlineData("Exe")]
    [InlineData("Library")]
    public async Task Memory_through_a_framework_generic_method_gets_the_verdict_FIO003_gives(string outputType)
    {
        var verdicts = await Verdicts(outputType, [("Generics.cs", Generics)]);

        Assert.Equal(verdicts.InSource.Order(), verdicts.Seen.Order());
        Assert.Equal(6, verdicts.Seen.Count);
        Assert.Equal(verdicts.Reported.Order(), verdicts.Intercepted.Order());
        // Everything but the allocation whose memory leaves through the task.
        Assert.Equal(5, verdicts.Intercepted.Count);
        Assert.Contains("Generics.cs(19,", verdicts.Report);
    }

    private const string Handles = """
        using System;
        using System.Runtime.InteropServices;
        namespace App;

        internal sealed unsafe class Buffer : SafeHandle
        {
            public Buffer(int n) : base(IntPtr.Zero, true) => SetHandle((IntPtr)NativeMemory.Alloc((nuint)n));
            public override bool IsInvalid => handle == IntPtr.Zero;
            protected override bool ReleaseHandle() { NativeMemory.Free((void*)handle); return true; }
        }

        internal static unsafe class Owners
        {
            [DllImport("libc", EntryPoint = "free")] private static extern void release(IntPtr p);

            // Names neither NativeMemory nor the handle: only the SafeHandle reaches native code here.
            public static void Abandon(Buffer buffer) { release(buffer.DangerousGetHandle()); buffer.SetHandleAsInvalid(); }
        }

        internal static class Entry
        {
            public static void Main() { }
        }
        """;

    [Theory]
    [InlineData("Exe")]
    [InlineData("Library")]
    public async Task A_SafeHandle_whose_handle_reaches_native_code_far_from_NativeMemory_gets_the_verdict_FIO003_gives(string outputType)
    {
        var verdicts = await Verdicts(outputType, [("Handles.cs", Handles)]);

        Assert.Equal(2, verdicts.Seen.Count);
        Assert.Equal(verdicts.Reported.Order(), verdicts.Intercepted.Order());
        // The release moves; the allocation stays, since native code frees the handle.
        Assert.Single(verdicts.Intercepted);
        Assert.Contains("NativeMemory.Alloc left alone", verdicts.Report);
    }

    // A member that never names NativeMemory reads the field a call stores into: the second round walks it.
    private const string SecondRound = """
        using System.Runtime.InteropServices;

        namespace App;

        internal static unsafe class Pool
        {
            internal static byte* Block;

            public static void Open() => Block = (byte*)NativeMemory.Alloc(64);

            public static void Close() => NativeMemory.Free(Block);
        }

        internal static unsafe class Watcher
        {
            public static void Show() => System.Console.WriteLine((nint)Pool.Block);

            public static void Forget(delegate*<byte*, void> sink) => sink(Pool.Block);
        }

        internal static class Entry
        {
            public static void Main() { Pool.Open(); Watcher.Show(); Pool.Close(); }
        }
        """;

    // A pointer handed to a constructor, which code calls without naming it: every member is walked, as one compilation.
    private const string ThroughConstructor = """
        using System.Runtime.InteropServices;

        namespace App;

        internal sealed unsafe class Holder
        {
            private readonly byte* _data;

            public Holder(byte* data) => _data = data;

            public void Release() => NativeMemory.Free(_data);
        }

        internal static unsafe class Maker
        {
            public static Holder Make() => new Holder((byte*)NativeMemory.Alloc(16));
        }

        internal static class Entry
        {
            public static void Main() { Maker.Make().Release(); }
        }
        """;

    [Theory]
    [InlineData("SecondRound", false)]
    [InlineData("ThroughConstructor", true)]
    public async Task Calls_decided_by_the_second_round_or_the_whole_compilation_walk_get_the_verdict_FIO003_gives(string fixture, bool whole)
    {
        string source = fixture == "SecondRound" ? SecondRound : ThroughConstructor;
        var verdicts = await Verdicts("Exe", [(fixture + ".cs", source)]);

        Assert.Equal(2, verdicts.Seen.Count);
        Assert.Equal(verdicts.Reported.Order(), verdicts.Intercepted.Order());
        if (!whole)
            Assert.Single(verdicts.Intercepted); // the function pointer may free the block: only the release moves

        var compilation = InterceptionHarness.CreateCompilation([(fixture + ".cs", source)]);
        var result = InterceptionHarness.CreateDriver(BuildProperties.Intercepting(), track: true).RunGenerators(compilation).GetRunResult().Results.Single();
        var used = (FioMem.Generators.Models.WholeCompilationFacts)result.TrackedSteps[NativeMemoryInterceptorGenerator.TrackingNames.WholeCompilation]
            .Single().Outputs.Single().Value;
        Assert.Equal(whole, used.Used);
    }

    [Fact]
    public void The_walk_skips_members_that_cannot_bear_on_a_NativeMemory_call()
    {
        var compilation = InterceptionHarness.CreateCompilation([("Chains.cs", Chains), ("Users.cs", Users)]);
        var symbols = FioMem.Analyzers.Common.KnownSymbols.TryCreate(compilation)!;
        var scope = MigrationScope.Create(compilation, new AnalyzerOptions([], BuildProperties.Intercepting()));
        var graphs = new Dictionary<SyntaxTree, OwnershipGraph>();
        var walkers = new Dictionary<SyntaxTree, OwnershipWalker>();
        var models = compilation.SyntaxTrees.ToDictionary(tree => tree, tree => compilation.GetSemanticModel(tree));
        OwnershipWalker WalkerFor(SyntaxTree tree)
        {
            if (!walkers.TryGetValue(tree, out var walker))
                walkers[tree] = walker = new OwnershipWalker(graphs[tree] = new OwnershipGraph(), symbols.NativeMemory!, symbols.FioMemory, compilation.Assembly, scope);
            return walker;
        }

        var walked = OwnershipTrees.AnalyzeRelevantMembers(compilation.SyntaxTrees, compilation.Assembly, tree => models[tree], WalkerFor,
            () => graphs.Values, _ => false, default);

        // Every member but Unrelated.Sum, Unrelated.Name and Entry.Main.
        Assert.Equal((11, 14), walked);
    }

    private sealed record CallSets(string Report, HashSet<string> InSource, HashSet<string> Seen, HashSet<string> Intercepted, HashSet<string> Reported);

    // The generator's report and FIO003's diagnostics over the same compilation, as file(line,column) sets: every
    // NativeMemory call of the source, those the generator's report lists, those it intercepts, those FIO003 reports.
    private static async Task<CallSets> Verdicts(string outputType, IEnumerable<(string Path, string Source)> sources)
    {
        var compilation = InterceptionHarness.CreateCompilation(sources,
            outputType == "Exe" ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary);
        var properties = BuildProperties.Intercepting(outputType);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var report = InterceptionHarness.Report(InterceptionHarness.Run(compilation, properties));
        var intercepted = new HashSet<string>();
        var seen = new HashSet<string>();
        foreach (Match match in s_reportLine.Matches(report))
        {
            string where = $"{match.Groups["path"].Value}({match.Groups["line"].Value},{match.Groups["column"].Value})";
            seen.Add(where);
            if (match.Groups["verdict"].Value == "->")
                intercepted.Add(where);
        }

        var inSource = new HashSet<string>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var invocation in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>())
            {
                if (model.GetSymbolInfo(invocation).Symbol is IMethodSymbol { ContainingType.Name: "NativeMemory" })
                    inSource.Add(Where(invocation.GetLocation()));
            }
        }

        ImmutableArray<Diagnostic> diagnostics = await compilation
            .WithAnalyzers([new NativeMemoryMigrationAnalyzer()], new AnalyzerOptions([], properties))
            .GetAnalyzerDiagnosticsAsync();
        var reported = diagnostics.Where(d => d.Id == "FIO003").Select(d => Where(d.Location)).ToHashSet();

        // The migration report (without interception) lists the same calls and migrates those FIO003 reports.
        var migrationRun = InterceptionHarness.Run(compilation, BuildProperties.MigrationReport(outputType));
        Assert.DoesNotContain(migrationRun.Generated, g => g.HintName != NativeMemoryInterceptorGenerator.MigrationReportHintName);
        var listed = new HashSet<string>();
        var migrates = new HashSet<string>();
        foreach (Match match in s_migrationLine.Matches(InterceptionHarness.MigrationReport(migrationRun)))
        {
            string where = $"{match.Groups["path"].Value}({match.Groups["line"].Value},{match.Groups["column"].Value})";
            listed.Add(where);
            if (match.Groups["verdict"].Value == "migrates to")
                migrates.Add(where);
        }

        Assert.Equal(seen.Order(), listed.Order());
        Assert.Equal(reported.Order(), migrates.Order());
        return new CallSets(report, inSource, seen, intercepted, reported);
    }

    private static string Where(Location location)
    {
        var span = location.GetLineSpan();
        return $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
    }
}
