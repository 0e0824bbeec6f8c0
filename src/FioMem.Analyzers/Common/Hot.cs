// The JIT option for the analyzers' per-member code paths.
using System.Runtime.CompilerServices;

namespace FioMem.Analyzers.Common;

/// <summary>How the methods that run for every analysed member are compiled by the runtime that hosts the compiler.</summary>
/// <remarks>
/// An analyzer is not precompiled: the compiler process JIT-compiles it, first unoptimized (tier 0) and, with tiered
/// PGO on (the .NET default), then with instrumentation that records the type of every interface cast and call, before
/// the optimized version. IOperation code is made of interface casts and calls, and in a compiler process that keeps
/// compiling new methods the promotion comes late: measured in-process on the cost project (bench/AnalyzerCost), the
/// rules took about four times longer in a fresh process than once warm. <see cref="Optimized"/> (the runtime's
/// <c>AggressiveOptimization</c>, which netstandard2.0 does not name) compiles a method optimized on its first call
/// and skips both stages; it is used on the methods each member's analysis runs through, not on set-up code.
/// </remarks>
internal static class Hot
{
    /// <summary><c>MethodImplOptions.AggressiveOptimization</c>.</summary>
    public const MethodImplOptions Optimized = (MethodImplOptions)512;
}
