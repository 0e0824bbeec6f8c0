// Use shapes: what a flow does with its memory while it has it. Each writes before it reads (a flow reads only the
// bytes it wrote, or zeros both allocators give), and folds what it reads into the flow's checksum.
using System;

namespace FioMem.Migration.Fuzz.Generation;

internal abstract class Use
{
    public abstract string Shape { get; }

    /// <summary>Whether the use fits the buffer as it is (its size, what is written); a use that does not is left out.</summary>
    public virtual bool Fits(FlowContext f) => true;

    /// <summary>Writes the use of <paramref name="p"/>, a <c>byte*</c> expression, and updates <see cref="FlowContext.Initialized"/>.</summary>
    public abstract void Apply(FlowContext f, string p);
}

/// <summary>Writes every byte in a loop through the pointer.</summary>
internal sealed class FillLoopUse : Use
{
    private readonly int _multiplier;
    private readonly int _offset;

    public FillLoopUse(Random random)
    {
        _multiplier = random.Next(1, 250);
        _offset = random.Next(256);
    }

    public override string Shape => "fill-loop";

    public override void Apply(FlowContext f, string p)
    {
        string i = f.Fresh("i");
        f.W.Line($"for (int {i} = 0; {i} < {f.Length}; {i}++) {p}[{i}] = (byte)({i} * {_multiplier} + {_offset});");
        f.Initialized = f.Length;
    }
}

/// <summary>Writes every byte with <c>Span.Fill</c>, <c>Unsafe.InitBlockUnaligned</c> or <c>NativeMemory.Fill</c>.</summary>
internal sealed class FillBlockUse : Use
{
    private readonly string _how;
    private readonly int _value;

    public FillBlockUse(Random random)
    {
        _how = new[] { "span", "unsafe", "native-memory" }[random.Next(3)];
        _value = random.Next(1, 256);
    }

    public override string Shape => "fill-" + _how;

    public override void Apply(FlowContext f, string p)
    {
        f.W.Line(_how switch
        {
            "span" => $"new Span<byte>({p}, {f.Length}).Fill({_value});",
            "unsafe" => $"Unsafe.InitBlockUnaligned({p}, {_value}, {f.Length});",
            _ => $"NativeMemory.Fill({p}, {f.Length}, {_value});",
        });
        f.Initialized = f.Length;
    }
}

/// <summary>Lends the memory to libc's memset (Linux).</summary>
internal sealed class MemsetUse : Use
{
    private readonly int _value;

    public MemsetUse(Random random) => _value = random.Next(1, 256);

    public override string Shape => "lend-memset";

    public override void Apply(FlowContext f, string p)
    {
        f.W.Line($"{f.Ctx.Libc("memset")}({p}, {_value}, {f.Length});");
        f.Initialized = f.Length;
    }
}

/// <summary>Writes a C string into the memory and lends it to libc's strlen (Linux).</summary>
internal sealed class StrlenUse : Use
{
    private readonly int _terminator;

    public StrlenUse(Random random) => _terminator = random.Next(1 << 20);

    public override string Shape => "lend-strlen";

    public override bool Fits(FlowContext f) => f.Length >= 2;

    public override void Apply(FlowContext f, string p)
    {
        string i = f.Fresh("i");
        f.W.Line($"for (int {i} = 0; {i} < {f.Length}; {i}++) {p}[{i}] = (byte)('a' + {i} % 26);");
        f.W.Line($"{p}[{_terminator % (f.Length - 1)}] = 0;");
        f.W.Line($"{f.Sum} = {f.Sum} * 31 + (ulong){f.Ctx.Libc("strlen")}({p});");
        f.Initialized = f.Length;
    }
}

/// <summary>Writes the first 16 bytes as two ints and a long, through typed pointers.</summary>
internal sealed class TypedWriteUse : Use
{
    private readonly int _value;

    public TypedWriteUse(Random random) => _value = random.Next();

    public override string Shape => "typed-write";

    public override bool Fits(FlowContext f) => f.Length >= 16;

    public override void Apply(FlowContext f, string p)
    {
        f.W.Line($"*(int*){p} = {_value};");
        f.W.Line($"((int*){p})[1] = {_value} ^ 0x5A5A;");
        f.W.Line($"((long*){p})[1] = {_value}L * 3;");
        f.Initialized = Math.Max(f.Initialized, 16);
    }
}

/// <summary>Copies the written first half over the second half (<c>Buffer.MemoryCopy</c> or <c>NativeMemory.Copy</c>).</summary>
internal sealed class CopyHalfUse : Use
{
    private readonly bool _nativeMemory;

    public CopyHalfUse(Random random) => _nativeMemory = random.Next(2) == 0;

    public override string Shape => _nativeMemory ? "copy-native-memory" : "copy-buffer";

    public override bool Fits(FlowContext f) => f.Length >= 2 && f.Initialized >= f.Length / 2;

    public override void Apply(FlowContext f, string p)
    {
        int half = f.Length / 2;
        f.W.Line(_nativeMemory
            ? $"NativeMemory.Copy({p}, {p} + {half}, {half});"
            : $"Buffer.MemoryCopy({p}, {p} + {half}, {half}, {half});");
        f.Initialized = Math.Max(f.Initialized, 2 * half);
    }
}

/// <summary>Reads the written bytes into the checksum: a pointer loop, a ReadOnlySpan, or a copy to a managed array.</summary>
internal sealed class ChecksumUse : Use
{
    private readonly string _how;

    public ChecksumUse(Random random) => _how = new[] { "loop", "span", "array" }[random.Next(3)];

    public override string Shape => "read-" + _how;

    public override void Apply(FlowContext f, string p)
    {
        string s = f.Sum;
        string i = f.Fresh("i");
        switch (_how)
        {
            case "loop":
                f.W.Line($"for (int {i} = 0; {i} < {f.Initialized}; {i}++) {s} = {s} * 31 + {p}[{i}];");
                break;
            case "span":
                f.W.Line($"foreach (byte {i} in new ReadOnlySpan<byte>({p}, {f.Initialized})) {s} = {s} * 131 + {i};");
                break;
            default:
                f.W.Line($"byte[] {i} = new ReadOnlySpan<byte>({p}, {f.Initialized}).ToArray();");
                f.W.Line($"{s} = {s} * 7 + (ulong){i}.Length + ({i}.Length > 0 ? {i}[{i}.Length / 2] : 0u);");
                break;
        }
    }
}

/// <summary>Lends the memory to a helper method of the program that hashes it (a public or private one).</summary>
internal sealed class HelperReadUse : Use
{
    private readonly bool _public;

    public HelperReadUse(Random random) => _public = random.Next(2) == 0;

    public override string Shape => "lend-helper";

    public override void Apply(FlowContext f, string p)
    {
        string helper = f.Ctx.State(this, () =>
        {
            string name = f.Fresh("Digest");
            f.Ctx.Members.Add(
                $"{(_public ? "public" : "private")} static ulong {name}(byte* data, int length)\n{{\n    ulong hash = 14695981039346656037;\n" +
                "    for (int i = 0; i < length; i++)\n        hash = (hash ^ data[i]) * 1099511628211;\n    return hash;\n}");
            return name;
        });
        f.W.Line($"{f.Sum} ^= {helper}({p}, {f.Initialized});");
    }
}
