// Carrier shapes: where a flow keeps its pointer between the allocation, the uses, the reallocations and the release,
// and how it gets a byte* back out of there (a cast, Unsafe.AsPointer of a ref, fixed on a span...).
using System;

namespace FioMem.Migration.Fuzz.Generation;

/// <summary>The state of one flow while it is written: where statements go, the buffer's size and how much of it is written.</summary>
internal sealed class FlowContext
{
    public FlowContext(ProgramContext ctx, CodeWriter w)
    {
        Ctx = ctx;
        W = w;
    }

    public ProgramContext Ctx { get; }

    public CodeWriter W { get; }

    /// <summary>The local the flow's checksum accumulates in.</summary>
    public string Sum => "sum";

    /// <summary>The buffer's size in bytes.</summary>
    public int Length { get; set; }

    /// <summary>How many leading bytes were written (or are zeros on both allocators): only those are read.</summary>
    public int Initialized { get; set; }

    public string Fresh(string stem) => Ctx.Fresh(stem);
}

internal abstract class Carrier
{
    public abstract string Shape { get; }

    /// <summary>Allocates <paramref name="size"/> bytes with <paramref name="allocator"/> and keeps the pointer.</summary>
    public virtual void Allocate(FlowContext f, Allocator allocator, int size) => Store(f, allocator.Alloc(f.Ctx, f.W, size), size);

    /// <summary>Writes what <paramref name="body"/> writes where the pointer is at hand as the <c>byte*</c> expression it is given.</summary>
    public void With(FlowContext f, Action<string> body) =>
        Expose(f, p => body(p.StartsWith('(') ? "(" + p + ")" : p));

    /// <summary>Gives <paramref name="body"/> the pointer as a <c>byte*</c> expression (a cast needs no parentheses).</summary>
    protected abstract void Expose(FlowContext f, Action<string> body);

    public virtual void Reallocate(FlowContext f, Allocator allocator, int size)
    {
        string grown = f.Fresh("grown");
        f.W.Line($"byte* {grown} = null;");
        With(f, p => f.W.Line($"{grown} = {allocator.Realloc(f.Ctx, f.W, p, size)};"));
        Replace(f, grown, size);
    }

    public virtual void Release(FlowContext f, Allocator allocator) => With(f, p => allocator.Free(f.Ctx, f.W, p));

    /// <summary>The flow ends without releasing the memory.</summary>
    public virtual void Leak(FlowContext f)
    {
    }

    /// <summary>Keeps the freshly allocated <paramref name="ptr"/> (declaring the carrier's storage).</summary>
    protected abstract void Store(FlowContext f, string ptr, int size);

    /// <summary>Keeps <paramref name="ptr"/>, a reallocation, instead of what was kept.</summary>
    protected abstract void Replace(FlowContext f, string ptr, int size);

    // The carrier's own names for this rendering.
    protected string Name(FlowContext f, string stem) => f.Ctx.State(this, () => f.Fresh(stem));

    protected static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];
}

/// <summary>A <c>byte*</c> or <c>void*</c> local.</summary>
internal sealed class LocalCarrier : Carrier
{
    private readonly string _type;

    public LocalCarrier(Random? random = null) => _type = random is null ? "byte*" : Pick(random, "byte*", "void*");

    public override string Shape => "local";

    protected override void Store(FlowContext f, string ptr, int size) => f.W.Line($"{_type} {Name(f, "p")} = {ptr};");

    protected override void Expose(FlowContext f, Action<string> body) => body(_type == "byte*" ? Name(f, "p") : $"(byte*){Name(f, "p")}");

    protected override void Replace(FlowContext f, string ptr, int size) => f.W.Line($"{Name(f, "p")} = {ptr};");
}

/// <summary>An <c>nint</c> or <c>IntPtr</c> local.</summary>
internal sealed class NintLocalCarrier : Carrier
{
    private readonly string _type;

    public NintLocalCarrier(Random random) => _type = Pick(random, "nint", "IntPtr");

    public override string Shape => "local-nint";

    protected override void Store(FlowContext f, string ptr, int size) => f.W.Line($"{_type} {Name(f, "address")} = ({_type}){ptr};");

    protected override void Expose(FlowContext f, Action<string> body) => body($"(byte*){Name(f, "address")}");

