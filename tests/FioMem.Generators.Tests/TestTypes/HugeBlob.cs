// A [FioAllocated] struct so large that int.MaxValue of them cannot exist in any address space.
namespace FioMem.Generators.Tests.TestTypes;

/// <summary>64 MiB; never instantiated on the stack, only used to ask for impossible array sizes.</summary>
[FioAllocated]
internal unsafe partial struct HugeBlob
{
    public fixed byte Data[1 << 26];
}
