// Memory held as a span or a reference, allocators behind static abstract members, and SafeHandles: each call's verdict.
using System.Collections.Immutable;
using System.Linq;
using FioMem.Analyzers.Migration;
using FioMem.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FioMem.Analyzers.Tests.Migration;

public class ReferenceAndSpanShapesTests
{
    private const string Usings = "using System; using System.Runtime.CompilerServices; using System.Runtime.InteropServices;\n";

    [Fact]
    public void An_allocator_behind_static_abstract_members_moves_as_a_whole()
    {
        var verdicts = Verdicts(Usings + """
            unsafe interface IAllocator { static abstract byte* Alloc(nuint n); static abstract void Free(byte* p); static abstract byte* Realloc(byte* p, nuint n); }
            unsafe struct NativeAllocator : IAllocator
            {
                public static byte* Alloc(nuint n) => (byte*)NativeMemory.Alloc(n);
                public static void Free(byte* p) => NativeMemory.Free(p);
                public static byte* Realloc(byte* p, nuint n) => (byte*)NativeMemory.Realloc(p, n);
            }
            unsafe struct Text<T> where T : IAllocator
            {
                byte* _p;
                public void Grow(nuint n) { _p = _p == null ? T.Alloc(n) : T.Realloc(_p, n); }
                public void Dispose() { T.Free(_p); _p = null; }
            }
            """);
        Assert.Equal(["Alloc -> Alloc", "Free -> Free", "Realloc -> Realloc"], verdicts);
    }

    [Fact]
    public void A_ref_byte_buffer_freed_through_Unsafe_AsPointer_moves_as_a_whole()
    {
        var verdicts = Verdicts(Usings + """
            unsafe ref struct Marshaller
            {
                ref byte _ptr;
                public void Allocate(int n) { _ptr = ref Unsafe.AsRef<byte>((byte*)NativeMemory.Alloc((nuint)n)); }
                public void Release() { NativeMemory.Free(Unsafe.AsPointer(ref _ptr)); }
            }
            """);
        Assert.Equal(["Alloc -> Alloc", "Free -> Free"], verdicts);
    }

    [Fact]
    public void A_span_over_native_memory_freed_through_fixed_moves_as_a_whole()
    {
        var verdicts = Verdicts(Usings + """
            static unsafe class C
            {
                static int M(int n)
                {
                    Span<byte> span = new Span<byte>(NativeMemory.AllocZeroed((nuint)n), n);
                    span.Fill(1);
                    int sum = 0;
                    foreach (byte b in span) sum += b;
                    fixed (byte* p = span) NativeMemory.Free(p);
                    return sum;
                }
            }
            """);
        Assert.Equal(["AllocZeroed -> AllocZeroed", "Free -> Free"], verdicts);
    }

    [Fact]
    public void A_span_over_native_memory_whose_reference_reaches_another_assembly_keeps_its_allocation()
    {
        var verdicts = Verdicts(Usings + """
            static unsafe class C
            {
                static void M(int n)
                {
                    var span = new Span<byte>(NativeMemory.Alloc((nuint)n), n);
                    span.Fill(1);
                    Keep(ref MemoryMarshal.GetReference(span));
                }
                static void Keep(ref byte b) => Marshal.FreeHGlobal((IntPtr)Unsafe.AsPointer(ref b));
                static void Done(byte* p) => NativeMemory.Free(p);
            }
            """);
        Assert.Equal(["Alloc stays: PassedToExternalMethod", "Free -> Free"], verdicts);
    }

    [Fact]
    public void A_slice_of_a_span_that_is_released_keeps_its_allocation()
    {
        var verdicts = Verdicts(Usings + """
            static unsafe class C
            {
                static void M(int n)
                {
                    var span = new Span<byte>(NativeMemory.Alloc((nuint)n), n);
                    fixed (byte* p = span.Slice(8)) NativeMemory.Free(p);
                }
            }
            """);
        Assert.Equal(["Alloc stays: InteriorPointer", "Free -> Free"], verdicts);
    }

    [Fact]
    public void A_span_given_to_the_framework_moves()
    {
        var verdicts = Verdicts(Usings + """
            static unsafe class C
            {
                static string M(int n)
                {
                    byte* p = (byte*)NativeMemory.Alloc((nuint)n);
                    var span = new ReadOnlySpan<byte>(p, n);
                    string text = System.Text.Encoding.UTF8.GetString(span) + Convert.ToBase64String(span);
                    NativeMemory.Free(p);
                    return text;
                }
            }
            """);
        Assert.Equal(["Alloc -> Alloc", "Free -> Free"], verdicts);
    }

