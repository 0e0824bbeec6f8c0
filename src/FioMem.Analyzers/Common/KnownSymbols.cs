// FioMem's, NativeMemory's and Marshal's symbols, resolved once per compilation, and the questions the analyzers ask about a call.
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
        INamedTypeSymbol? nativeMemory,
        INamedTypeSymbol? marshal,
        int blockSize)
    {
        FioMemory = fioMemory;
        FioAlloc = fioAlloc;
        FioAllocatedAttribute = fioAllocatedAttribute;
        NativeMemory = nativeMemory;
        Marshal = marshal;
        BlockSize = blockSize;
    }

    /// <summary><c>FioMem.FioMemory</c>.</summary>
    public INamedTypeSymbol FioMemory { get; }

    /// <summary>The open generic <c>FioMem.FioAlloc&lt;T&gt;</c>, if the referenced FioMem has it.</summary>
    public INamedTypeSymbol? FioAlloc { get; }

    /// <summary><c>FioMem.FioAllocatedAttribute</c>, if the referenced FioMem has it.</summary>
    public INamedTypeSymbol? FioAllocatedAttribute { get; }

    /// <summary><c>System.Runtime.InteropServices.NativeMemory</c>.</summary>
    public INamedTypeSymbol? NativeMemory { get; }

    /// <summary><c>System.Runtime.InteropServices.Marshal</c>.</summary>
    public INamedTypeSymbol? Marshal { get; }

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
            compilation.GetTypeByMetadataName("System.Runtime.InteropServices.NativeMemory"),
            compilation.GetTypeByMetadataName("System.Runtime.InteropServices.Marshal"),
            blockSize);
    }

    /// <summary>True when <paramref name="method"/> is declared on <paramref name="type"/>.</summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsOn(IMethodSymbol method, INamedTypeSymbol? type) =>
        type is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, type);

    /// <summary>
    /// Whether <paramref name="method"/> hands out memory from FioMem's blocks: <c>FioMemory.Alloc*</c> and
    /// <c>Realloc</c> (not <c>AllocLongLived</c>), <c>FioAlloc&lt;T&gt;.New*</c>, and the generated
    /// <c>T.New</c>/<c>T.NewArray</c> of a <c>[FioAllocated]</c> struct.
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    public bool IsBlockAllocation(IMethodSymbol method)
    {
        if (!method.IsStatic)
            return false;
        var type = method.ContainingType;
        if (type is null)
            return false;

        if (SymbolEqualityComparer.Default.Equals(type, FioMemory))
            return method.Name is "Alloc" or "AllocZeroed" or "Realloc";

        if (IsFioAlloc(type))
            return method.Name is "New" or "NewArray" or "NewOwned";

        return method.Name is "New" or "NewArray" && IsFioAllocatedStruct(type);
    }

    /// <summary>Whether <paramref name="method"/> is <c>FioMemory.Alloc</c> or <c>AllocZeroed</c> (either overload).</summary>
    [MethodImpl(Hot.Optimized)]
    public bool IsDirectAlloc(IMethodSymbol method) =>
        method.IsStatic
        && method.Name is "Alloc" or "AllocZeroed"
        && SymbolEqualityComparer.Default.Equals(method.ContainingType, FioMemory);

    /// <summary>
    /// Whether <paramref name="method"/> releases FioMem memory: <c>FioMemory.Free</c>, <c>FioAlloc&lt;T&gt;.Free</c>
    /// and <c>FreeArray</c>, and the generated <c>T.Free</c>/<c>T.FreeArray</c>.
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    public bool IsFree(IMethodSymbol method)
    {
        if (!method.IsStatic || method.ContainingType is not { } type)
            return false;

        if (SymbolEqualityComparer.Default.Equals(type, FioMemory))
            return method.Name == "Free";

        return method.Name is "Free" or "FreeArray" && (IsFioAlloc(type) || IsFioAllocatedStruct(type));
    }

    /// <summary>Whether <paramref name="method"/> resizes FioMem memory: <c>FioMemory.Realloc</c> or <c>FioAlloc&lt;T&gt;.Resize</c>.</summary>
    [MethodImpl(Hot.Optimized)]
    public bool IsResize(IMethodSymbol method)
    {
        if (!method.IsStatic || method.ContainingType is not { } type)
            return false;

        if (SymbolEqualityComparer.Default.Equals(type, FioMemory))
            return method.Name == "Realloc";

        return method.Name == "Resize" && IsFioAlloc(type);
    }

    [MethodImpl(Hot.Optimized)]
    private bool IsFioAlloc(INamedTypeSymbol type) =>
        FioAlloc is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, FioAlloc);

    /// <summary>A struct carrying <c>[FioAllocated]</c>, whose generated static members allocate and free it.</summary>
    [MethodImpl(Hot.Optimized)]
    private bool IsFioAllocatedStruct(INamedTypeSymbol type)
    {
        if (FioAllocatedAttribute is null || type.TypeKind != TypeKind.Struct)
            return false;

        foreach (var attribute in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, FioAllocatedAttribute))
                return true;
        }

        return false;
    }
}
