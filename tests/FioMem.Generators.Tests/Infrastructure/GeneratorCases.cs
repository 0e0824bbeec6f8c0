// Every shape of [FioAllocated] struct a user can write: the eligible ones (snapshotted and compiled) and the
// ineligible ones (for which the generator must emit nothing).
using System.Collections.Generic;

namespace FioMem.Generators.Tests.Infrastructure;

public static class GeneratorCases
{
    /// <summary>Structs the generator completes; each has checked-in snapshots.</summary>
    public static readonly IReadOnlyList<GeneratorCase> Eligible =
    [
        new("BlockNamespace", """
            using FioMem;

            namespace Game.Physics
            {
                [FioAllocated]
                public partial struct Particle { public float X, Y, VX, VY; }
            }
            """),
        new("FileScopedNamespace", """
            using FioMem;

            namespace Game.Physics;

            [FioAllocated]
            public partial struct Particle { public float X, Y, VX, VY; }
            """),
        new("GlobalNamespace", """
            [FioMem.FioAllocated]
            internal partial struct Particle { public float X, Y, VX, VY; }
            """),
        new("NestedInClasses", """
            using FioMem;

            namespace Server;

            public static partial class Outer
            {
                internal partial class Middle
                {
                    [FioAllocated]
                    private partial struct Header { public int Length; public long Id; }

                    [FioAllocated]
                    protected internal partial struct Trailer { public uint Crc; }
                }
            }
            """),
        new("NestedInRecords", """
            using FioMem;

            namespace Server;

            public partial record Request(int Id)
            {
                public partial record struct Frame(int Sequence)
                {
                    [FioAllocated]
                    internal partial struct Slot { public int Index; }
                }

                [FioAllocated]
                protected partial struct Cursor { public int Offset; }
            }
            """),
        new("NestedInStructsAndInterface", """
            using FioMem;

            public partial interface IShape
            {
                [FioAllocated]
                public partial struct Point { public double X, Y; }
            }

            public partial struct Holder
            {
                public ref partial struct Scope
                {
                    [FioAllocated]
                    public partial struct Cell { public int Value; }
                }
            }
            """),
        new("ReadonlyStruct", """
            using FioMem;

            namespace Geometry;

            [FioAllocated]
            public readonly partial struct Extent
            {
                public readonly int Width, Height;
                public Extent(int width, int height) { Width = width; Height = height; }
            }
            """),
        new("RecordStruct", """
            using FioMem;

            namespace Geometry;

            [FioAllocated]
            public partial record struct Vector(float X, float Y, float Z);
            """),
        new("ReadonlyRecordStruct", """
            using FioMem;

            namespace Geometry;

            [FioAllocated]
            public readonly partial record struct Color(byte R, byte G, byte B, byte A);
            """),
        new("ExplicitLayout", """
            using System.Runtime.InteropServices;
            using FioMem;

            namespace Interop;

            [FioAllocated]
            [StructLayout(LayoutKind.Explicit, Size = 16, Pack = 4)]
            public partial struct Variant
            {
                [FieldOffset(0)] public int Kind;
                [FieldOffset(8)] public long Integer;
                [FieldOffset(8)] public double Real;
            }
            """),
        new("SequentialPack", """
            using System.Runtime.InteropServices;
            using FioMem;

            namespace Interop;

            [StructLayout(LayoutKind.Sequential, Pack = 1)]
            [FioAllocated]
            public partial struct PackedHeader { public byte Tag; public int Length; }
            """),
        new("FixedBuffer", """
            using FioMem;

            namespace Parsing;

            [FioAllocated]
            public unsafe partial struct Token
            {
                public int Length;
                public fixed byte Text[32];
            }
            """),
        new("KeywordNames", """
            using FioMem;

            namespace @class.@event
            {
                public partial class @static
                {
                    [FioAllocated]
                    public partial struct @event { public int @int; }
                }

                [FioAllocated]
                public partial struct @struct { public int @fixed; }
            }
            """),
        new("SameNameDifferentNamespaces", [
            ("First.cs", """
                namespace First
                {
                    [FioMem.FioAllocated]
                    public partial struct Node { public int Value; }
                }
                """),
            ("Second.cs", """
                namespace Second
                {
                    [FioMem.FioAllocated]
                    public partial struct Node { public long Value; }
                }
                """),
            ("Nested.cs", """
                namespace First
                {
                    public partial class Tree
                    {
                        [FioMem.FioAllocated]
                        public partial struct Node { public short Value; }
                    }
                }
                """),
        ]),
        new("SeveralAttributes", """
            using System;
            using System.Diagnostics;
            using System.Runtime.InteropServices;
            using FioMem;

            namespace Telemetry;

            [Serializable, DebuggerDisplay("{Count}")]
            [StructLayout(LayoutKind.Sequential, Pack = 8)]
            [FioAllocated]
            [DebuggerTypeProxy(typeof(object))]
            public partial struct Sample { public long Count; public double Sum; }
            """),
        new("ObsoleteStruct", """
            using System;
            using FioMem;

            namespace Legacy;

            [Obsolete("use Current")]
            [FioAllocated]
            public partial struct Old { public int A; }
            """),
        new("PrimaryConstructor", """
            using FioMem;

            namespace Modern;

            [FioAllocated]
            public partial struct Range(int start, int length)
            {
                public int Start = start;
                public int Length = length;
            }
            """),
        new("AttributeSpellings", """
            using Alias = FioMem.FioAllocatedAttribute;

            namespace Spellings;

            [global::FioMem.FioAllocatedAttribute]
            public partial struct Qualified { public int A; }

            [Alias]
            public partial struct Aliased { public int B; }
            """),
        new("AttributeOnSecondPart", [
            ("Data.cs", """
                namespace Parts;

                public partial struct Record { public int Key; }
                """),
            ("Marked.cs", """
                namespace Parts;

                [FioMem.FioAllocated]
                public partial struct Record { public int Value; }
                """),
        ]),
        new("MemberNameClashes", """
            using FioMem;

            namespace Clashes;

            [FioAllocated]
            public partial struct Handle
            {
                public int New;
                public static void Free(int value) { }
            }

            [FioAllocated]
            public partial struct NewArray { public int A; }

            [FioAllocated]
            public partial record struct Positional(int NewOwned, long FreeArray);

            [FioAllocated]
            public partial struct WithNestedType { public int A; public struct New { } }
            """),
        new("HandWrittenInterface", """
            using FioMem;

            namespace Manual;

            [FioAllocated]
            public partial struct Named : IFioAllocated<Named>
            {
                public int A;
                static string IFioAllocated<Named>.FioTypeName => "custom";
            }
            """),
        new("SafeProject", """
            using FioMem;

            namespace Safe;

            [FioAllocated]
            public partial struct Money { public long Cents; }
            """, allowUnsafe: false),
    ];

