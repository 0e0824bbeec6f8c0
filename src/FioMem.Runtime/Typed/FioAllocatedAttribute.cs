// Marks a struct for FioMem's source generator.
using System;

namespace FioMem;

/// <summary>
/// Marks an unmanaged <see langword="partial"/> struct for FioMem's source generator, which makes it implement
/// <see cref="IFioAllocated{TSelf}"/>, so that <see cref="FioAlloc{T}"/> can allocate it, and adds the static shorthand
/// members <c>New</c>, <c>NewArray</c>, <c>NewOwned</c>, <c>Free</c> and <c>FreeArray</c> that call
/// <see cref="FioAlloc{T}"/>'s. A name the struct already uses is left out, and so are the pointer members <c>New</c>
/// and <c>Free</c> when the project does not allow unsafe code.
/// </summary>
/// <remarks>The analyzers report FIO004 when the type cannot be marked (a class, a managed or generic struct, or
/// a struct that is not partial) and FIO005 when it is too large for FioMem's blocks.</remarks>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class FioAllocatedAttribute : Attribute
{
}
