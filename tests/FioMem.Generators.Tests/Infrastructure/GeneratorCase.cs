// One input program for the generator, named after the shape of code it exercises.
using System.Collections.Immutable;

namespace FioMem.Generators.Tests.Infrastructure;

/// <summary>A named generator input: one or more source files.</summary>
/// <param name="Name">The case's name; its snapshots are <c>Snapshots/&lt;Name&gt;#&lt;hint&gt;.verified.cs</c>.</param>
/// <param name="Sources">The files, each with a path.</param>
/// <param name="AllowUnsafe">Whether the compilation allows unsafe code.</param>
public sealed record GeneratorCase(string Name, ImmutableArray<(string Path, string Source)> Sources, bool AllowUnsafe = true)
{
    public GeneratorCase(string name, string source, bool allowUnsafe = true)
        : this(name, [($"{name}.cs", source)], allowUnsafe)
    {
    }

    /// <summary>xunit shows the name in the test explorer.</summary>
    public override string ToString() => Name;
}
