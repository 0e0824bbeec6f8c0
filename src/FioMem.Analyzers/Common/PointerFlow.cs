// Small helpers the allocator analyzers share to follow a pointer value through casts.
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
    /// <summary>The operation a value comes from once its conversions and parentheses are peeled off.</summary>
    [MethodImpl(Hot.Optimized)]
    public static IOperation StripConversions(IOperation operation)
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
    /// The variable (local or field) an operation reads or writes, when it is a plain reference to one.
    /// Field references through anything but <c>this</c> or a type name are not plain: another object's field is
    /// a different storage location.
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    public static ISymbol? ReferencedVariable(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation => field.Field,
        _ => null,
    };

    /// <summary>True when <paramref name="operation"/> is a null, zero or default constant (no address at all).</summary>
    [MethodImpl(Hot.Optimized)]
    public static bool IsNullConstant(IOperation operation) =>
        operation is IDefaultValueOperation
        || (operation.ConstantValue.HasValue && operation.ConstantValue.Value is null or 0 or 0L or 0U or 0UL);
}
