// The typed workload's value: a 48-byte [FioAllocated] struct and a class with the same fields.
using System.Runtime.InteropServices;

namespace FioMem.Benchmarks.Typed;

/// <summary>Six doubles (48 bytes); the build's generator makes it implement IFioAllocated and adds New/Free.</summary>
[FioAllocated]
[StructLayout(LayoutKind.Sequential)]
public partial struct Body48
{
    public double X, Y, Z, VX, VY, VZ;
}

/// <summary>The same fields on the GC heap, for the <c>new</c> peer.</summary>
public sealed class Body48Class
{
    public double X, Y, Z, VX, VY, VZ;
}
