// Symbol-free, value-equatable models of the NativeMemory interception pipeline: one file's facts, the plan, the settings.
using FioMem.Generators.Helpers;

namespace FioMem.Generators.Models;

/// <summary>What the build asks for and what the referenced FioMem offers, as plain values.</summary>
/// <param name="Enabled">The project sets <c>FioMemInterceptNativeMemory</c> to true.</param>
/// <param name="AllowUnsafe">The project allows unsafe code (interceptors of pointer methods need it).</param>
/// <param name="HasLongLivedTwin">FioMemory has <c>AllocLongLived</c>.</param>
/// <param name="IsMultiTarget">The project builds for several target frameworks.</param>
/// <param name="DefinesFioMemSymbol">The compilation defines <c>FIOMEM</c>.</param>
/// <param name="ProjectDirectory">The project's directory (report paths are relative to it), or empty.</param>
/// <param name="LanguageVersion">The compilation's C# version as the compiler names it (<c>10.0</c>), or empty when
/// it is recent enough for the generated interceptors (C# 11: they are file-local types).</param>
/// <param name="MigrationReport">The project sets <c>FioMemMigrationReport</c> to true: the migration report, with or
/// without interception.</param>
internal sealed record InterceptionSettings(
    bool Enabled, bool AllowUnsafe, bool HasLongLivedTwin, bool IsMultiTarget, bool DefinesFioMemSymbol, string ProjectDirectory,
    string LanguageVersion = "", bool MigrationReport = false)
{
    /// <summary>Whether the compilation's C# version compiles the generated interceptors.</summary>
    public bool LanguageSupported => LanguageVersion.Length == 0;
}

/// <summary>Two places (by symbol-free key) that can hold the same memory, or a derived place and its origin.</summary>
internal sealed record FactPair(string First, string Second);

/// <summary>A place that reaches code the analysis cannot see, and why (a <c>LeftAloneReason</c> value).</summary>
internal sealed record TaintFact(string Key, int Reason);

/// <summary>One <c>NativeMemory</c> call, with what interception needs: its interceptable location and its signature.</summary>
/// <param name="Key">The call's place in the ownership facts.</param>
/// <param name="NativeMethod">The <c>NativeMemory</c> method called.</param>
/// <param name="Role">Its <c>NativeMemoryCallRole</c>.</param>
/// <param name="FioMethod">The FioMemory twin, or null when FioMem has none.</param>
/// <param name="ArgumentCount">How many arguments the call passes.</param>
/// <param name="Member">The member holding the call (<c>Type.Member</c>).</param>
/// <param name="InGeneratedCode">The call is in generated code.</param>
/// <param name="UnboundedSize">The size is computed from a 64-bit value or a length.</param>
/// <param name="FilePath">The file of the call.</param>
/// <param name="Line">The 1-based line of the call.</param>
/// <param name="Column">The 1-based column of the call.</param>
/// <param name="LocationVersion">The interceptable location's version (0 when the call cannot be intercepted).</param>
/// <param name="LocationData">The interceptable location's data.</param>
/// <param name="ReturnType">The called method's return type, fully qualified.</param>
/// <param name="ParameterTypes">The called method's parameter types, fully qualified, comma-separated.</param>
internal sealed record CallFact(
    string Key, string NativeMethod, int Role, string? FioMethod, int ArgumentCount, string Member, bool InGeneratedCode,
    bool UnboundedSize, string FilePath, int Line, int Column, int LocationVersion, string LocationData, string ReturnType,
    string ParameterTypes);

/// <summary>
/// The ownership facts one syntax tree contributes, with symbol-free keys: one array per kind of fact the walker
/// records (<c>IOwnershipFacts</c>).
/// </summary>
/// <remarks>
/// <see cref="Names"/> says, for the places of the file's facts that code reaches by a name, which name: the relevance
/// walk's next round walks the members that spell the names of the places connected to a call.
/// </remarks>
internal sealed record FileFacts(
    string FilePath, EquatableArray<FactPair> Unions, EquatableArray<TaintFact> Taints,
    EquatableArray<FactPair> Derived, EquatableArray<FactPair> Arguments, EquatableArray<string> PublicInputs,
    EquatableArray<string> PublicOutputs, EquatableArray<string> Lent, EquatableArray<CallFact> Calls,
    EquatableArray<PlaceName> Names)
{
    /// <summary>No facts, for a file that contributes none.</summary>
    public static FileFacts Empty(string filePath) => new(filePath, EquatableArray<FactPair>.Empty, EquatableArray<TaintFact>.Empty,
        EquatableArray<FactPair>.Empty, EquatableArray<FactPair>.Empty, EquatableArray<string>.Empty, EquatableArray<string>.Empty,
        EquatableArray<string>.Empty, EquatableArray<CallFact>.Empty, EquatableArray<PlaceName>.Empty);

    /// <summary>Whether the file contributes no fact.</summary>
    public bool IsEmpty => Unions.Length == 0 && Taints.Length == 0 && Derived.Length == 0 && Arguments.Length == 0
        && PublicInputs.Length == 0 && PublicOutputs.Length == 0 && Lent.Length == 0 && Calls.Length == 0;
}

/// <summary>
/// The name code spells to reach a place (a field, property or method), or <paramref name="Unspelled"/> when code reaches
/// it without one (a constructor, an operator, the public API...).
/// </summary>
internal sealed record PlaceName(string Key, string Name, bool Unspelled);

/// <summary>One syntax tree as the interception sees it before binding anything.</summary>
/// <param name="FilePath">The tree's path.</param>
/// <param name="NamesNativeMemory">The tree's text spells <c>NativeMemory</c>.</param>
/// <param name="Aliases">The names its <c>using</c> directives give <c>NativeMemory</c> or its methods.</param>
internal sealed record TreeSummary(string FilePath, bool NamesNativeMemory, EquatableArray<string> Aliases);

/// <summary>
/// The names of the places the facts so far connect to a <c>NativeMemory</c> call (sorted), or <paramref name="Everything"/>
/// when one of them is reached without a name: what the relevance walk's next round looks for.
/// </summary>
internal sealed record ReachedNames(EquatableArray<string> Names, bool Everything);

/// <summary>
/// The facts of every file from the whole-compilation walk, when the per-file rounds did not settle which members bear
/// on a call (<paramref name="Used"/>); otherwise unused and empty.
/// </summary>
internal sealed record WholeCompilationFacts(bool Used, EquatableArray<FileFacts> Files);

/// <summary>A call site an interceptor redirects: the attribute's arguments and where it is, for a comment.</summary>
internal sealed record InterceptedLocation(int Version, string Data, string Display);

/// <summary>One generated interceptor: every call of the same NativeMemory method that goes to the same FioMemory one.</summary>
internal sealed record InterceptorModel(
    string Name, string ReturnType, EquatableArray<string> ParameterTypes, string NativeMethod, string FioMethod,
    EquatableArray<InterceptedLocation> Locations);

/// <summary>
/// What the generator emits: with interception (<paramref name="Enabled"/>), the interceptors and their report; with the
/// migration report asked for, its lines (else none); nothing at all when neither is.
/// </summary>
internal sealed record InterceptionPlan(
    bool Enabled, int Intercepted, int Total, EquatableArray<InterceptorModel> Interceptors, EquatableArray<string> ReportLines,
    EquatableArray<string> MigrationReportLines);
