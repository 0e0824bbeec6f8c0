// What a NativeMemory call does to a pointer, and which FioMemory call can replace it.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FioMem.Analyzers.Migration;

/// <summary>A classified <c>NativeMemory</c> call: its role and the FioMemory method that can serve it, if any.</summary>
internal readonly struct NativeMemoryCall
{
    /// <summary>Largest alignment FioMem guarantees for every allocation (<c>FioMemory.Alignment</c>).</summary>
    public const ulong FioAlignment = 16;

    private NativeMemoryCall(NativeMemoryCallRole role, string? fioMethod, bool dropsAlignment, string? reason)
    {
        Role = role;
        FioMethod = fioMethod;
        DropsAlignment = dropsAlignment;
        IneligibleReason = reason;
    }

    /// <summary>What the call does with memory.</summary>
    public NativeMemoryCallRole Role { get; }

    /// <summary>The <c>FioMemory</c> method with the same meaning, or <see langword="null"/> when FioMem cannot serve it.</summary>
    public string? FioMethod { get; }

    /// <summary>True for <c>AlignedAlloc(n, a)</c>: the rewrite keeps only <c>n</c>.</summary>
    public bool DropsAlignment { get; }

    /// <summary>Why FioMem cannot serve the call; <see langword="null"/> when it can.</summary>
    public string? IneligibleReason { get; }

    /// <summary>Classifies a call to a <c>NativeMemory</c> method.</summary>
    public static NativeMemoryCall Classify(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        int arguments = method.Parameters.Length;
        switch (method.Name)
        {
            case "Alloc" or "AllocZeroed" when arguments is 1 or 2:
                return new(NativeMemoryCallRole.Allocate, method.Name, dropsAlignment: false, reason: null);
            case "Realloc" when arguments == 2:
                return new(NativeMemoryCallRole.Reallocate, "Realloc", dropsAlignment: false, reason: null);
            case "Free" when arguments == 1:
                return new(NativeMemoryCallRole.Release, "Free", dropsAlignment: false, reason: null);
            case "AlignedFree" when arguments == 1:
                return new(NativeMemoryCallRole.Release, "Free", dropsAlignment: false, reason: null);
            case "AlignedAlloc" when arguments == 2:
                return IsServableAlignment(AlignmentArgument(invocation))
                    ? new(NativeMemoryCallRole.Allocate, "Alloc", dropsAlignment: true, reason: null)
                    : new(NativeMemoryCallRole.Allocate, null, dropsAlignment: false, reason: "alignment is not a constant power of two up to 16");
            case "AlignedRealloc":
                return new(NativeMemoryCallRole.Reallocate, null, dropsAlignment: false, reason: "FioMem has no aligned reallocation");
            default:
                return default;
        }
    }

    /// <summary>The argument bound to a method's first parameter (the pointer of Realloc/Free), by ordinal.</summary>
    public static IArgumentOperation? PointerArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
                return argument;
        }

        return null;
    }

    private static IOperation? AlignmentArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 1)
                return argument.Value;
        }

        return null;
    }

    private static bool IsServableAlignment(IOperation? alignment)
    {
        if (alignment is null || !alignment.ConstantValue.HasValue)
            return false;

        ulong value;
        switch (alignment.ConstantValue.Value)
        {
            case ulong u: value = u; break;
            case uint u: value = u; break;
            case int i when i > 0: value = (ulong)i; break;
            case long l when l > 0: value = (ulong)l; break;
            case System.UIntPtr up: value = up.ToUInt64(); break;
            case System.IntPtr ip when ip.ToInt64() > 0: value = (ulong)ip.ToInt64(); break;
            default: return false;
        }

        return value is > 0 and <= FioAlignment && (value & (value - 1)) == 0;
    }
}
