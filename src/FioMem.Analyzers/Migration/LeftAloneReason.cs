// Why FIO003 leaves a pointer group on NativeMemory: one value per row of docs/diagnostics/FIO003.md.
namespace FioMem.Analyzers.Migration;

/// <summary>Why a group of <c>NativeMemory</c> calls stays as it is (no diagnostic is reported for it).</summary>
internal enum LeftAloneReason
{
    /// <summary>Not left alone.</summary>
    None,

    /// <summary>A call FioMemory has no twin for (in the referenced FioMem version), e.g. <c>AlignedAlloc</c> before FioMem had it.</summary>
    NoFioMemoryTwin,

    /// <summary>A call of the group is in generated code, which a fix must not edit.</summary>
    GeneratedCode,

    /// <summary>A parameter of a member that code outside the compilation can call (a library's public API).</summary>
    ParameterOfPublicMember,

    /// <summary>Returned from a member that code outside the compilation can call.</summary>
    ReturnedFromPublicMember,

    /// <summary>Kept in a field or property that code outside the compilation can read and write.</summary>
    PublicStorage,

    /// <summary>A value from outside the compilation: a P/Invoke or an external method's result, an external field.</summary>
    ExternalValue,

    /// <summary>Passed to a P/Invoke (native code may free it).</summary>
    PassedToNativeCode,

    /// <summary>Passed to a method of another assembly that may keep or free it.</summary>
    PassedToExternalMethod,

    /// <summary>Passed to or returned by a delegate or function pointer call, or a lambda's parameter or result.</summary>
    DelegateOrFunctionPointer,

    /// <summary>A method whose parameters or result carry the memory is used as a method group (delegate, <c>&amp;M</c>).</summary>
    MethodGroup,

    /// <summary>Stored where the analysis does not follow: through a pointer, in a tuple, a collection, an unknown array.</summary>
    UnfollowedStorage,

    /// <summary>The address of a variable holding the memory is taken (<c>&amp;p</c>), so anything may write it.</summary>
    AddressTaken,

    /// <summary>A pointer computed from the memory (<c>p + n</c>) is released, reallocated or handed out.</summary>
    InteriorPointer,

    /// <summary>Overrides or implements a member of another assembly, which calls it with its own pointers.</summary>
    OverridesExternalMember,

    /// <summary>Never freed, and FioMemory has no long-lived twin for the allocation (aligned, two-argument, reallocated).</summary>
    NeverFreedWithoutLongLivedTwin,

    /// <summary>Never freed, in a multi-targeting project: <c>AllocLongLived</c> has no NativeMemory twin for the other targets.</summary>
    NeverFreedInMultiTargetProject,

    /// <summary>A multi-targeting project whose FioMem target does not define <c>FIOMEM</c>: no fix compiles on every target.</summary>
    MultiTargetWithoutFioMemSymbol,

    /// <summary>Only releases in the group (for instance <c>Free(null)</c> or a pointer of unknown origin): nothing to migrate.</summary>
    NoAllocation,
}
