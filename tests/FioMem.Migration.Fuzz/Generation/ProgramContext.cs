// What one rendering of a program collects: its namespace-level types, the members of its class, fresh names, and the
// declarations shapes share (the libc imports, an allocator's helper class), each declared once.
using System;
using System.Collections.Generic;
using System.Linq;

namespace FioMem.Migration.Fuzz.Generation;

internal sealed class ProgramContext
{
    private readonly Dictionary<object, object> _state = new(ReferenceEqualityComparer.Instance);
    private readonly List<Func<string>> _types = new();
    private readonly SortedDictionary<string, string> _libc = new(StringComparer.Ordinal);
    private int _next;

    public ProgramContext(int index, nuint alignment)
    {
        Index = index;
        Alignment = alignment;
    }

    public int Index { get; }

    /// <summary>The alignment every aligned allocation, reallocation and wrapper of the program uses.</summary>
    public nuint Alignment { get; }

    public string Namespace => "Fuzz.P" + Index;

    public string ClassName => "Program" + Index;

    /// <summary>Members of the program's class (fields, helpers, flows), in order.</summary>
    public List<string> Members { get; } = new();

    /// <summary>A name no other declaration of the program uses.</summary>
    public string Fresh(string stem) => stem + _next++;

    /// <summary>A namespace-level type, rendered when the program is: shapes may still add members to it meanwhile.</summary>
    public void AddType(Func<string> render) => _types.Add(render);

    public void AddType(string text) => _types.Add(() => text);

    /// <summary>State a shape instance keeps for this rendering (its helper names, say), made on first use.</summary>
    public T State<T>(object owner, Func<T> create)
        where T : class
    {
        if (!_state.TryGetValue(owner, out var value))
            _state[owner] = value = create();
        return (T)value;
    }

    /// <summary>
    /// Declares the libc function <paramref name="entryPoint"/> in the program's <c>Libc</c> class and returns how to
    /// call it. Only Linux programs use these: there NativeMemory is malloc and free.
    /// </summary>
    public string Libc(string entryPoint)
    {
        (string name, string signature) = entryPoint switch
        {
            "malloc" => ("Malloc", "void* Malloc(nuint size)"),
            "realloc" => ("Realloc", "void* Realloc(void* ptr, nuint size)"),
            "free" => ("Free", "void Free(void* ptr)"),
            "memset" => ("Memset", "void* Memset(void* ptr, int value, nuint count)"),
            "strlen" => ("Strlen", "nuint Strlen(byte* text)"),
            _ => throw new ArgumentOutOfRangeException(nameof(entryPoint), entryPoint, null),
        };
        _libc[entryPoint] = $"[DllImport(\"libc\", EntryPoint = \"{entryPoint}\")] public static extern {signature};";
        return "Libc." + name;
    }

    public string Render(string header, IEnumerable<string> runBody)
    {
        var w = new CodeWriter();
        foreach (var line in header.Split('\n'))
            w.Line("// " + line);
        foreach (var u in new[] { "System", "System.Collections.Generic", "System.Reflection", "System.Runtime.CompilerServices", "System.Runtime.InteropServices", "Microsoft.Win32.SafeHandles" })
            w.Line("using " + u + ";");
        w.Line("");
        w.Open("namespace " + Namespace);
        var types = _types.Select(t => t()).ToList();
        if (_libc.Count > 0)
        {
            var libc = new CodeWriter();
            libc.Open("internal static unsafe class Libc");
            foreach (var declaration in _libc.Values)
                libc.Line(declaration);
            libc.Close();
            types.Insert(0, libc.ToString());
        }

        foreach (var type in types)
        {
            foreach (var line in type.TrimEnd('\n').Split('\n'))
                w.Line(line);
            w.Line("");
        }

        w.Open("public static unsafe class " + ClassName);
        foreach (var member in Members)
        {
            foreach (var line in member.TrimEnd('\n').Split('\n'))
                w.Line(line);
            w.Line("");
        }

        w.Open("public static void Run()");
        foreach (var line in runBody)
            w.Line(line);
        w.Close();
        w.Close();
        w.Close();
        return w.ToString();
    }
}
