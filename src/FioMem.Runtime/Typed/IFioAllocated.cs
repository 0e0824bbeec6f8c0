// What the generator implements for every [FioAllocated] struct.
namespace FioMem;

/// <summary>
/// Implemented by FioMem's source generator for every <see cref="FioAllocatedAttribute"/> struct; it is what lets
/// <see cref="FioAlloc{T}"/> take the type. Do not implement it by hand.
/// </summary>
/// <typeparam name="TSelf">The marked struct itself.</typeparam>
public interface IFioAllocated<TSelf> where TSelf : unmanaged, IFioAllocated<TSelf>
{
    /// <summary>The type's display name, used in checked-mode reports.</summary>
    static abstract string FioTypeName { get; }
}
