// The kinds of fact FIO003's ownership analysis records: what the walker writes and what a replay carries.
namespace FioMem.Analyzers.Migration;

/// <summary>
/// Receives the facts of <see cref="OwnershipWalker"/>: <see cref="OwnershipGraph"/> records them to solve, and the
/// interception generator keeps them as symbol-free keys per file and replays them into a graph of its own (through
/// <see cref="OwnershipGraph.ExportFacts"/>). Every kind of fact is a member here, so no sink can drop one.
/// </summary>
internal interface IOwnershipFacts
{
    /// <summary>A <c>NativeMemory</c> call (a node of its own).</summary>
    void AddCall(MigrationCandidate call);

    /// <summary><paramref name="a"/> and <paramref name="b"/> can hold the same memory.</summary>
    void Union(PointerLocation a, PointerLocation b);

    /// <summary><paramref name="location"/> reaches code outside the analysis.</summary>
    void Taint(PointerLocation location, LeftAloneReason reason);

    /// <summary><paramref name="derived"/> holds an address computed from what <paramref name="origin"/> holds.</summary>
    void Derive(PointerLocation derived, PointerLocation origin);

    /// <summary><paramref name="argument"/> is passed by value to <paramref name="parameter"/>.</summary>
    void PassArgument(PointerLocation parameter, PointerLocation argument);

    /// <summary>Code outside the compilation can put a pointer into <paramref name="location"/>.</summary>
    void PublicInput(PointerLocation location);

    /// <summary>Code outside the compilation can take a pointer out of <paramref name="location"/>.</summary>
    void PublicOutput(PointerLocation location);

    /// <summary>What <paramref name="location"/> holds is lent to native code for the duration of a call.</summary>
    void LendToNativeCode(PointerLocation location);
}
