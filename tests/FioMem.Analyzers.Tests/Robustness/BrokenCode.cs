// Broken and half-typed sources, as an editor sees them between keystrokes, for the robustness tests.
using System.Collections.Generic;

namespace FioMem.Analyzers.Tests.Robustness;

internal static class BrokenCode
{
    /// <summary>Each source, named for the theory display.</summary>
    public static readonly IReadOnlyDictionary<string, string> Sources = new Dictionary<string, string>
    {
        ["missing semicolons"] = """
            using FioMem;
            unsafe class C
            {
                static void* s_p = FioMemory.Alloc(16)
                void M()
                {
                    var p = FioMemory.Alloc(8)
                    s_p = p
                    FioMemory.Free(p)
                    FioMemory.Free(p)
                    for (int i = 0; i < 3; i++) { p = FioMemory.Realloc(p, 4); var q = FioMemory.Alloc(1) }
                }
            }
            """,
        ["unresolved names"] = """
            using FioMem;
            unsafe class C
            {
                void M()
                {
                    s_missing = FioMemory.Alloc(n);
                    Unknown.Free(p);
                    FioMemory.Free(q);
                    *q = 1;
                    Missing.s_list.Add((nint)FioMemory.Alloc(1));
                    for (;;) { q = FioMemory.Realloc(q, size); }
                    FioMemory.Allocate(16);
                }
            }
            """,
        ["erroneous types"] = """
            using System.Collections.Generic;
            using FioMem;
            unsafe class C
            {
                static Missing* s_p = (Missing*)FioMemory.Alloc(16);
                static List<Unknown> s_list = new();
                static Missing s_value { get; set; } = FioAlloc<Missing>.New();
                void M()
                {
                    var a = FioAlloc<int>.New();
                    var b = FioAlloc<Missing>.NewArray(3);
                    s_list.Add(a);
                    s_list[0] = b;
                    FioAlloc<Missing>.Free(a);
                    FioAlloc<int>.Free(a);
                    *a = 1;
                    Missing.New();
                }
            }
            """,
        ["incomplete invocations"] = """
            using FioMem;
            unsafe class C
            {
                static void* s = FioMemory.
                static void* t = FioMemory.Alloc(
                void M(void* p)
                {
                    FioMemory.Free(p
                    FioMemory.Free(
                    p = FioMemory.Realloc(p,
                    s = FioMemory.Alloc(byteCount: );
                    FioMemory.Free(p);
                    FioMemory.Free(p, 
                }
            }
            """,
        ["wrong argument counts"] = """
            using FioMem;
            unsafe class C
            {
                static void* s_p;
                void M(void* p)
                {
                    s_p = FioMemory.Alloc();
                    s_p = FioMemory.Alloc(1, 2, 3);
                    FioMemory.Free();
                    FioMemory.Free(p, p);
                    FioMemory.Free(p);
                    FioMemory.Free(p);
                    s_p = FioMemory.Realloc();
                    s_p = FioMemory.AllocZeroed("sixteen");
                }
            }
            """,
        ["broken lambdas and local functions"] = """
            using System;
            using FioMem;
            unsafe class C
            {
                static void* s_p;
                void M()
                {
                    Action a = () => s_p = FioMemory.Alloc(;
                    Func<int> f = () => { var p = FioMemory.Alloc(1); FioMemory.Free(p); return *(int*)p
                    void Local( { s_p = FioMemory.Alloc(2); }
                    Action b = async () => { await s_p = FioMemory.Alloc(3); };
                }
            }
            """,
        ["broken loops"] = """
            using FioMem;
            unsafe class C
            {
                void M(void* p)
                {
                    for (;;FioMemory.Realloc(p, ) {
                    foreach (var x in ) { FioMemory.Realloc(p, 1); }
                    while (FioMemory.Realloc(p, 2) { }
                    do { p = FioMemory.Realloc(p, 3); } while
                    foreach (FioMemory.Realloc(p, 4)) { }
                }
            }
            """,
        ["broken deconstruction and patterns"] = """
            using FioMem;
            unsafe class C
            {
                static nint s_a, s_b;
                void M()
                {
                    var p = FioMemory.Alloc(1);
                    (s_a, s_b) = (p);
                    (s_a, s_b) = ((nint)p, 1, 2);
                    var (a, b) = FioMemory.Alloc(1);
                    (s_a, (s_b, _)) = ((nint)p, 1);
                    if (p is var q && q is null) s_a = (nint)q;
                    s_a = p switch { null => 0, _ => (nint)p };
                }
            }
            """,
        ["odd placements"] = """
            using System;
            using FioMem;
            [FioAllocated] class NotAStruct { }
            [FioAllocated] partial struct Generic<T> { public T Value; }
            [FioAllocated] struct NotPartial { public string Name; }
            [FioAllocated] partial struct Huge { public unsafe fixed byte Data[200000]; public static Huge* New() => null; }
            [Obsolete(FioMemory.Alloc(1))]
            unsafe class C
            {
                const nint Const = (nint)FioMemory.Alloc(1);
                static void* s_p;
                void M(void* p = FioMemory.Alloc(1)) { }
                void N()
                {
                    goto done;
                    FioMemory.Free(s_p);
                    done:
                    *(int*)s_p = 1;
                    return;
                    s_p = FioMemory.Alloc(5);
                }
                static C() => s_p = FioMemory.Alloc(6) +;
                int this[void* p] { get => 0; set => s_p = FioMemory.Alloc(7); }
                event Action E { add { s_p = FioMemory.Alloc(8); } remove { FioMemory.Free(s_p); FioMemory.Free(s_p); } }
            }
            """,
        ["top-level statements"] = """
            using FioMem;
            unsafe
            {
                byte* p = (byte*)FioMemory.Alloc(16);
                FioMemory.Free(p);
                *p = 1;
                for (int i = 0; i < 3; i++) p = (byte*)FioMemory.Realloc(p, 32);
            }
            static void* s_p = FioMemory.Alloc(1);
            """,
        ["deep nesting"] = "using FioMem;\nunsafe class C\n{\n    static nint s_p;\n    void M(bool f)\n    {\n        nint p = (nint)FioMemory.Alloc(1);\n        s_p = "
            + string.Concat(Enumerable.Repeat("f ? (", 300)) + "p" + string.Concat(Enumerable.Repeat(") : 0", 300)) + ";\n        s_p = "
            + string.Concat(Enumerable.Repeat("(", 500)) + "p" + string.Concat(Enumerable.Repeat(" + 1)", 500)) + "\n        FioMemory.Free((void*)p)\n    }\n}\n",
        ["empty and garbage"] = "using FioMem; }}}{{{ unsafe static void* = FioMemory.Alloc(16) class { FioMemory.Free(",
        ["not C# at all"] = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <Compile Include=\"FioMemory.Alloc(16)\" />\n  </ItemGroup>\n</Project>\n",
    };
}
