// Allocator shapes: the ways a program reaches NativeMemory (or another allocator whose memory NativeMemory may release
// on Linux) to allocate, reallocate and release. A flow may allocate through one and release through another of the same
// family. Each shape makes its random choices when it is created and renders the same text every time.
using System;
using System.Collections.Generic;

namespace FioMem.Migration.Fuzz.Generation;

/// <summary>Which release and reallocation memory needs: <c>Free</c>/<c>Realloc</c> or the <c>Aligned*</c> ones.</summary>
internal enum Family
{
    Plain,
    Aligned,
}

internal abstract class Allocator
{
    protected Allocator(Family family) => Family = family;

    public Family Family { get; }

    /// <summary>The shape's name in reports.</summary>
    public abstract string Shape { get; }

    public virtual bool CanAlloc => true;

    public virtual bool CanRealloc => true;

    public virtual bool CanFree => true;

    /// <summary>Whether what <see cref="Alloc"/> returns reads as zeros (the program may read it before writing).</summary>
    public virtual bool Zeroes => false;

    /// <summary>An expression of type <c>byte*</c> for <paramref name="size"/> new bytes; may write statements first.</summary>
    public abstract string Alloc(ProgramContext ctx, CodeWriter w, int size);

    /// <summary>An expression of type <c>byte*</c>: <paramref name="ptr"/> (a <c>byte*</c>) reallocated to <paramref name="size"/>.</summary>
    public abstract string Realloc(ProgramContext ctx, CodeWriter w, string ptr, int size);

    /// <summary>Writes the statements that release <paramref name="ptr"/> (a <c>byte*</c> expression).</summary>
    public abstract void Free(ProgramContext ctx, CodeWriter w, string ptr);

    public override string ToString() => Shape + "(" + Family + ")";

    protected static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];

    // NativeMemory's calls for a family, as code: "NativeMemory.Alloc((nuint)(n))" and so on.
    protected string NativeAlloc(ProgramContext ctx, string type, string size, string style) => Family == Family.Plain
        ? style switch
        {
            "count" => $"{type}.Alloc({size}, 1)",
            "zeroed" => $"{type}.AllocZeroed({size})",
            "zeroed-count" => $"{type}.AllocZeroed({size}, 1)",
            _ => $"{type}.Alloc({size})",
        }
        : $"{type}.AlignedAlloc({size}, {ctx.Alignment})";

    protected string NativeRealloc(ProgramContext ctx, string type, string ptr, string size) => Family == Family.Plain
        ? $"{type}.Realloc({ptr}, {size})"
        : $"{type}.AlignedRealloc({ptr}, {size}, {ctx.Alignment})";

    protected string NativeFree(string type, string ptr) => Family == Family.Plain ? $"{type}.Free({ptr})" : $"{type}.AlignedFree({ptr})";

    protected static bool IsZeroedStyle(string style) => style.StartsWith("zeroed", StringComparison.Ordinal);

    protected static string[] PlainStyles => ["plain", "plain", "count", "zeroed", "zeroed-count"];
}

/// <summary><c>NativeMemory.X(...)</c> called where the memory is used, in one of its spellings.</summary>
internal sealed class DirectAllocator : Allocator
{
    private readonly string _type;
    private readonly string _style;

    public DirectAllocator(Family family, Random? random = null) : base(family)
    {
        _type = random is null ? "NativeMemory" : Pick(random, "NativeMemory", "NativeMemory", "global::System.Runtime.InteropServices.NativeMemory");
        _style = random is null ? "plain" : Pick(random, PlainStyles);
    }

    public override string Shape => "direct";

    public override bool Zeroes => Family == Family.Plain && IsZeroedStyle(_style);

    public override string Alloc(ProgramContext ctx, CodeWriter w, int size) => $"(byte*){NativeAlloc(ctx, _type, $"(nuint){size}", _style)}";

    public override string Realloc(ProgramContext ctx, CodeWriter w, string ptr, int size) => $"(byte*){NativeRealloc(ctx, _type, ptr, $"(nuint){size}")}";

    public override void Free(ProgramContext ctx, CodeWriter w, string ptr) => w.Line(NativeFree(_type, ptr) + ";");
}

/// <summary>A static helper class wrapping NativeMemory, its pointers typed <c>byte*</c>, <c>void*</c>, <c>nint</c> or <c>IntPtr</c>.</summary>
internal sealed class WrapperAllocator : Allocator
{
    private readonly string _pointer;
    private readonly string _access;
    private readonly string _style;

