// Marks a struct for FioMem's source generator.
using System;

namespace FioMem;

/// <summary>
/// Marks an unmanaged <see langword="partial"/> struct for FioMem's source generator, which makes it implement
/// <see cref="IFioAllocated{TSelf}"/> and adds the shorthand members <c>New</c>, <c>NewArray</c>, <c>Free</c> and
/// <c>FreeArray</c>, so that <see cref="FioAlloc{T}"/> can allocate it.
/// </summary>
/// <remarks>The analyzers report FIO004 when the type cannot be marked (a class, a managed or generic struct, or
/// a struct that is not partial) and FIO005 when it is too large for FioMem's blocks.</remarks>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class FioAllocatedAttribute : Attribute
{
}
