// A flag that operation actions of one operation block set and its block-end action reads.
using System.Threading;

namespace FioMem.Analyzers.Common;

/// <summary>
/// Set by an operation action registered in an operation-block-start action, read by the matching block-end action.
/// The driver may run a block's operation actions on several threads, so the write is a volatile store.
/// </summary>
internal sealed class MemberFlag
{
    private int _set;

    /// <summary>Whether <see cref="Set"/> was called.</summary>
    public bool IsSet => Volatile.Read(ref _set) != 0;

    /// <summary>Raises the flag.</summary>
    public void Set() => Volatile.Write(ref _set, 1);
}