    /// <summary>Types the generator must leave alone (the analyzers report FIO004 for them).</summary>
    public static readonly IReadOnlyList<GeneratorCase> Ineligible =
    [
        new("Class", "[FioMem.FioAllocated] public partial class C { public int A; }"),
        new("ManagedField", "[FioMem.FioAllocated] public partial struct S { public string Name; }"),
        new("ManagedNestedField", "public struct Inner { public object O; } [FioMem.FioAllocated] public partial struct S { public Inner I; }"),
        new("NotPartial", "[FioMem.FioAllocated] public struct S { public int A; }"),
        new("ContainingTypeNotPartial", "public class Outer { [FioMem.FioAllocated] public partial struct S { public int A; } }"),
        new("ContainingTypeNotPartialInOnePart", [
            ("A.cs", "public partial class Outer { [FioMem.FioAllocated] public partial struct S { public int A; } }"),
            ("B.cs", "public class Outer { }"),
        ]),
        new("Generic", "[FioMem.FioAllocated] public partial struct S<T> where T : unmanaged { public T A; }"),
        new("GenericContainingType", "public partial class Outer<T> { [FioMem.FioAllocated] public partial struct S { public int A; } }"),
        new("RefStruct", "[FioMem.FioAllocated] public ref partial struct S { public int A; }"),
        new("FileLocal", "[FioMem.FioAllocated] file partial struct S { public int A; }"),
        new("FileLocalContainingType", "file partial class Outer { [FioMem.FioAllocated] public partial struct S { public int A; } }"),
        new("Enum", "[FioMem.FioAllocated] public enum E { A }"),
        new("Interface", "[FioMem.FioAllocated] public partial interface I { }"),
        new("RecordClass", "[FioMem.FioAllocated] public partial record R(int A);"),
        new("OtherAttributeWithSameName", """
            namespace Elsewhere { [System.AttributeUsage(System.AttributeTargets.Struct)] public sealed class FioAllocatedAttribute : System.Attribute { } }
            namespace User { [Elsewhere.FioAllocated] public partial struct S { public int A; } }
            """),
    ];

    public static GeneratorCase Get(string name) =>
        Eligible.Concat(Ineligible).Single(c => c.Name == name);

    public static IEnumerable<object[]> EligibleNames => Eligible.Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> IneligibleNames => Ineligible.Select(c => new object[] { c.Name });
}