    public WrapperAllocator(Family family, Random random) : base(family)
    {
        _pointer = Pick(random, "byte*", "void*", "nint", "IntPtr");
        _access = Pick(random, "public", "internal");
        _style = Pick(random, PlainStyles);
    }

    public override string Shape => "wrapper";

    public override bool Zeroes => Family == Family.Plain && IsZeroedStyle(_style);

    private string Declare(ProgramContext ctx) => ctx.State(this, () =>
    {
        string name = ctx.Fresh("Mem");
        string toVoid = _pointer is "nint" or "IntPtr" ? "(void*)ptr" : "ptr";
        string fromVoid = _pointer == "void*" ? "" : $"({_pointer})";
        var w = new CodeWriter();
        w.Open($"{_access} static unsafe class {name}");
        w.Line($"public static {_pointer} Allocate(nuint size) => {fromVoid}{NativeAlloc(ctx, "NativeMemory", "size", _style)};");
        w.Line($"public static {_pointer} Resize({_pointer} ptr, nuint size) => {fromVoid}{NativeRealloc(ctx, "NativeMemory", toVoid, "size")};");
        w.Line($"public static void Release({_pointer} ptr) => {NativeFree("NativeMemory", toVoid)};");
        w.Close();
        ctx.AddType(w.ToString());
        return name;
    });

    private string Arg(string ptr) => _pointer switch { "byte*" or "void*" => ptr, _ => $"({_pointer}){ptr}" };

    public override string Alloc(ProgramContext ctx, CodeWriter w, int size) => $"(byte*){Declare(ctx)}.Allocate({size})";

    public override string Realloc(ProgramContext ctx, CodeWriter w, string ptr, int size) => $"(byte*){Declare(ctx)}.Resize({Arg(ptr)}, {size})";

    public override void Free(ProgramContext ctx, CodeWriter w, string ptr) => w.Line($"{Declare(ctx)}.Release({Arg(ptr)});");
}

/// <summary>Generic helper methods <c>T* Alloc&lt;T&gt;(int count) where T : unmanaged</c>, used with <c>byte</c> or <c>int</c>.</summary>
internal sealed class GenericMethodAllocator : Allocator
{
    private readonly string _element;
    private readonly bool _zeroed;

    public GenericMethodAllocator(Family family, Random random) : base(family)
    {
        _element = Pick(random, "byte", "int", "long");
        _zeroed = random.Next(2) == 0;
    }

    public override string Shape => "generic-method";

    public override bool Zeroes => Family == Family.Plain && _zeroed;

    private int ElementSize => _element switch { "byte" => 1, "int" => 4, _ => 8 };

    private string Declare(ProgramContext ctx) => ctx.State(this, () =>
    {
        string name = ctx.Fresh("TypedMem");
        var w = new CodeWriter();
        w.Open($"internal static unsafe class {name}");
        w.Line($"public static T* New<T>(int count) where T : unmanaged => (T*){NativeAlloc(ctx, "NativeMemory", "(nuint)count * (nuint)sizeof(T)", _zeroed ? "zeroed" : "plain")};");
        w.Line($"public static T* Resize<T>(T* items, int count) where T : unmanaged => (T*){NativeRealloc(ctx, "NativeMemory", "items", "(nuint)count * (nuint)sizeof(T)")};");
        w.Line($"public static void Delete<T>(T* items) where T : unmanaged => {NativeFree("NativeMemory", "items")};");
        w.Close();
        ctx.AddType(w.ToString());
        return name;
    });

    private int Count(int size) => (size + ElementSize - 1) / ElementSize;

    public override string Alloc(ProgramContext ctx, CodeWriter w, int size) => $"(byte*){Declare(ctx)}.New<{_element}>({Count(size)})";

    public override string Realloc(ProgramContext ctx, CodeWriter w, string ptr, int size) => $"(byte*){Declare(ctx)}.Resize(({_element}*){ptr}, {Count(size)})";

    public override void Free(ProgramContext ctx, CodeWriter w, string ptr) => w.Line($"{Declare(ctx)}.Delete(({_element}*){ptr});");
}

/// <summary>An allocator interface with instance methods: called through the interface, or on a constrained type parameter.</summary>
internal sealed class InterfaceAllocator : Allocator
{
    private readonly bool _constrained;
    private readonly bool _structImpl;

    public InterfaceAllocator(Family family, Random random) : base(family)
    {
        _constrained = random.Next(2) == 0;
        _structImpl = random.Next(2) == 0;
    }

