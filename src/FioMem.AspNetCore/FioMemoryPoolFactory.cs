// The IMemoryPoolFactory<byte> Kestrel asks for its transport's pools.
using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace FioMem.AspNetCore;

/// <summary>
/// Creates the memory pools ASP.NET Core's transports rent their buffers from: each is a <see cref="FioMemoryPool"/>,
/// so the buffers are FioMem native memory. Register it with
/// <see cref="Microsoft.Extensions.DependencyInjection.FioMemoryPoolServiceCollectionExtensions.AddFioMemoryPool"/>.
/// </summary>
public sealed class FioMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    /// <summary>Creates a <see cref="FioMemoryPool"/>. All of them share FioMem's allocator; disposing one (as Kestrel
    /// does when it stops) only stops that pool renting.</summary>
    /// <param name="options">Who the pool is for; FioMem pools need no options.</param>
    /// <returns>A new pool.</returns>
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new FioMemoryPool();
}