    [Fact]
    public void A_SafeHandle_that_frees_its_handle_in_ReleaseHandle_moves_as_a_whole()
    {
        var verdicts = Verdicts(Usings + """
            sealed unsafe class Buffer : SafeHandle
            {
                public Buffer(int n) : base(IntPtr.Zero, true) => SetHandle((IntPtr)NativeMemory.Alloc((nuint)n));
                public override bool IsInvalid => handle == IntPtr.Zero;
                public byte* Pointer => (byte*)DangerousGetHandle();
                protected override bool ReleaseHandle() { NativeMemory.Free((void*)handle); return true; }
            }
            """);
        Assert.Equal(["Alloc -> Alloc", "Free -> Free"], verdicts);
    }

    [Fact]
    public void A_SafeHandle_given_to_a_native_function_that_frees_keeps_its_allocation()
    {
        var verdicts = Verdicts(Usings + """
            sealed unsafe class Buffer : SafeHandle
            {
                public Buffer(int n) : base(IntPtr.Zero, true) => SetHandle((IntPtr)NativeMemory.Alloc((nuint)n));
                public override bool IsInvalid => handle == IntPtr.Zero;
                protected override bool ReleaseHandle() { NativeMemory.Free((void*)handle); return true; }
            }
            static class Native
            {
                [DllImport("native")] public static extern void buffer_release(Buffer buffer);
                [DllImport("native")] public static extern void buffer_fill(Buffer buffer);
                public static void Done(Buffer b) { buffer_fill(b); buffer_release(b); }
            }
            """);
        Assert.Equal(["Alloc stays: PassedToNativeCode", "Free -> Free"], verdicts);
    }

    [Fact]
    public void A_SafeHandle_lent_to_native_code_moves()
    {
        var verdicts = Verdicts(Usings + """
            sealed unsafe class Buffer : SafeHandle
            {
                public Buffer(int n) : base(IntPtr.Zero, true) => SetHandle((IntPtr)NativeMemory.Alloc((nuint)n));
                public override bool IsInvalid => handle == IntPtr.Zero;
                protected override bool ReleaseHandle() { NativeMemory.Free((void*)handle); return true; }
                [DllImport("native")] static extern void buffer_fill(Buffer buffer);
                public static void Fill(Buffer b) => buffer_fill(b);
            }
            """);
        Assert.Equal(["Alloc -> Alloc", "Free -> Free"], verdicts);
    }

    [Fact]
    public void A_release_used_as_a_function_pointer_or_delegate_moves()
    {
        var verdicts = Verdicts(Usings + """
            static unsafe class C
            {
                static delegate*<void*, void> s_free = &NativeMemory.Free;
                static Action<IntPtr> Release => p => NativeMemory.Free((void*)p);
                static void M() { s_free(NativeMemory.Alloc(8)); }
            }
            """);
        Assert.Equal(["Alloc stays: DelegateOrFunctionPointer", "Free -> Free", "Free -> Free"], verdicts);
    }

    [Fact]
    public void A_pool_of_pointers_grown_with_Array_Copy_moves_as_a_whole()
    {
        var verdicts = Verdicts(Usings + """
            unsafe sealed class Pool
            {
                byte*[] _free = new byte*[4];
                int _count;
                public byte* Rent() => _count > 0 ? _free[--_count] : (byte*)NativeMemory.Alloc(64);
                public void Return(byte* p)
                {
                    if (_count == _free.Length)
                    {
                        var grown = new byte*[_free.Length * 2];
                        Array.Copy(_free, grown, _count);
                        _free = grown;
                    }
                    _free[_count++] = p;
                }
                public void Clear() { while (_count > 0) NativeMemory.Free(_free[--_count]); }
            }
            """);
        Assert.Equal(["Alloc -> Alloc", "Free -> Free"], verdicts);
    }

