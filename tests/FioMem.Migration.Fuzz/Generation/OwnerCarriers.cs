// Carriers that own the memory's whole life in a type of their own: allocated in a constructor, grown by a method,
// released in Dispose or in a SafeHandle's ReleaseHandle.
using System;
using System.Collections.Generic;

namespace FioMem.Migration.Fuzz.Generation;

/// <summary>Members of an owning type, added while the flow that uses it is written and rendered with the program.</summary>
internal sealed class OwnerType
{
    public OwnerType(string name) => Name = name;

    public string Name { get; }

    public List<string> Members { get; } = new();

    public string? Release { get; set; }
}

/// <summary>A class or struct keeping a <c>byte*</c> (or, generic, a <c>T*</c>) field: constructor, <c>Grow</c>, <c>Dispose</c>.</summary>
internal sealed class OwnerCarrier : Carrier
{
    private readonly bool _struct;
    private readonly bool _generic;

    public OwnerCarrier(Random random)
    {
        _struct = random.Next(3) == 0;
        _generic = random.Next(2) == 0;
    }

    public override string Shape => (_generic ? "generic-" : "") + (_struct ? "owner-struct" : "owner-class");

    private sealed record Names(OwnerType Type, string Local);

    private string Field => _generic ? "_items" : "_data";

    private string FieldAsBytes => _generic ? "(byte*)_items" : "_data";

    private string ToField(string ptr) => _generic ? $"(T*){ptr}" : ptr;

    private Names Declare(FlowContext f) => f.Ctx.State(this, () =>
    {
        var type = new OwnerType(f.Fresh(_struct ? "OwnerStruct" : "Owner"));
        f.Ctx.AddType(() =>
        {
            var w = new CodeWriter();
            string kind = _struct ? "struct" : "sealed class";
            string generic = _generic ? "<T>" : "";
            string constraint = _generic ? " where T : unmanaged" : "";
            string dispose = type.Release is null ? "" : " : IDisposable";
            w.Open($"internal unsafe {kind} {type.Name}{generic}{dispose}{constraint}");
            w.Line($"private {(_generic ? "T*" : "byte*")} {Field};");
            foreach (var member in type.Members)
            {
                w.Line("");
                foreach (var line in member.TrimEnd('\n').Split('\n'))
                    w.Line(line);
            }

            if (type.Release is not null)
            {
                w.Line("");
                w.Open("public void Dispose()");
                foreach (var line in type.Release.TrimEnd('\n').Split('\n'))
                    w.Line(line);
                w.Line($"{Field} = null;");
                w.Close();
            }

            w.Line("");
            w.Line($"public byte* Data => {FieldAsBytes};");
            w.Close();
            return w.ToString();
        });
        return new Names(type, f.Fresh("owner"));
    });

    private string TypeName(Names n) => n.Type.Name + (_generic ? "<byte>" : "");

    public override void Allocate(FlowContext f, Allocator allocator, int size)
    {
        var n = Declare(f);
        var body = new CodeWriter(1);
        body.Line($"{Field} = {ToField(allocator.Alloc(f.Ctx, body, size))};");
        n.Type.Members.Add($"public {n.Type.Name}(int size)\n{{\n    _ = size;\n{body}}}");
        f.W.Line($"var {n.Local} = new {TypeName(n)}({size});");
    }

    protected override void Expose(FlowContext f, Action<string> body) => body($"{Declare(f).Local}.Data");

    public override void Reallocate(FlowContext f, Allocator allocator, int size)
    {
        var n = Declare(f);
        string grow = f.Fresh("Grow");
        var body = new CodeWriter(1);
        body.Line($"{Field} = {ToField(allocator.Realloc(f.Ctx, body, FieldAsBytes, size))};");
        n.Type.Members.Add($"public void {grow}()\n{{\n{body}}}");
        f.W.Line($"{n.Local}.{grow}();");
    }

    public override void Release(FlowContext f, Allocator allocator)
    {
        var n = Declare(f);
        var body = new CodeWriter();
        allocator.Free(f.Ctx, body, FieldAsBytes);
        n.Type.Release = body.ToString();
        f.W.Line($"{n.Local}.Dispose();");
    }

