// The FioMem, NativeMemory and Marshal symbols the FIO002–FIO005 analyzers look for, resolved once per compilation.
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.Common;

/// <summary>
/// Resolves the types the analyzers match calls and attributes against. <see cref="TryCreate"/> fails when the
/// compilation does not reference FioMem, so every analyzer bails out at compilation start and costs nothing there.
/// </summary>
internal sealed class FioMemSymbols
{
    private FioMemSymbols(
        INamedTypeSymbol fioMemory,
        INamedTypeSymbol? fioAlloc,
        INamedTypeSymbol? fioAllocatedAttribute,
        INamedTypeSymbol? nativeMemory,
        INamedTypeSymbol? marshal)
    {
        FioMemory = fioMemory;
        FioAlloc = fioAlloc;
        FioAllocatedAttribute = fioAllocatedAttribute;
        NativeMemory = nativeMemory;
        Marshal = marshal;
    }

    /// <summary><c>FioMem.FioMemory</c>; always present (its absence means FioMem is not referenced).</summary>
    public INamedTypeSymbol FioMemory { get; }

    /// <summary><c>FioMem.FioAlloc&lt;T&gt;</c> (unbound definition).</summary>
    public INamedTypeSymbol? FioAlloc { get; }

    /// <summary><c>FioMem.FioAllocatedAttribute</c>.</summary>
    public INamedTypeSymbol? FioAllocatedAttribute { get; }

    /// <summary><c>System.Runtime.InteropServices.NativeMemory</c>.</summary>
    public INamedTypeSymbol? NativeMemory { get; }

    /// <summary><c>System.Runtime.InteropServices.Marshal</c>.</summary>
    public INamedTypeSymbol? Marshal { get; }

    /// <summary>Resolves the symbols; returns <see langword="null"/> when FioMem is not referenced.</summary>
    public static FioMemSymbols? TryCreate(Compilation compilation)
    {
        var fioMemory = compilation.GetTypeByMetadataName("FioMem.FioMemory");
        if (fioMemory is null)
            return null;

        return new FioMemSymbols(
            fioMemory,
            compilation.GetTypeByMetadataName("FioMem.FioAlloc`1"),
            compilation.GetTypeByMetadataName("FioMem.FioAllocatedAttribute"),
            compilation.GetTypeByMetadataName("System.Runtime.InteropServices.NativeMemory"),
            compilation.GetTypeByMetadataName("System.Runtime.InteropServices.Marshal"));
    }

    /// <summary>True when <paramref name="method"/> is declared on <paramref name="type"/>.</summary>
    public static bool IsOn(IMethodSymbol method, INamedTypeSymbol? type) =>
        type is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, type);
}
