// services.AddFioMemoryPool(): in the namespace of ASP.NET Core's own Add… methods, so it needs no using.
using FioMem.AspNetCore;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers FioMem as the memory pool of ASP.NET Core's transports.</summary>
public static class FioMemoryPoolServiceCollectionExtensions
{
    /// <summary>
    /// Makes Kestrel take its transport buffers from <see cref="FioMem.FioMemoryPool"/>: replaces any registered
    /// <see cref="IMemoryPoolFactory{T}"/> of bytes with a <see cref="FioMemoryPoolFactory"/>, and adds FioMem's socket
    /// transport for TCP and Unix-domain endpoints and listening sockets passed by handle, which Kestrel then prefers
    /// to its own.
    /// </summary>
    /// <remarks>
    /// Kestrel's own socket transport needs array-backed buffers to send a response that spans several segments, so
    /// it cannot run on native memory; FioMem's transport sends from native memory (copying several segments into one
    /// buffer first). Transports that take their pool from the factory (named pipes, QUIC) use FioMem through it.
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="System.ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddFioMemoryPool(this IServiceCollection services)
    {
        System.ArgumentNullException.ThrowIfNull(services);
        services.RemoveAll<IMemoryPoolFactory<byte>>();
        services.AddSingleton<IMemoryPoolFactory<byte>, FioMemoryPoolFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionListenerFactory, FioSocketTransportFactory>());
        return services;
    }
}
