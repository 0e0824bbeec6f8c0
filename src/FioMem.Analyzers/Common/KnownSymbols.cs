// FioMem's, NativeMemory's and Marshal's symbols, resolved once per compilation (FioMemCalls classifies calls with them).
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.Common;

/// <summary>
/// The FioMem types a compilation references, looked up once at compilation start so that per-operation checks
/// compare symbols instead of names. <see cref="TryCreate"/> returns <see langword="null"/> when FioMem is not
/// referenced, which is how the analyzers stay silent (and cheap) in projects that do not use it.
/// </summary>
internal sealed class KnownSymbols
{
    /// <summary>FioMem.FioMemory.BlockSize, used when the constant cannot be read from the reference.</summary>
    private const int DefaultBlockSize = 131072;

    private KnownSymbols(
        INamedTypeSymbol fioMemory,
        INamedTypeSymbol? fioAlloc,
        INamedTypeSymbol? fioAllocatedAttribute,
        INamedTypeSymbol? fioAllocatedInterface,
        INamedTypeSymbol? fioOwned,
        INamedTypeSymbol? nativeMemory,
        INamedTypeSymbol? marshal,
        INamedTypeSymbol? fioHeap,
        int blockSize)
    {
        FioMemory = fioMemory;
        FioAlloc = fioAlloc;
        FioAllocatedAttribute = fioAllocatedAttribute;
        IFioAllocated = fioAllocatedInterface;
        FioOwned = fioOwned;
        NativeMemory = nativeMemory;
        Marshal = marshal;
        FioHeap = fioHeap;
        BlockSize = blockSize;
    }

    /// <summary><c>FioMem.FioMemory</c>.</summary>
    public INamedTypeSymbol FioMemory { get; }

    /// <summary>The open generic <c>FioMem.FioAlloc&lt;T&gt;</c>, if the referenced FioMem has it.</summary>
    public INamedTypeSymbol? FioAlloc { get; }

    /// <summary><c>FioMem.FioAllocatedAttribute</c>, if the referenced FioMem has it.</summary>
    public INamedTypeSymbol? FioAllocatedAttribute { get; }

    /// <summary>The open generic <c>FioMem.IFioAllocated&lt;TSelf&gt;</c>, if the referenced FioMem has it.</summary>
    public INamedTypeSymbol? IFioAllocated { get; }

    /// <summary>The open generic <c>FioMem.FioOwned&lt;T&gt;</c>, if the referenced FioMem has it.</summary>
    public INamedTypeSymbol? FioOwned { get; }

    /// <summary><c>System.Runtime.InteropServices.NativeMemory</c>.</summary>
    public INamedTypeSymbol? NativeMemory { get; }

    /// <summary><c>System.Runtime.InteropServices.Marshal</c>.</summary>
    public INamedTypeSymbol? Marshal { get; }

    /// <summary><c>FioMem.FioHeap</c>, if the referenced FioMem has it.</summary>
    public INamedTypeSymbol? FioHeap { get; }

    /// <summary>The size of the block a small allocation keeps reserved, read from <c>FioMemory.BlockSize</c>.</summary>
    public int BlockSize { get; }

    /// <summary>Resolves FioMem's types in <paramref name="compilation"/>, or returns null when FioMem is not referenced.</summary>
    public static KnownSymbols? TryCreate(Compilation compilation)
    {
        var fioMemory = compilation.GetTypeByMetadataName("FioMem.FioMemory");
        if (fioMemory is null)
            return null;

        int blockSize = DefaultBlockSize;
        foreach (var member in fioMemory.GetMembers("BlockSize"))
        {
            if (member is IFieldSymbol { HasConstantValue: true, ConstantValue: int value } && value > 0)
                blockSize = value;
        }

        return new KnownSymbols(
            fioMemory,
            compilation.GetTypeByMetadataName("FioMem.FioAlloc`1"),
            compilation.GetTypeByMetadataName("FioMem.FioAllocatedAttribute"),
            compilation.GetTypeByMetadataName("FioMem.IFioAllocated`1"),
            compilation.GetTypeByMetadataName("FioMem.FioOwned`1"),
            compilation.GetTypeByMetadataName("System.Runtime.InteropServices.NativeMemory"),
            compilation.GetTypeByMetadataName("System.Runtime.InteropServices.Marshal"),
            compilation.GetTypeByMetadataName("FioMem.FioHeap"),
            blockSize);
    }

    /// <summary>True when <paramref name="method"/> is declared on <paramref name="type"/>.</summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsOn(IMethodSymbol method, INamedTypeSymbol? type) =>
        type is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, type);

    /// <summary>True when <paramref name="type"/> is <paramref name="definition"/> or a construction of it.</summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsOn(INamedTypeSymbol type, INamedTypeSymbol? definition) =>
        definition is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, definition);

    /// <summary>
    /// A struct the generator gives FioMem's shorthand members: it carries <c>[FioAllocated]</c> or implements
    /// <c>IFioAllocated&lt;T&gt;</c> of itself (what the generator adds to it).
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    public bool IsFioAllocatedStruct(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Struct)
            return false;

        if (FioAllocatedAttribute is not null)
        {
            foreach (var attribute in type.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, FioAllocatedAttribute))
                    return true;
            }
        }

        if (IFioAllocated is not null)
        {
            foreach (var implemented in type.Interfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, IFioAllocated)
                    && SymbolEqualityComparer.Default.Equals(implemented.TypeArguments[0], type))
                    return true;
            }
        }

        return false;
    }
}