    protected override void Replace(FlowContext f, string ptr, int size) => f.W.Line($"{Name(f, "address")} = ({_type}){ptr};");
}

/// <summary>An instance field (<c>byte*</c>) or property (<c>nint</c>) of a holder object kept in a local or a static field.</summary>
internal sealed class InstanceFieldCarrier : Carrier
{
    private readonly bool _property;
    private readonly bool _staticHolder;

    public InstanceFieldCarrier(Random random)
    {
        _property = random.Next(2) == 0;
        _staticHolder = random.Next(3) == 0;
    }

    public override string Shape => _property ? "instance-property" : "instance-field";

    private sealed record Names(string Type, string Holder);

    private Names Declare(FlowContext f) => f.Ctx.State(this, () =>
    {
        var n = new Names(f.Fresh("Holder"), _staticHolder ? f.Fresh("s_holder") : f.Fresh("holder"));
        var w = new CodeWriter();
        w.Open($"internal sealed unsafe class {n.Type}");
        w.Line(_property ? "public nint Address { get; set; }" : "public byte* Data;");
        w.Line("public int Length;");
        w.Close();
        f.Ctx.AddType(w.ToString());
        if (_staticHolder)
            f.Ctx.Members.Add($"private static readonly {n.Type} {n.Holder} = new {n.Type}();");
        return n;
    });

    private string Access(Names n) => n.Holder + (_property ? ".Address" : ".Data");

    protected override void Store(FlowContext f, string ptr, int size)
    {
        var n = Declare(f);
        if (!_staticHolder)
            f.W.Line($"var {n.Holder} = new {n.Type}();");
        f.W.Line(_property ? $"{Access(n)} = (nint){ptr};" : $"{Access(n)} = {ptr};");
        f.W.Line($"{n.Holder}.Length = {size};");
    }

    protected override void Expose(FlowContext f, Action<string> body) => body(_property ? $"(byte*){Access(Declare(f))}" : Access(Declare(f)));

    protected override void Replace(FlowContext f, string ptr, int size)
    {
        var n = Declare(f);
        f.W.Line(_property ? $"{Access(n)} = (nint){ptr};" : $"{Access(n)} = {ptr};");
        f.W.Line($"{n.Holder}.Length = {size};");
    }

    public override void Release(FlowContext f, Allocator allocator)
    {
        base.Release(f, allocator);
        f.W.Line($"{Access(Declare(f))} = {(_property ? "IntPtr.Zero" : "null")};");
    }
}

/// <summary>A static field of the program's class: <c>byte*</c>, or an <c>nint</c> one.</summary>
internal sealed class StaticFieldCarrier : Carrier
{
    private readonly bool _nint;

    public StaticFieldCarrier(Random random) => _nint = random.Next(2) == 0;

    public override string Shape => "static-field";

    private string Field(FlowContext f) => f.Ctx.State(this, () =>
    {
        string name = f.Fresh("s_buffer");
        f.Ctx.Members.Add(_nint ? $"internal static nint {name};" : $"private static byte* {name};");
        return name;
    });

    protected override void Store(FlowContext f, string ptr, int size) => Replace(f, ptr, size);

    protected override void Expose(FlowContext f, Action<string> body) => body(_nint ? $"(byte*){Field(f)}" : Field(f));

    protected override void Replace(FlowContext f, string ptr, int size) => f.W.Line(_nint ? $"{Field(f)} = (nint){ptr};" : $"{Field(f)} = {ptr};");

    public override void Release(FlowContext f, Allocator allocator)
    {
        base.Release(f, allocator);
        f.W.Line($"{Field(f)} = default;");
    }
}

/// <summary>A field of a struct: a local struct, or an element of an array of structs.</summary>
internal sealed class StructFieldCarrier : Carrier
{
    private readonly bool _inArray;

    public StructFieldCarrier(Random random) => _inArray = random.Next(2) == 0;

    public override string Shape => _inArray ? "struct-field-in-array" : "struct-field";

    private sealed record Names(string Type, string Local);

    private Names Declare(FlowContext f) => f.Ctx.State(this, () =>
    {
        var n = new Names(f.Fresh("Block"), f.Fresh("block"));
        f.Ctx.AddType($"internal unsafe struct {n.Type}\n{{\n    public byte* Data;\n    public int Length;\n}}\n");
        return n;
    });

