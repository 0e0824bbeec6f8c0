// What a NativeMemory call does to a pointer, and which FioMemory call can replace it.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.Migration;

/// <summary>A classified <c>NativeMemory</c> call: its role and the FioMemory method of the same name and shape, if any.</summary>
internal readonly struct NativeMemoryCall
{
    private NativeMemoryCall(NativeMemoryCallRole role, string? fioMethod)
    {
        Role = role;
        FioMethod = fioMethod;
    }

    /// <summary>What the call does with memory.</summary>
    public NativeMemoryCallRole Role { get; }

    /// <summary>The <c>FioMemory</c> method with the same meaning, or <see langword="null"/> when FioMem has none.</summary>
    public string? FioMethod { get; }

    /// <summary>
    /// Classifies a call to a <c>NativeMemory</c> method. Every allocation, reallocation and release maps to the
    /// <c>FioMemory</c> method of the same name and parameters, when the referenced FioMem has it.
    /// </summary>
    public static NativeMemoryCall Classify(IMethodSymbol method, INamedTypeSymbol fioMemory)
    {
        var role = method.Name switch
        {
            "Alloc" or "AllocZeroed" or "AlignedAlloc" => NativeMemoryCallRole.Allocate,
            "Realloc" or "AlignedRealloc" => NativeMemoryCallRole.Reallocate,
            "Free" or "AlignedFree" => NativeMemoryCallRole.Release,
            _ => NativeMemoryCallRole.None,
        };
        if (role == NativeMemoryCallRole.None)
            return default;

        return new(role, HasTwin(method, fioMemory) ? method.Name : null);
    }

    /// <summary>The argument bound to a method's first parameter (the pointer of Realloc/Free), by ordinal.</summary>
    public static IArgumentOperation? PointerArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
                return argument;
        }

        return null;
    }

    // FioMemory has a static method of the same name whose parameter types match, in order.
    private static bool HasTwin(IMethodSymbol method, INamedTypeSymbol fioMemory)
    {
        foreach (var member in fioMemory.GetMembers(method.Name))
        {
            if (member is not IMethodSymbol { IsStatic: true } candidate || candidate.Parameters.Length != method.Parameters.Length)
                continue;
            bool same = true;
            for (int i = 0; i < method.Parameters.Length && same; i++)
                same = SymbolEqualityComparer.Default.Equals(candidate.Parameters[i].Type, method.Parameters[i].Type);
            if (same)
                return true;
        }

        return false;
    }
}