    protected override void Store(FlowContext f, string ptr, int size) => throw new InvalidOperationException("allocates in its constructor");

    protected override void Replace(FlowContext f, string ptr, int size) => throw new InvalidOperationException("reallocates in its Grow methods");
}

/// <summary>
/// A SafeHandle subclass: <c>SetHandle((IntPtr)allocation)</c> in its constructor, the release in <c>ReleaseHandle</c>
/// (run by Dispose, or by the finalizer when the flow never disposes it).
/// </summary>
internal sealed class SafeHandleCarrier : Carrier
{
    private readonly bool _zeroOrMinusOne;
    private readonly bool _using;

    public SafeHandleCarrier(Random random)
    {
        _zeroOrMinusOne = random.Next(2) == 0;
        _using = random.Next(2) == 0;
    }

    public override string Shape => "safehandle";

    private sealed record Names(OwnerType Type, string Local);

    private Names Declare(FlowContext f) => f.Ctx.State(this, () =>
    {
        var type = new OwnerType(f.Fresh("Handle"));
        f.Ctx.AddType(() =>
        {
            var w = new CodeWriter();
            w.Open($"internal sealed unsafe class {type.Name} : {(_zeroOrMinusOne ? "SafeHandleZeroOrMinusOneIsInvalid" : "SafeHandle")}");
            foreach (var member in type.Members)
            {
                foreach (var line in member.TrimEnd('\n').Split('\n'))
                    w.Line(line);
                w.Line("");
            }

            if (!_zeroOrMinusOne)
            {
                w.Line("public override bool IsInvalid => handle == IntPtr.Zero;");
                w.Line("");
            }

            w.Open("protected override bool ReleaseHandle()");
            foreach (var line in (type.Release ?? string.Empty).TrimEnd('\n').Split('\n', StringSplitOptions.RemoveEmptyEntries))
                w.Line(line);
            w.Line("return true;");
            w.Close();
            w.Close();
            return w.ToString();
        });
        return new Names(type, f.Fresh("handle"));
    });

    public override void Allocate(FlowContext f, Allocator allocator, int size)
    {
        var n = Declare(f);
        var body = new CodeWriter(1);
        body.Line($"SetHandle((IntPtr){allocator.Alloc(f.Ctx, body, size)});");
        string baseCall = _zeroOrMinusOne ? "base(true)" : "base(IntPtr.Zero, true)";
        n.Type.Members.Add($"public {n.Type.Name}(int size) : {baseCall}\n{{\n    _ = size;\n{body}}}");
        f.W.Line($"var {n.Local} = new {n.Type.Name}({size});");
        if (_using)
            f.W.Open("using (" + n.Local + ")");
    }

    protected override void Expose(FlowContext f, Action<string> body) => body($"(byte*){Declare(f).Local}.DangerousGetHandle()");

    public override void Reallocate(FlowContext f, Allocator allocator, int size)
    {
        var n = Declare(f);
        string grow = f.Fresh("Grow");
        var body = new CodeWriter(1);
        body.Line($"SetHandle((IntPtr){allocator.Realloc(f.Ctx, body, "(byte*)handle", size)});");
        n.Type.Members.Add($"public void {grow}()\n{{\n{body}}}");
        f.W.Line($"{n.Local}.{grow}();");
    }

    public override void Release(FlowContext f, Allocator allocator)
    {
        var n = Declare(f);
        var body = new CodeWriter();
        allocator.Free(f.Ctx, body, "(byte*)handle");
        n.Type.Release = body.ToString();
        if (_using)
            f.W.Close();
        else
            f.W.Line($"{n.Local}.Dispose();");
    }

    public override void Leak(FlowContext f)
    {
        // ReleaseHandle releases nothing; the handle itself is still disposed.
        if (_using)
            f.W.Close();
        else
            f.W.Line($"{Declare(f).Local}.Dispose();");
    }

    protected override void Store(FlowContext f, string ptr, int size) => throw new InvalidOperationException("allocates in its constructor");

    protected override void Replace(FlowContext f, string ptr, int size) => throw new InvalidOperationException("reallocates in its Grow methods");
}