    private string Access(Names n) => _inArray ? $"{n.Local}[1].Data" : $"{n.Local}.Data";

    protected override void Store(FlowContext f, string ptr, int size)
    {
        var n = Declare(f);
        f.W.Line(_inArray ? $"var {n.Local} = new {n.Type}[2];" : $"{n.Type} {n.Local} = default;");
        Replace(f, ptr, size);
    }

    protected override void Expose(FlowContext f, Action<string> body) => body(Access(Declare(f)));

    protected override void Replace(FlowContext f, string ptr, int size)
    {
        var n = Declare(f);
        f.W.Line($"{Access(n)} = {ptr};");
        f.W.Line($"{Access(n).Replace(".Data", ".Length", StringComparison.Ordinal)} = {size};");
    }
}

/// <summary>An element of a <c>byte*[]</c>, grown by copying into a bigger array with <c>Array.Copy</c>.</summary>
internal sealed class PointerArrayCarrier : Carrier
{
    private readonly bool _growOnStore;

    public PointerArrayCarrier(Random random) => _growOnStore = random.Next(2) == 0;

    public override string Shape => "pointer-array";

    protected override void Store(FlowContext f, string ptr, int size)
    {
        string slots = Name(f, "slots");
        f.W.Line($"byte*[] {slots} = new byte*[2];");
        f.W.Line($"{slots}[1] = {ptr};");
        if (_growOnStore)
            Grow(f, slots);
    }

    private static void Grow(FlowContext f, string slots)
    {
        string bigger = f.Fresh("bigger");
        f.W.Line($"byte*[] {bigger} = new byte*[{slots}.Length * 2];");
        f.W.Line($"Array.Copy({slots}, {bigger}, {slots}.Length);");
        f.W.Line($"{slots} = {bigger};");
    }

    protected override void Expose(FlowContext f, Action<string> body) => body($"{Name(f, "slots")}[1]");

    protected override void Replace(FlowContext f, string ptr, int size)
    {
        f.W.Line($"{Name(f, "slots")}[1] = {ptr};");
        if (!_growOnStore)
            Grow(f, Name(f, "slots"));
    }
}

/// <summary>An <c>nint</c> in a <c>nint[]</c> grown with <c>Array.Resize</c>, or in a <c>List&lt;nint&gt;</c>.</summary>
internal sealed class NintCollectionCarrier : Carrier
{
    private readonly bool _list;

    public NintCollectionCarrier(Random random) => _list = random.Next(2) == 0;

    public override string Shape => _list ? "nint-list" : "nint-array-resize";

    protected override void Store(FlowContext f, string ptr, int size)
    {
        string name = Name(f, "addresses");
        if (_list)
        {
            f.W.Line($"var {name} = new List<nint> {{ 0 }};");
            f.W.Line($"{name}.Add((nint){ptr});");
        }
        else
        {
            f.W.Line($"nint[] {name} = new nint[2];");
            f.W.Line($"{name}[1] = (nint){ptr};");
            f.W.Line($"Array.Resize(ref {name}, 5);");
        }
    }

    protected override void Expose(FlowContext f, Action<string> body) => body($"(byte*){Name(f, "addresses")}[1]");

    protected override void Replace(FlowContext f, string ptr, int size) => f.W.Line($"{Name(f, "addresses")}[1] = (nint){ptr};");
}

/// <summary>A <c>ref byte</c> local made with <c>ref Unsafe.AsRef&lt;byte&gt;(ptr)</c>, turned back with <c>Unsafe.AsPointer</c>.</summary>
internal sealed class RefLocalCarrier : Carrier
{
    public override string Shape => "ref-local";

    protected override void Store(FlowContext f, string ptr, int size) => f.W.Line($"ref byte {Name(f, "first")} = ref Unsafe.AsRef<byte>({ptr});");

    protected override void Expose(FlowContext f, Action<string> body) => body($"(byte*)Unsafe.AsPointer(ref {Name(f, "first")})");

    protected override void Replace(FlowContext f, string ptr, int size) => f.W.Line($"{Name(f, "first")} = ref Unsafe.AsRef<byte>({ptr});");
}

/// <summary>A <c>ref byte</c> field of a ref struct, set through its constructor or by ref assignment.</summary>
internal sealed class RefFieldCarrier : Carrier
{
    private readonly bool _constructor;

