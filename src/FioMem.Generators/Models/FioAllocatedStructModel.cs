// Everything the generator needs to emit one [FioAllocated] struct: plain strings and flags, compared by value.
using FioMem.Generators.Helpers;

namespace FioMem.Generators.Models;

/// <summary>
/// An eligible <c>[FioAllocated]</c> struct. Holds no symbol, syntax node or location, so equal inputs give equal
/// models and the pipeline caches across edits that do not touch the struct.
/// </summary>
/// <param name="HintName">The generated file's name: the metadata name with nesting (<c>Ns.Outer+Inner.g.cs</c>).</param>
/// <param name="Namespace">The containing namespace with keywords escaped, or <see langword="null"/> for the global namespace.</param>
/// <param name="ContainingTypes">The enclosing types, outermost first.</param>
/// <param name="Keyword"><c>struct</c> or <c>record struct</c>.</param>
/// <param name="Name">The struct's name, escaped with <c>@</c> when it is a keyword.</param>
/// <param name="QualifiedName">The <c>global::</c>-qualified name used in the generated code.</param>
/// <param name="DisplayName">The name reported by <c>FioTypeName</c> (namespace and enclosing types, no escapes).</param>
/// <param name="Members">The members to emit.</param>
internal sealed record FioAllocatedStructModel(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string Keyword,
    string Name,
    string QualifiedName,
    string DisplayName,
    ShorthandMembers Members);