    public override string Shape => _constrained ? "interface-constrained" : "interface";

    private sealed record Names(string Interface, string Impl, string Field);

    private Names Declare(ProgramContext ctx) => ctx.State(this, () =>
    {
        var names = new Names(ctx.Fresh("IAllocator"), ctx.Fresh("Allocator"), ctx.Fresh("s_allocator"));
        var w = new CodeWriter();
        w.Open($"internal unsafe interface {names.Interface}");
        w.Line("byte* Allocate(nuint size);");
        w.Line("byte* Reallocate(byte* ptr, nuint size);");
        w.Line("void Release(byte* ptr);");
        w.Close();
        w.Line("");
        w.Open($"internal unsafe {(_structImpl ? "struct" : "sealed class")} {names.Impl} : {names.Interface}");
        w.Line($"public byte* Allocate(nuint size) => (byte*){NativeAlloc(ctx, "NativeMemory", "size", "plain")};");
        w.Line($"public byte* Reallocate(byte* ptr, nuint size) => (byte*){NativeRealloc(ctx, "NativeMemory", "ptr", "size")};");
        w.Line($"public void Release(byte* ptr) => {NativeFree("NativeMemory", "ptr")};");
        w.Close();
        ctx.AddType(w.ToString());
        if (_constrained)
        {
            ctx.Members.Add($"internal static byte* AllocateWith{names.Impl}<TAllocator>(TAllocator allocator, nuint size) where TAllocator : {names.Interface} => allocator.Allocate(size);");
            ctx.Members.Add($"internal static byte* ReallocateWith{names.Impl}<TAllocator>(TAllocator allocator, byte* ptr, nuint size) where TAllocator : {names.Interface} => allocator.Reallocate(ptr, size);");
            ctx.Members.Add($"internal static void ReleaseWith{names.Impl}<TAllocator>(TAllocator allocator, byte* ptr) where TAllocator : {names.Interface} => allocator.Release(ptr);");
        }
        else
        {
            ctx.Members.Add($"internal static readonly {names.Interface} {names.Field} = new {names.Impl}();");
        }

        return names;
    });

    public override string Alloc(ProgramContext ctx, CodeWriter w, int size)
    {
        var n = Declare(ctx);
        return _constrained ? $"{ctx.ClassName}.AllocateWith{n.Impl}(new {n.Impl}(), {size})" : $"{ctx.ClassName}.{n.Field}.Allocate({size})";
    }

    public override string Realloc(ProgramContext ctx, CodeWriter w, string ptr, int size)
    {
        var n = Declare(ctx);
        return _constrained ? $"{ctx.ClassName}.ReallocateWith{n.Impl}(new {n.Impl}(), {ptr}, {size})" : $"{ctx.ClassName}.{n.Field}.Reallocate({ptr}, {size})";
    }

    public override void Free(ProgramContext ctx, CodeWriter w, string ptr)
    {
        var n = Declare(ctx);
        w.Line(_constrained ? $"{ctx.ClassName}.ReleaseWith{n.Impl}(new {n.Impl}(), {ptr});" : $"{ctx.ClassName}.{n.Field}.Release({ptr});");
    }
}

/// <summary>
/// An allocator behind an interface of static abstract members, called as <c>T.Alloc</c>/<c>T.Realloc</c>/<c>T.Free</c>
/// from a generic struct or from generic methods constrained to it.
/// </summary>
internal sealed class StaticAbstractAllocator : Allocator
{
    private readonly bool _viaStruct;

    public StaticAbstractAllocator(Family family, Random random) : base(family) => _viaStruct = random.Next(2) == 0;

    public override string Shape => "static-abstract";

    private sealed record Names(string Impl, string Pool);