    public RefFieldCarrier(Random random) => _constructor = random.Next(2) == 0;

    public override string Shape => "ref-field";

    private sealed record Names(string Type, string Local);

    private Names Declare(FlowContext f) => f.Ctx.State(this, () =>
    {
        var n = new Names(f.Fresh("RefBuffer"), f.Fresh("buffer"));
        var w = new CodeWriter();
        w.Open($"internal unsafe ref struct {n.Type}");
        w.Line("public ref byte Data;");
        w.Line("public int Length;");
        w.Line("");
        w.Open($"public {n.Type}(byte* data, int length)");
        w.Line("Data = ref Unsafe.AsRef<byte>(data);");
        w.Line("Length = length;");
        w.Close();
        w.Close();
        f.Ctx.AddType(w.ToString());
        return n;
    });

    protected override void Store(FlowContext f, string ptr, int size)
    {
        var n = Declare(f);
        if (_constructor)
        {
            f.W.Line($"var {n.Local} = new {n.Type}({ptr}, {size});");
        }
        else
        {
            f.W.Line($"{n.Type} {n.Local} = default;");
            Replace(f, ptr, size);
        }
    }

    protected override void Expose(FlowContext f, Action<string> body) => body($"(byte*)Unsafe.AsPointer(ref {Declare(f).Local}.Data)");

    protected override void Replace(FlowContext f, string ptr, int size)
    {
        var n = Declare(f);
        f.W.Line($"{n.Local}.Data = ref Unsafe.AsRef<byte>({ptr});");
        f.W.Line($"{n.Local}.Length = {size};");
    }
}

/// <summary>A <c>Span&lt;byte&gt;</c> over the memory; the pointer comes back through <c>fixed</c> or <c>MemoryMarshal.GetReference</c>.</summary>
internal sealed class SpanCarrier : Carrier
{
    private readonly string _back;

    public SpanCarrier(Random random) => _back = Pick(random, "fixed", "fixed-reference", "as-pointer");

    public override string Shape => "span";

    protected override void Store(FlowContext f, string ptr, int size) => f.W.Line($"Span<byte> {Name(f, "span")} = new Span<byte>({ptr}, {size});");

    protected override void Expose(FlowContext f, Action<string> body)
    {
        string span = Name(f, "span");
        if (_back == "as-pointer")
        {
            body($"(byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference({span}))");
            return;
        }

        string pinned = f.Fresh("pinned");
        f.W.Open(_back == "fixed" ? $"fixed (byte* {pinned} = {span})" : $"fixed (byte* {pinned} = &MemoryMarshal.GetReference({span}))");
        body(pinned);
        f.W.Close();
    }

    protected override void Replace(FlowContext f, string ptr, int size) => f.W.Line($"{Name(f, "span")} = new Span<byte>({ptr}, {size});");
}

/// <summary>An <c>nint</c> local captured by a lambda or a local function that works on the memory.</summary>
internal sealed class ClosureCarrier : Carrier
{
    private readonly bool _localFunction;

    public ClosureCarrier(Random random) => _localFunction = random.Next(2) == 0;

    public override string Shape => _localFunction ? "closure-local-function" : "closure-lambda";

    protected override void Store(FlowContext f, string ptr, int size) => f.W.Line($"nint {Name(f, "captured")} = (nint){ptr};");

    protected override void Expose(FlowContext f, Action<string> body)
    {
        string name = f.Fresh(_localFunction ? "Work" : "work");
        f.W.Open(_localFunction ? $"void {name}()" : $"Action {name} = () =>");
        body($"(byte*){Name(f, "captured")}");
        f.W.Close(_localFunction ? "}" : "};");
        f.W.Line($"{name}();");
    }

    public override void Reallocate(FlowContext f, Allocator allocator, int size)
    {
        // The reallocation happens inside the closure and is stored back into the captured local there.
        With(f, p => f.W.Line($"{Name(f, "captured")} = (nint){allocator.Realloc(f.Ctx, f.W, p, size)};"));
    }

    protected override void Replace(FlowContext f, string ptr, int size) => f.W.Line($"{Name(f, "captured")} = (nint){ptr};");
}

/// <summary>A <c>T*</c> field of a generic class <c>Box&lt;T&gt; where T : unmanaged</c>.</summary>
internal sealed class GenericBoxCarrier : Carrier
{
    private readonly string _element;

