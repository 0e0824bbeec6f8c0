// A type that encloses a [FioAllocated] struct, as much of it as the generated partial declaration must repeat.
namespace FioMem.Generators.Models;

/// <summary>One enclosing type, outermost first in <see cref="FioAllocatedStructModel.ContainingTypes"/>.</summary>
/// <param name="Modifiers">Modifiers every partial part must repeat, written before <c>partial</c>: <c>ref</c> for a
/// ref struct, otherwise empty.</param>
/// <param name="Keyword">The declaration keyword(s) every partial part must repeat: <c>class</c>, <c>struct</c>,
/// <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Name">The type's name, escaped with <c>@</c> when it is a keyword.</param>
internal sealed record ContainingTypeModel(string Modifiers, string Keyword, string Name);
