// The warnings a fix attaches to syntax whose run-time behaviour it changes, shown by the IDE in the fix's preview.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;

namespace FioMem.CodeFixes.Common;

/// <summary>
/// <see cref="WarningAnnotation"/>s for rewrites that do not keep behaviour exactly: the fix still makes them, and the
/// IDE shows the text beside the changed code so the user can decide.
/// </summary>
internal static class BehaviourWarnings
{
    /// <summary>The text of <see cref="LongLived"/>.</summary>
    public const string LongLivedText =
        "FioMemory.AllocLongLived takes the memory straight from the system, outside FioMem's blocks: it is not sliced "
        + "from a block, and it never goes back to a block for reuse.";

    /// <summary>The text of <see cref="ProductOverflow"/>.</summary>
    public const string ProductOverflowText =
        "count * size is now computed in a checked context: an overflow throws OverflowException, where "
        + "FioMemory.Alloc(count, size) and AllocZeroed(count, size) throw OutOfMemoryException.";

    /// <summary>On a call rewritten to <c>FioMemory.AllocLongLived</c>.</summary>
    public static SyntaxAnnotation LongLived() => WarningAnnotation.Create(LongLivedText);

    /// <summary>On a <c>checked(count * size)</c> that replaces <c>Alloc(count, size)</c>'s own overflow check.</summary>
    public static SyntaxAnnotation ProductOverflow() => WarningAnnotation.Create(ProductOverflowText);
}
