// The IMemoryPoolFactory<byte> Kestrel asks for its transport's pools.
using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace FioMem.AspNetCore;

/// <summary>
/// Creates the memory pools ASP.NET Core's transports rent their buffers from: each is a <see cref="FioMemoryPool"/>,
/// so the buffers are FioMem native memory. Register it with
/// <see cref="Microsoft.Extensions.DependencyInjection.FioMemoryPoolServiceCollectionExtensions.AddFioMemoryPool(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>,
/// which also hands FioMem the host's <see cref="FioMemOptions"/> before the first pool is created.
/// </summary>
public sealed class FioMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    /// <summary>Applies the host's settings before the first pool; null when the factory is created by hand.</summary>
    private readonly FioMemSettingsApplier? _settings;

    /// <summary>A factory that leaves FioMem's settings to <c>runtimeconfig.json</c> and the environment.</summary>
    public FioMemoryPoolFactory()
    {
    }

    /// <summary>The factory <c>AddFioMemoryPool</c> registers: the first pool applies the host's settings.</summary>
    internal FioMemoryPoolFactory(FioMemSettingsApplier settings) => _settings = settings;

    /// <summary>Creates a <see cref="FioMemoryPool"/>. All of them share FioMem's allocator; disposing one (as Kestrel
    /// does when it stops) only stops that pool renting.</summary>
    /// <param name="options">Who the pool is for; FioMem pools need no options.</param>
    /// <returns>A new pool.</returns>
    /// <exception cref="System.InvalidOperationException">The host's FioMem settings are not valid, or FioMem read
    /// different ones before (see <see cref="FioMemOptions"/>).</exception>
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        _settings?.EnsureApplied();
        return new FioMemoryPool();
    }
}
