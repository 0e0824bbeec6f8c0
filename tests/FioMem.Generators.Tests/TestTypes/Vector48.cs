// A 48-byte [FioAllocated] struct the generator (referenced as an analyzer) completes at build time.
using System.Runtime.InteropServices;

namespace FioMem.Generators.Tests.TestTypes;

/// <summary>Six longs: the typed-allocation workload's size, with a field at each end to see both ends round-trip.</summary>
[FioAllocated]
[StructLayout(LayoutKind.Sequential)]
internal partial struct Vector48
{
    public long A, B, C, D, E, F;
}
