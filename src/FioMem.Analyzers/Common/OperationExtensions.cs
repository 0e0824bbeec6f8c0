// Small IOperation helpers shared by FIO001, FIO006 and FIO007.
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.Common;

internal static class OperationExtensions
{
    /// <summary>Skips the conversions (implicit or written) wrapped around <paramref name="operation"/>.</summary>
    [MethodImpl(Hot.Optimized)]
    public static IOperation WithoutConversions(this IOperation operation)
    {
        while (operation is IConversionOperation conversion)
            operation = conversion.Operand;
        return operation;
    }

    /// <summary>The local or parameter <paramref name="operation"/> reads, if it is a plain variable reference.</summary>
    [MethodImpl(Hot.Optimized)]
    public static ISymbol? ReferencedVariable(this IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    /// <summary>Whether <paramref name="type"/> holds an address: a pointer, a function pointer or a native-sized integer.</summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsAddressLike(this ITypeSymbol? type) => type is not null && (
        type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer
        || type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr
            or SpecialType.System_Int64 or SpecialType.System_UInt64);
}
