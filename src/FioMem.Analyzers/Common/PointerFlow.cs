// The pointer-flow helpers every allocator rule shares: following a value through casts, and what can hold an address.
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.Common;

/// <summary>
/// Follows a pointer value through conversions in both directions: down to where it came from, up to what uses it.
/// Casts between <c>void*</c>, typed pointers, <c>nint</c> and <c>IntPtr</c> keep the address, so they are see-through.
/// </summary>
internal static class PointerFlow
{
    /// <summary>The operation a value comes from once its conversions (implicit or written) are peeled off.</summary>
    /// <remarks>C# has no parenthesized operation (only Visual Basic does), so conversions are all there is to peel.</remarks>
    [MethodImpl(Hot.Optimized)]
    public static IOperation StripConversions(this IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>
    /// The outermost conversion, parenthesis or conditional expression (as one of its branches) wrapping
    /// <paramref name="operation"/>; its <see cref="IOperation.Parent"/> is what consumes the value. In
    /// <c>p = c ? Alloc(n) : Realloc(p, n)</c> both calls flow into <c>p</c>.
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    public static IOperation OutermostValueWrapper(IOperation operation)
    {
        while (true)
        {
            switch (operation.Parent)
            {
                case IConversionOperation or IParenthesizedOperation:
                    operation = operation.Parent;
                    break;
                case IConditionalOperation { Type: not null } conditional
                    when conditional.WhenTrue == operation || conditional.WhenFalse == operation:
                    operation = conditional;
                    break;
                case ICoalesceOperation coalesce when coalesce.Value == operation || coalesce.WhenNull == operation:
                    operation = coalesce;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>True for the types an address travels in: pointers, <c>nint</c>/<c>IntPtr</c>, <c>nuint</c>/<c>UIntPtr</c>.</summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsAddressType(ITypeSymbol? type) =>
        type is IPointerTypeSymbol
        || type?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr;

    /// <summary>
    /// Whether <paramref name="type"/> can hold an address without losing bits: a pointer, a function pointer, a
    /// native-sized integer, or a 64-bit integer (<c>(long)p</c>).
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsAddressOrWideInteger(this ITypeSymbol? type) => type is not null && (
        type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer
        || type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr
            or SpecialType.System_Int64 or SpecialType.System_UInt64);

    /// <summary>The local or parameter <paramref name="operation"/> reads, if it is a plain variable reference.</summary>
    [MethodImpl(Hot.Optimized)]
    public static ISymbol? ReferencedLocalOrParameter(this IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    /// <summary>
    /// True when <paramref name="operation"/> is no address at all: <c>null</c>, <c>default</c>, a zero constant
    /// (<c>0</c>, <c>(void*)0</c>), <c>IntPtr.Zero</c>/<c>nint.Zero</c>/<c>UIntPtr.Zero</c> or <c>new IntPtr(0)</c>.
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsNullConstant(IOperation operation)
    {
        switch (operation)
        {
            case IDefaultValueOperation:
                return true;
            case IFieldReferenceOperation { Field: { IsStatic: true, Name: "Zero" } field }:
                return field.ContainingType?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr;
            case IObjectCreationOperation { Arguments.Length: 1 } creation
                when creation.Type?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr:
                return IsNullConstant(creation.Arguments[0].Value.StripConversions());
            default:
                return operation.ConstantValue.HasValue && operation.ConstantValue.Value is null or 0 or 0L or 0U or 0UL;
        }
    }
}
