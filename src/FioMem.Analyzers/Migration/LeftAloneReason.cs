// Why FIO003 leaves a NativeMemory call as it is: one value per row of docs/diagnostics/FIO003.md.
namespace FioMem.Analyzers.Migration;

/// <summary>
/// Why a <c>NativeMemory</c> call stays as it is (no diagnostic is reported for it). Most reasons are <em>outflows</em>:
/// the memory can reach a release FioMem does not control, so the group's allocations and reallocations stay. The
/// <em>inflows</em> (<see cref="LeftAloneReasons.IsInflow"/>) say only that a value comes from outside: FioMemory's
/// releases hand memory FioMem did not allocate back to NativeMemory, so they keep nothing where they are.
/// </summary>
internal enum LeftAloneReason
{
    /// <summary>Not left alone.</summary>
    None,

    /// <summary>A call FioMemory has no twin for (in the referenced FioMem version), e.g. <c>AlignedAlloc</c> before FioMem had it.</summary>
    NoFioMemoryTwin,

    /// <summary>A call of the group is in generated code, which a fix must not edit.</summary>
    GeneratedCode,

    /// <summary>Inflow: a parameter of a member that code outside the compilation can call (a library's public API).</summary>
    ParameterOfPublicMember,

    /// <summary>Returned from a member that code outside the compilation can call.</summary>
    ReturnedFromPublicMember,

    /// <summary>Kept in a field or property that code outside the compilation can read and write.</summary>
    PublicStorage,

    /// <summary>Inflow: a value from outside the compilation: a P/Invoke or an external method's result, an external field.</summary>
    ExternalValue,

    /// <summary>Passed to a P/Invoke (native code may free it).</summary>
    PassedToNativeCode,

    /// <summary>Passed to a method of another assembly that may keep or free it.</summary>
    PassedToExternalMethod,

    /// <summary>Passed to a delegate or function pointer call, or returned from a lambda.</summary>
    DelegateOrFunctionPointer,

    /// <summary>Inflow: the result of a delegate or function pointer call, or a lambda's parameter.</summary>
    FromDelegateOrFunctionPointer,

    /// <summary>Returned from a method that is used as a method group (delegate, <c>&amp;M</c>): whoever calls it gets the memory.</summary>
    MethodGroup,

    /// <summary>Inflow: a parameter of a method used as a method group, which whoever gets the delegate may call.</summary>
    ParameterOfMethodGroup,

    /// <summary>Stored where the analysis does not follow: through a pointer, in a tuple, a collection, an unknown array.</summary>
    UnfollowedStorage,

    /// <summary>The address of a variable holding the memory is taken (<c>&amp;p</c>), so anything may write it.</summary>
    AddressTaken,

    /// <summary>A pointer computed from the memory (<c>p + n</c>) is released, reallocated or handed out.</summary>
    InteriorPointer,

    /// <summary>Returned from (or kept in a property that) overrides or implements a member of another assembly, whose callers get the memory.</summary>
    OverridesExternalMember,

    /// <summary>Inflow: a parameter of an override or implementation of another assembly's member, which passes pointers of its own.</summary>
    ParameterOfExternalOverride,

    /// <summary>A release or reallocation the memory reaches stays on NativeMemory (it is in generated code, or FioMemory has no twin for it).</summary>
    ReleaseStaysOnNativeMemory,

    /// <summary>Never freed, and FioMemory has no long-lived twin for the allocation (aligned, two-argument, reallocated).</summary>
    NeverFreedWithoutLongLivedTwin,

    /// <summary>Never freed, in a multi-targeting project: <c>AllocLongLived</c> has no NativeMemory twin for the other targets.</summary>
    NeverFreedInMultiTargetProject,

    /// <summary>A multi-targeting project whose FioMem target does not define <c>FIOMEM</c>: no fix compiles on every target.</summary>
    MultiTargetWithoutFioMemSymbol,
}

/// <summary>Questions about <see cref="LeftAloneReason"/> values.</summary>
internal static class LeftAloneReasons
{
    /// <summary>
    /// True for a reason that only says a value comes from outside the analysis: it keeps nothing on NativeMemory, since
    /// FioMemory's releases hand memory FioMem did not allocate back to NativeMemory.
    /// </summary>
    public static bool IsInflow(LeftAloneReason reason) => reason is LeftAloneReason.ExternalValue
        or LeftAloneReason.ParameterOfPublicMember or LeftAloneReason.FromDelegateOrFunctionPointer
        or LeftAloneReason.ParameterOfMethodGroup or LeftAloneReason.ParameterOfExternalOverride;

    /// <summary>Why a call stays, in words: the wording of FIO003's documentation, for reports.</summary>
    public static string Describe(LeftAloneReason reason) => reason switch
    {
        LeftAloneReason.NoFioMemoryTwin => "FioMemory has no twin for this call",
        LeftAloneReason.GeneratedCode => "the call is in generated code, which a fix must not edit",
        LeftAloneReason.ParameterOfPublicMember => "the memory is a parameter of a public member (other assemblies pass their own)",
        LeftAloneReason.ReturnedFromPublicMember => "the memory is returned from a public member, and other assemblies may free it",
        LeftAloneReason.PublicStorage => "the memory is kept in public storage other assemblies can read and write",
        LeftAloneReason.ExternalValue => "the pointer comes from outside the compilation (a P/Invoke, another assembly)",
        LeftAloneReason.PassedToNativeCode => "the memory is passed to native code, which may free it",
        LeftAloneReason.PassedToExternalMethod => "the memory is passed to another assembly's method that may keep or free it",
        LeftAloneReason.DelegateOrFunctionPointer => "the memory is passed to a delegate or function pointer, or returned from a lambda",
        LeftAloneReason.FromDelegateOrFunctionPointer => "the pointer comes from a delegate or function pointer",
        LeftAloneReason.MethodGroup => "the memory is returned from a method used as a delegate or function pointer",
        LeftAloneReason.ParameterOfMethodGroup => "the pointer is a parameter of a method used as a delegate or function pointer",
        LeftAloneReason.UnfollowedStorage => "the memory is stored or used where the analysis does not follow it",
        LeftAloneReason.AddressTaken => "the address of a variable holding the memory is taken",
        LeftAloneReason.InteriorPointer => "a pointer computed from the memory is released, reallocated or handed out",
        LeftAloneReason.OverridesExternalMember => "the memory is returned from an override of another assembly's member, whose callers get it",
        LeftAloneReason.ParameterOfExternalOverride => "the pointer is a parameter of an override of another assembly's member",
        LeftAloneReason.ReleaseStaysOnNativeMemory => "a release or reallocation of the memory stays on NativeMemory (generated code, or no FioMemory twin)",
        LeftAloneReason.NeverFreedWithoutLongLivedTwin => "the memory is never freed and FioMemory has no long-lived twin for it",
        LeftAloneReason.NeverFreedInMultiTargetProject => "the memory is never freed, in a multi-targeting project",
        LeftAloneReason.MultiTargetWithoutFioMemSymbol => "a multi-targeting project whose FioMem target does not define FIOMEM",
        _ => "left alone",
    };
}