    [Fact]
    public void Internal_members_are_API_for_friend_assemblies()
    {
        const string helper = """
            static unsafe class Buffers
            {
                internal static void* Make() => NativeMemory.Alloc(8);
                static void Use() => NativeMemory.Free(Make());
            }
            """;
        Assert.Equal(["Alloc -> Alloc", "Free -> Free"], Verdicts(Usings + helper));
        Assert.Equal(["Alloc stays: ReturnedFromPublicMember", "Free -> Free"],
            Verdicts(Usings + "[assembly: InternalsVisibleTo(\"Shapes.Tests\")]\n" + helper));
    }

    [Fact]
    public void A_reallocation_of_memory_pinned_through_a_span_moves_with_the_allocation()
    {
        var verdicts = Verdicts(Usings + """
            static unsafe class C
            {
                static nint Allocate(nuint n) => (nint)NativeMemory.AllocZeroed(n);
                static void M()
                {
                    Span<byte> span = new Span<byte>((byte*)Allocate(16), 16);
                    byte* grown;
                    fixed (byte* p = &MemoryMarshal.GetReference(span)) grown = (byte*)NativeMemory.Realloc(p, 64);
                    span = new Span<byte>(grown, 64);
                    fixed (byte* p = &MemoryMarshal.GetReference(span)) NativeMemory.Free(p);
                }
            }
            """);
        Assert.Equal(["AllocZeroed -> AllocZeroed", "Free -> Free", "Realloc -> Realloc"], verdicts);
    }

    [Fact]
    public void A_reallocation_that_is_never_freed_moves_and_its_allocation_stays()
    {
        var verdicts = Verdicts(Usings + """
            static unsafe class C
            {
                static byte* s_table;
                static void Grow(nuint n) => s_table = (byte*)NativeMemory.Realloc(s_table, n);
                static void Init() => s_table = (byte*)NativeMemory.Alloc(8);
            }
            """);
        Assert.Equal(["Alloc stays: NeverFreedWithoutLongLivedTwin", "Realloc -> Realloc"], verdicts);
    }

    [Fact]
    public void Memory_given_to_a_native_realloc_keeps_its_allocation_even_when_the_result_is_freed_later()
    {
        var verdicts = Verdicts(Usings + """
            static unsafe class C
            {
                [DllImport("libc", EntryPoint = "realloc")] static extern void* Resize(void* p, nuint n);
                static void M()
                {
                    byte* p = (byte*)NativeMemory.AllocZeroed(1, 1);
                    byte* grown = (byte*)Resize(p, 64);
                    p = grown;
                    NativeMemory.Free(p);
                }
            }
            """);
        Assert.Equal(["AllocZeroed stays: PassedToNativeCode", "Free -> Free"], verdicts);
    }

    [Fact]
    public void Indexing_a_span_from_the_end_or_by_a_range_uses_its_memory_and_moves()
    {
        var verdicts = Verdicts(Usings + """
            static unsafe class C
            {
                static int M(int n)
                {
                    byte* buffer = (byte*)NativeMemory.Alloc((nuint)n + 1);
                    var span = new Span<byte>(buffer, n + 1);
                    span[^1] = 0;
                    Span<byte> tail = span[1..];
                    tail.Fill(2);
                    int first = span[0];
                    NativeMemory.Free(buffer);
                    return first;
                }
            }
            """);
        Assert.Equal(["Alloc -> Alloc", "Free -> Free"], verdicts);
    }

    [Fact]
    public void A_span_over_the_memory_lent_to_a_callback_moves()
    {
        var verdicts = Verdicts(Usings + """
            unsafe sealed class Secret : IDisposable
            {
                readonly byte* _ptr = (byte*)NativeMemory.AllocZeroed(32);
                public void Expose(Action<ReadOnlySpan<byte>> action) => action(new ReadOnlySpan<byte>(_ptr, 32));
                public void Dispose() => NativeMemory.Free(_ptr);
            }
            """);
        Assert.Equal(["AllocZeroed -> AllocZeroed", "Free -> Free"], verdicts);
    }

    internal static string[] Verdicts(string source, string globalOptions = "")
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Test0.cs");
        var compilation = CSharpCompilation.Create("Shapes", [tree], TestReferences.WithFioMem,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new LeftAloneReasonTests.TestOptionsProvider(globalOptions));
        return MigrationExplainer.Explain(compilation, options)
            .Select(v => v.Call.NativeMethod + (v.Verdict.Target is { } target ? " -> " + target : " stays: " + v.Verdict.Reason))
            .OrderBy(s => s, System.StringComparer.Ordinal)
            .ToArray();
    }
}
