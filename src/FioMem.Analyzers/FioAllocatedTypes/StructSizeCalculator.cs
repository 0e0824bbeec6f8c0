// Estimates sizeof(T) of an unmanaged struct from its fields, for FIO005.
using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.FioAllocatedTypes;

/// <summary>
/// Computes the size the runtime gives an unmanaged struct on a 64-bit process, the way the CLR lays out sequential
/// and explicit structs: fields in order, each aligned to its own alignment (capped by <c>Pack</c>), the total rounded
/// up to the largest alignment, at least <c>StructLayout.Size</c>, and an empty struct is one byte.
/// </summary>
/// <remarks>
/// Approximations: <c>LayoutKind.Auto</c> is treated as sequential (the runtime may reorder and shrink it); pointers and
/// native integers are 8 bytes; structs from referenced assemblies are measured from the fields their metadata shows,
/// which a reference assembly may trim (a few well-known BCL structs have their size built in). The result is
/// <see langword="null"/> when a field's type cannot be measured (error types, cycles in broken code).
/// </remarks>
internal static class StructSizeCalculator
{
    private const int MaxDepth = 64;

    private static readonly Dictionary<string, (int Size, int Alignment)> s_wellKnown = new(StringComparer.Ordinal)
    {
        ["System.Guid"] = (16, 4),
        ["System.DateTime"] = (8, 8),
        ["System.TimeSpan"] = (8, 8),
        ["System.DateTimeOffset"] = (16, 8),
        ["System.Half"] = (2, 2),
        ["System.Int128"] = (16, 16),
        ["System.UInt128"] = (16, 16),
        ["System.Numerics.Vector2"] = (8, 4),
        ["System.Numerics.Vector3"] = (12, 4),
        ["System.Numerics.Vector4"] = (16, 4),
        ["System.Numerics.Quaternion"] = (16, 4),
        ["System.Numerics.Matrix4x4"] = (64, 4),
    };

    /// <summary>The estimated <c>sizeof</c>, or <see langword="null"/> when it cannot be computed.</summary>
    public static long? SizeOf(INamedTypeSymbol type) => Measure(type, 0)?.Size;

    private static (long Size, int Alignment)? Measure(ITypeSymbol type, int depth)
    {
        if (depth > MaxDepth)
            return null;

        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean or SpecialType.System_Byte or SpecialType.System_SByte:
                return (1, 1);
            case SpecialType.System_Char or SpecialType.System_Int16 or SpecialType.System_UInt16:
                return (2, 2);
            case SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Single:
                return (4, 4);
            case SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Double
                or SpecialType.System_IntPtr or SpecialType.System_UIntPtr:
                return (8, 8);
            case SpecialType.System_Decimal:
                return (16, 8);
        }

        if (type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
            return (8, 8);

        if (type is not INamedTypeSymbol named || !named.IsValueType || type.TypeKind == TypeKind.Error)
            return null;

        if (named.TypeKind == TypeKind.Enum)
            return named.EnumUnderlyingType is { } underlying ? Measure(underlying, depth + 1) : null;

        if (s_wellKnown.TryGetValue(named.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty), out var known))
            return known;

        return MeasureStruct(named, depth);
    }

    private static (long Size, int Alignment)? MeasureStruct(INamedTypeSymbol type, int depth)
    {
        ReadLayout(type, out bool isExplicit, out int pack, out int minimumSize);

        long offset = 0;
        long end = 0;
        int alignment = 1;
        foreach (var member in type.GetMembers())
        {
            if (member is not IFieldSymbol { IsStatic: false, IsConst: false } field)
                continue;

            var measured = MeasureField(field, depth);
            if (measured is not { } fieldLayout)
                return null;

            int fieldAlignment = pack > 0 ? Math.Min(fieldLayout.Alignment, pack) : fieldLayout.Alignment;
            alignment = Math.Max(alignment, fieldAlignment);
            if (isExplicit)
            {
                end = Math.Max(end, FieldOffset(field) + fieldLayout.Size);
            }
            else
            {
                offset = AlignUp(offset, fieldAlignment) + fieldLayout.Size;
                end = offset;
            }
        }

        long size = Math.Max(AlignUp(end, alignment), minimumSize);
        return (Math.Max(size, 1), alignment);
    }

    private static (long Size, int Alignment)? MeasureField(IFieldSymbol field, int depth)
    {
        if (field.IsFixedSizeBuffer && field.Type is IPointerTypeSymbol buffer)
        {
            var element = Measure(buffer.PointedAtType, depth + 1);
            return element is { } e ? (e.Size * field.FixedSize, e.Alignment) : null;
        }

        return Measure(field.Type, depth + 1);
    }

    // [StructLayout(LayoutKind.Explicit/Sequential/Auto, Pack = n, Size = n)]; source symbols keep the attribute.
    private static void ReadLayout(INamedTypeSymbol type, out bool isExplicit, out int pack, out int minimumSize)
    {
        isExplicit = false;
        pack = 0;
        minimumSize = 0;
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.Name != "StructLayoutAttribute")
                continue;

            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int kind)
                isExplicit = kind == 2; // LayoutKind.Explicit
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "Pack" && named.Value.Value is int p)
                    pack = p;
                else if (named.Key == "Size" && named.Value.Value is int s)
                    minimumSize = s;
            }
        }
    }

    private static long FieldOffset(IFieldSymbol field)
    {
        foreach (var attribute in field.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "FieldOffsetAttribute" && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is int offset)
            {
                return offset;
            }
        }

        return 0;
    }

    private static long AlignUp(long value, int alignment) => alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;
}
