// services.AddFioMemoryPool(): in the namespace of ASP.NET Core's own Add… methods, so it needs no using.
using System;
using FioMem.AspNetCore;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers FioMem as the memory pool of ASP.NET Core's transports.</summary>
public static class FioMemoryPoolServiceCollectionExtensions
{
    /// <summary>
    /// Makes Kestrel take its transport buffers from <see cref="FioMem.FioMemoryPool"/>: replaces any registered
    /// <see cref="IMemoryPoolFactory{T}"/> of bytes with a <see cref="FioMemoryPoolFactory"/>, and adds FioMem's socket
    /// transport for TCP and Unix-domain endpoints and listening sockets passed by handle, which Kestrel then prefers
    /// to its own. FioMem's settings (<see cref="FioMemOptions"/>) are bound from the <c>FioMem</c> section of the
    /// host's configuration, applied when the host starts, and logged once (category <c>FioMem</c>).
    /// </summary>
    /// <remarks>
    /// Kestrel's own socket transport needs array-backed buffers to send a response that spans several segments, so
    /// it cannot run on native memory; FioMem's transport sends from native memory (several segments with one
    /// <c>sendmsg</c> on 64-bit Linux, copied into one buffer first elsewhere). Transports that take their pool from the factory (named pipes, QUIC) use FioMem through it.
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddFioMemoryPool(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.RemoveAll<IMemoryPoolFactory<byte>>();
        services.AddSingleton<IMemoryPoolFactory<byte>>(provider => new FioMemoryPoolFactory(provider.GetRequiredService<FioMemSettingsApplier>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionListenerFactory, FioSocketTransportFactory>());

        services.AddOptions<FioMemOptions>();
        services.TryAddSingleton<FioMemConfigurationLocator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<FioMemOptions>, FioMemConfigurationBinding>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<FioMemOptions>, FioMemConfigurationChangeTokenSource>());
        services.TryAddSingleton<FioMemSettingsApplier>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FioMemStartup>());
        return services;
    }

    /// <summary>
    /// As <see cref="AddFioMemoryPool(IServiceCollection)"/>, then sets FioMem's settings in code: the delegate runs
    /// after the configuration is bound, so what it sets wins over the <c>FioMem</c> section (an environment variable
    /// such as <c>FIOMEM_CHECKED</c> still wins over both).
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets the <see cref="FioMemOptions"/>; properties it leaves null keep what FioMem reads itself.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static IServiceCollection AddFioMemoryPool(this IServiceCollection services, Action<FioMemOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddFioMemoryPool(services);
        services.Configure(configure);
        return services;
    }

    /// <summary>
    /// As <see cref="AddFioMemoryPool(IServiceCollection)"/>, but binds FioMem's settings from
    /// <paramref name="configuration"/> (for example <c>builder.Configuration.GetSection("Memory:FioMem")</c>) instead
    /// of the host's <c>FioMem</c> section. Its keys are the <see cref="FioMemOptions"/> property names.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">The section that holds FioMem's settings.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static IServiceCollection AddFioMemoryPool(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddFioMemoryPool(services);
        services.AddSingleton(new FioMemConfigurationSection(configuration));
        return services;
    }
}
