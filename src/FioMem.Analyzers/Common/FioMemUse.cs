// Whether a compilation can call FioMem at all: the gate that lets the FioMem-only rules cost nothing where it cannot.
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.Common;

/// <summary>
/// A project that references FioMem but whose source never names it (<c>FioMemory</c>, <c>FioAlloc</c>,
/// <c>[FioAllocated]</c>) has no FioMem allocation or release to check: the rules that look only at FioMem memory
/// (FIO001, FIO006) skip such a compilation entirely, before any member is looked at.
/// </summary>
/// <remarks>
/// Every call of a FioMem allocation or release spells one of the words somewhere in the compilation: the type name
/// in the call, a <c>using static</c> or alias, or the <c>[FioAllocated]</c> attribute of the struct whose generated
/// <c>New</c>/<c>Free</c> it calls. The one exception is such a struct declared in another assembly: a compilation that
/// references an assembly which itself references FioMem is always analysed. The scan reads each file's text once per
/// compilation (shared by the rules) with <see cref="CalledNames"/>' word matcher.
/// </remarks>
internal static class FioMemUse
{
    private static readonly CalledNames s_fioMemNames = CalledNames.FioMemTypes;
    private static readonly ConditionalWeakTable<Compilation, StrongBox<bool>> s_byCompilation = new();

    /// <summary>Whether <paramref name="compilation"/> may call FioMem (see the remarks).</summary>
    public static bool MayCallFioMem(Compilation compilation, CancellationToken cancellationToken)
    {
        if (s_byCompilation.TryGetValue(compilation, out var known))
            return known.Value;

        bool may = ReferencesAnAssemblyThatUsesFioMem(compilation) || NamesFioMem(compilation, cancellationToken);
        return s_byCompilation.GetValue(compilation, _ => new StrongBox<bool>(may)).Value;
    }

    private static bool NamesFioMem(Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (s_fioMemNames.OccurIn(tree.GetRoot(cancellationToken)))
                return true;
        }

        return false;
    }

    private static bool ReferencesAnAssemblyThatUsesFioMem(Compilation compilation)
    {
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            if (assembly.Name == "FioMem")
                continue;
            foreach (var module in assembly.Modules)
            {
                foreach (var reference in module.ReferencedAssemblies)
                {
                    if (reference.Name == "FioMem")
                        return true;
                }
            }
        }

        return false;
    }
}
