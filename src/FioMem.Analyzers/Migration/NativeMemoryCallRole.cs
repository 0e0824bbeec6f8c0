// What a NativeMemory call does to the pointer it makes or takes.
namespace FioMem.Analyzers.Migration;

/// <summary>The role a <c>NativeMemory</c> call plays for the pointer it makes or takes.</summary>
internal enum NativeMemoryCallRole
{
    /// <summary>Not a memory-management call (<c>Clear</c>, <c>Copy</c>, <c>Fill</c>, ...): it only borrows the pointer.</summary>
    None,

    /// <summary>Returns new memory: <c>Alloc</c>, <c>AllocZeroed</c>, <c>AlignedAlloc</c>.</summary>
    Allocate,

    /// <summary>Takes memory and returns it resized: <c>Realloc</c>, <c>AlignedRealloc</c>.</summary>
    Reallocate,

    /// <summary>Releases memory: <c>Free</c>, <c>AlignedFree</c>.</summary>
    Release,
}