    private Names Declare(ProgramContext ctx) => ctx.State(this, () =>
    {
        string iface = ctx.Fresh("IStaticAllocator");
        var names = new Names(ctx.Fresh("StaticAllocator"), ctx.Fresh("Pool"));
        var w = new CodeWriter();
        w.Open($"internal unsafe interface {iface}");
        w.Line("static abstract byte* Alloc(nuint size);");
        w.Line("static abstract void Free(byte* ptr);");
        w.Line("static abstract byte* Realloc(byte* ptr, nuint size);");
        w.Close();
        w.Line("");
        w.Open($"internal unsafe struct {names.Impl} : {iface}");
        w.Line($"public static byte* Alloc(nuint size) => (byte*){NativeAlloc(ctx, "NativeMemory", "size", "plain")};");
        w.Line($"public static void Free(byte* ptr) => {NativeFree("NativeMemory", "ptr")};");
        w.Line($"public static byte* Realloc(byte* ptr, nuint size) => (byte*){NativeRealloc(ctx, "NativeMemory", "ptr", "size")};");
        w.Close();
        if (_viaStruct)
        {
            w.Line("");
            w.Open($"internal unsafe struct {names.Pool}<T> where T : {iface}");
            w.Line("public static byte* Rent(nuint size) => T.Alloc(size);");
            w.Line("public static byte* Grow(byte* ptr, nuint size) => T.Realloc(ptr, size);");
            w.Line("public static void Return(byte* ptr) => T.Free(ptr);");
            w.Close();
        }
        else
        {
            ctx.Members.Add($"internal static byte* Rent{names.Pool}<T>(nuint size) where T : {iface} => T.Alloc(size);");
            ctx.Members.Add($"internal static byte* Grow{names.Pool}<T>(byte* ptr, nuint size) where T : {iface} => T.Realloc(ptr, size);");
            ctx.Members.Add($"internal static void Return{names.Pool}<T>(byte* ptr) where T : {iface} => T.Free(ptr);");
        }

        ctx.AddType(w.ToString());
        return names;
    });

    private string Call(ProgramContext ctx, string verb)
    {
        var n = Declare(ctx);
        return _viaStruct ? $"{n.Pool}<{n.Impl}>.{verb}" : $"{ctx.ClassName}.{verb}{n.Pool}<{n.Impl}>";
    }

    public override string Alloc(ProgramContext ctx, CodeWriter w, int size) => $"{Call(ctx, "Rent")}({size})";

    public override string Realloc(ProgramContext ctx, CodeWriter w, string ptr, int size) => $"{Call(ctx, "Grow")}({ptr}, {size})";

    public override void Free(ProgramContext ctx, CodeWriter w, string ptr) => w.Line($"{Call(ctx, "Return")}({ptr});");
}

/// <summary>
/// <c>Func&lt;nuint, nint&gt;</c>, <c>Func&lt;nint, nuint, nint&gt;</c> and <c>Action&lt;nint&gt;</c> fields: lambdas or method
/// groups; or, for the release, a delegate made from <c>NativeMemory.Free</c>/<c>AlignedFree</c> itself.
/// </summary>
internal sealed class DelegateAllocator : Allocator
{
    private readonly bool _lambdas;
    private readonly bool _releaseGroup;

    public DelegateAllocator(Family family, Random random) : base(family)
    {
        _lambdas = random.Next(2) == 0;
        _releaseGroup = random.Next(3) == 0;
    }

    public override string Shape => _releaseGroup ? "delegate-of-release" : "delegate";

    private sealed record Names(string Alloc, string Realloc, string Free);

    private Names Declare(ProgramContext ctx) => ctx.State(this, () =>
    {
        var n = new Names(ctx.Fresh("s_alloc"), ctx.Fresh("s_realloc"), ctx.Fresh("s_free"));
        string alloc = $"(nint){NativeAlloc(ctx, "NativeMemory", "size", "plain")}";
        string realloc = $"(nint){NativeRealloc(ctx, "NativeMemory", "(void*)ptr", "size")}";
        string free = NativeFree("NativeMemory", "(void*)ptr");
        if (_lambdas)
        {
            ctx.Members.Add($"internal static readonly Func<nuint, nint> {n.Alloc} = size => {alloc};");
            ctx.Members.Add($"internal static readonly Func<nint, nuint, nint> {n.Realloc} = (ptr, size) => {realloc};");
            if (!_releaseGroup)
                ctx.Members.Add($"internal static readonly Action<nint> {n.Free} = ptr => {free};");
        }
        else
        {
            ctx.Members.Add($"internal static nint {n.Alloc}Impl(nuint size) => {alloc};");
            ctx.Members.Add($"internal static nint {n.Realloc}Impl(nint ptr, nuint size) => {realloc};");
            ctx.Members.Add($"internal static readonly Func<nuint, nint> {n.Alloc} = {n.Alloc}Impl;");
            ctx.Members.Add($"internal static readonly Func<nint, nuint, nint> {n.Realloc} = {n.Realloc}Impl;");
            if (!_releaseGroup)
            {
                ctx.Members.Add($"internal static void {n.Free}Impl(nint ptr) => {free};");
                ctx.Members.Add($"internal static readonly Action<nint> {n.Free} = {n.Free}Impl;");
            }
        }

        if (_releaseGroup)
        {
            // A delegate made from NativeMemory's release itself (a method group).
            ctx.AddType($"internal unsafe delegate void {n.Free}Fn(void* ptr);");
            ctx.Members.Add($"internal static readonly {n.Free}Fn {n.Free} = {(Family == Family.Plain ? "NativeMemory.Free" : "NativeMemory.AlignedFree")};");
        }

        return n;
    });