    public GenericBoxCarrier(Random random) => _element = Pick(random, "byte", "int", "long");

    public override string Shape => "generic-type";

    private sealed record Names(string Type, string Local);

    private Names Declare(FlowContext f) => f.Ctx.State(this, () =>
    {
        var n = new Names(f.Fresh("Box"), f.Fresh("box"));
        f.Ctx.AddType($"internal sealed unsafe class {n.Type}<T> where T : unmanaged\n{{\n    public T* Items;\n    public int Bytes;\n}}\n");
        return n;
    });

    protected override void Store(FlowContext f, string ptr, int size)
    {
        var n = Declare(f);
        f.W.Line($"var {n.Local} = new {n.Type}<{_element}>();");
        Replace(f, ptr, size);
    }

    protected override void Expose(FlowContext f, Action<string> body) => body($"(byte*){Declare(f).Local}.Items");

    protected override void Replace(FlowContext f, string ptr, int size)
    {
        var n = Declare(f);
        f.W.Line($"{n.Local}.Items = ({_element}*){ptr};");
        f.W.Line($"{n.Local}.Bytes = {size};");
    }
}

/// <summary>
/// An <c>nint</c> local whose memory passes through a runtime generic method as its type parameter: made in
/// <c>Parallel.For</c>'s localInit and handed out by its localFinally, used in its body or in <c>string.Create</c>'s
/// callback as the state, released in a localFinally; or (a way out) read back through a <c>Task&lt;nint&gt;</c>.
/// </summary>
internal sealed class GenericStateCarrier : Carrier
{
    private readonly bool _allocateInside;
    private readonly bool _releaseInside;
    private readonly string _expose;

    public GenericStateCarrier(Random random)
    {
        _allocateInside = random.Next(2) == 0;
        _releaseInside = random.Next(2) == 0;
        _expose = Pick(random, "parallel", "parallel", "string-create", "task");
    }

    public override string Shape => "generic-" + _expose + (_allocateInside ? "-init" : string.Empty) + (_releaseInside ? "-finally" : string.Empty);

    public override void Allocate(FlowContext f, Allocator allocator, int size)
    {
        if (!_allocateInside)
        {
            base.Allocate(f, allocator, size);
            return;
        }

        string name = Name(f, "state");
        string local = f.Fresh("local");
        f.W.Line($"nint {name} = 0;");
        string alloc = allocator.Alloc(f.Ctx, f.W, size);
        f.W.Line($"System.Threading.Tasks.Parallel.For(0, 1, () => (nint){alloc}, (i, loop, {local}) => {local}, {local} => {name} = {local});");
    }

    public override void Release(FlowContext f, Allocator allocator)
    {
        if (!_releaseInside)
        {
            base.Release(f, allocator);
            return;
        }

        string local = f.Fresh("local");
        f.W.Open($"System.Threading.Tasks.Parallel.For(0, 1, () => {Name(f, "state")}, (i, loop, {local}) => {local}, {local} =>");
        allocator.Free(f.Ctx, f.W, $"(byte*){local}");
        f.W.Close("});");
    }

    protected override void Store(FlowContext f, string ptr, int size) => f.W.Line($"nint {Name(f, "state")} = (nint){ptr};");

    protected override void Expose(FlowContext f, Action<string> body)
    {
        string name = Name(f, "state");
        string local = f.Fresh("local");
        switch (_expose)
        {
            case "parallel":
                f.W.Open($"System.Threading.Tasks.Parallel.For(0, 1, () => {name}, (i, loop, {local}) =>");
                body($"(byte*){local}");
                f.W.Line($"return {local};");
                f.W.Close($"}}, {local} => {{ }});");
                break;
            case "string-create":
                string chars = f.Fresh("chars");
                f.W.Open($"string.Create(1, {name}, ({chars}, {local}) =>");
                body($"(byte*){local}");
                f.W.Line($"{chars}[0] = 'x';");
                f.W.Close("});");
                break;
            default:
                f.W.Line($"nint {local} = System.Threading.Tasks.Task.Run(() => {name}).Result;");
                body($"(byte*){local}");
                break;
        }
    }

    protected override void Replace(FlowContext f, string ptr, int size) => f.W.Line($"{Name(f, "state")} = (nint){ptr};");
}