    public override string Alloc(ProgramContext ctx, CodeWriter w, int size) => $"(byte*){ctx.ClassName}.{Declare(ctx).Alloc}({size})";

    public override string Realloc(ProgramContext ctx, CodeWriter w, string ptr, int size) => $"(byte*){ctx.ClassName}.{Declare(ctx).Realloc}((nint){ptr}, {size})";

    public override void Free(ProgramContext ctx, CodeWriter w, string ptr) =>
        w.Line(_releaseGroup ? $"{ctx.ClassName}.{Declare(ctx).Free}({ptr});" : $"{ctx.ClassName}.{Declare(ctx).Free}((nint){ptr});");
}

/// <summary>
/// Function pointers: <c>&amp;NativeMemory.Alloc</c> itself (a method group, not a call), or <c>&amp;</c> of helpers that
/// call NativeMemory; kept in static fields or taken where they are called.
/// </summary>
internal sealed class FunctionPointerAllocator : Allocator
{
    private readonly bool _helpers;
    private readonly bool _fields;
    private readonly object _fieldsKey = new();

    public FunctionPointerAllocator(Family family, Random random) : base(family)
    {
        _helpers = random.Next(2) == 0;
        _fields = random.Next(2) == 0;
    }

    public override string Shape => _helpers ? "function-pointer-to-helper" : "function-pointer";

    private sealed record Names(string Alloc, string Realloc, string Free);

    private string AllocType => Family == Family.Plain ? "delegate*<nuint, void*>" : "delegate*<nuint, nuint, void*>";

    private string ReallocType => Family == Family.Plain ? "delegate*<void*, nuint, void*>" : "delegate*<void*, nuint, nuint, void*>";

    private Names Targets(ProgramContext ctx) => ctx.State(this, () =>
    {
        if (!_helpers)
        {
            return Family == Family.Plain
                ? new Names("&NativeMemory.Alloc", "&NativeMemory.Realloc", "&NativeMemory.Free")
                : new Names("&NativeMemory.AlignedAlloc", "&NativeMemory.AlignedRealloc", "&NativeMemory.AlignedFree");
        }

        var n = new Names(ctx.Fresh("AllocCore"), ctx.Fresh("ReallocCore"), ctx.Fresh("FreeCore"));
        string alignParam = Family == Family.Plain ? "" : ", nuint alignment";
        string allocCall = Family == Family.Plain ? "NativeMemory.Alloc(size)" : "NativeMemory.AlignedAlloc(size, alignment)";
        string reallocCall = Family == Family.Plain ? "NativeMemory.Realloc(ptr, size)" : "NativeMemory.AlignedRealloc(ptr, size, alignment)";
        ctx.Members.Add($"internal static void* {n.Alloc}(nuint size{alignParam}) => {allocCall};");
        ctx.Members.Add($"internal static void* {n.Realloc}(void* ptr, nuint size{alignParam}) => {reallocCall};");
        ctx.Members.Add($"internal static void {n.Free}(void* ptr) => {NativeFree("NativeMemory", "ptr")};");
        return new Names($"&{ctx.ClassName}.{n.Alloc}", $"&{ctx.ClassName}.{n.Realloc}", $"&{ctx.ClassName}.{n.Free}");
    });

    // The pointer to call: a static field holding it, or a local taken just before the call.
    private string Pointer(ProgramContext ctx, CodeWriter w, string type, string target, string role)
    {
        if (_fields)
        {
            var fields = ctx.State(_fieldsKey, () => new Dictionary<string, string>());
            if (!fields.TryGetValue(role, out var field))
            {
                fields[role] = field = ctx.Fresh("s_fp");
                ctx.Members.Add($"internal static readonly {type} {field} = {target};");
            }

            return ctx.ClassName + "." + field;
        }

        string local = ctx.Fresh("fp");
        w.Line($"{type} {local} = {target};");
        return local;
    }

    private string AlignArg(ProgramContext ctx) => Family == Family.Plain ? "" : $", {ctx.Alignment}";

    public override string Alloc(ProgramContext ctx, CodeWriter w, int size) =>
        $"(byte*){Pointer(ctx, w, AllocType, Targets(ctx).Alloc, "alloc")}({size}{AlignArg(ctx)})";

    public override string Realloc(ProgramContext ctx, CodeWriter w, string ptr, int size) =>
        $"(byte*){Pointer(ctx, w, ReallocType, Targets(ctx).Realloc, "realloc")}({ptr}, {size}{AlignArg(ctx)})";

    public override void Free(ProgramContext ctx, CodeWriter w, string ptr) =>
        w.Line($"{Pointer(ctx, w, "delegate*<void*, void>", Targets(ctx).Free, "free")}({ptr});");
}

/// <summary>libc's malloc, realloc and free through <c>[DllImport("libc")]</c> (Linux, where NativeMemory is malloc and free).</summary>
internal sealed class LibcAllocator : Allocator
{
    public LibcAllocator() : base(Family.Plain)
    {
    }

    public override string Shape => "libc";

    public override string Alloc(ProgramContext ctx, CodeWriter w, int size) => $"(byte*){ctx.Libc("malloc")}({size})";

    public override string Realloc(ProgramContext ctx, CodeWriter w, string ptr, int size) => $"(byte*){ctx.Libc("realloc")}({ptr}, {size})";

    public override void Free(ProgramContext ctx, CodeWriter w, string ptr) => w.Line($"{ctx.Libc("free")}({ptr});");
}

/// <summary><c>Marshal.AllocHGlobal</c>/<c>ReAllocHGlobal</c>/<c>FreeHGlobal</c> or the CoTaskMem pair (malloc and free on Linux).</summary>
internal sealed class MarshalAllocator : Allocator
{
    private readonly bool _coTask;

    public MarshalAllocator(Random random) : base(Family.Plain) => _coTask = random.Next(2) == 0;

    public override string Shape => "marshal";

    public override string Alloc(ProgramContext ctx, CodeWriter w, int size) =>
        _coTask ? $"(byte*)Marshal.AllocCoTaskMem({size})" : $"(byte*)Marshal.AllocHGlobal({size})";

    public override string Realloc(ProgramContext ctx, CodeWriter w, string ptr, int size) =>
        _coTask ? $"(byte*)Marshal.ReAllocCoTaskMem((nint){ptr}, {size})" : $"(byte*)Marshal.ReAllocHGlobal((nint){ptr}, {size})";

    public override void Free(ProgramContext ctx, CodeWriter w, string ptr) =>
        w.Line(_coTask ? $"Marshal.FreeCoTaskMem((nint){ptr});" : $"Marshal.FreeHGlobal((nint){ptr});");
}

/// <summary>NativeMemory's methods called through reflection (<c>MethodInfo.Invoke</c> with boxed pointers).</summary>
internal sealed class ReflectionAllocator : Allocator
{
    public ReflectionAllocator(Family family) : base(family)
    {
    }

    public override string Shape => "reflection";

    public override string Alloc(ProgramContext ctx, CodeWriter w, int size) => Family == Family.Plain
        ? $"(byte*)Pointer.Unbox(typeof(NativeMemory).GetMethod(\"Alloc\", new[] {{ typeof(nuint) }})!.Invoke(null, new object[] {{ (nuint){size} }})!)"
        : $"(byte*)Pointer.Unbox(typeof(NativeMemory).GetMethod(\"AlignedAlloc\")!.Invoke(null, new object[] {{ (nuint){size}, (nuint){ctx.Alignment} }})!)";

    public override string Realloc(ProgramContext ctx, CodeWriter w, string ptr, int size) => Family == Family.Plain
        ? $"(byte*)Pointer.Unbox(typeof(NativeMemory).GetMethod(\"Realloc\")!.Invoke(null, new object[] {{ Pointer.Box({ptr}, typeof(void*)), (nuint){size} }})!)"
        : $"(byte*)Pointer.Unbox(typeof(NativeMemory).GetMethod(\"AlignedRealloc\")!.Invoke(null, new object[] {{ Pointer.Box({ptr}, typeof(void*)), (nuint){size}, (nuint){ctx.Alignment} }})!)";

    public override void Free(ProgramContext ctx, CodeWriter w, string ptr) =>
        w.Line($"typeof(NativeMemory).GetMethod(\"{(Family == Family.Plain ? "Free" : "AlignedFree")}\")!.Invoke(null, new object[] {{ Pointer.Box({ptr}, typeof(void*)) }});");
}
