// FioMem's settings as ASP.NET Core options: the "FioMem" configuration section and AddFioMemoryPool(options => …).
using System;
using System.Collections.Generic;

namespace FioMem.AspNetCore;

/// <summary>
/// FioMem's settings for an application that registers it with
/// <see cref="Microsoft.Extensions.DependencyInjection.FioMemoryPoolServiceCollectionExtensions.AddFioMemoryPool(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>:
/// bound from the <c>FioMem</c> section of the host's configuration, then changed by the delegate given to
/// <c>AddFioMemoryPool(options =&gt; …)</c>. A property left null keeps what FioMem reads by itself
/// (<c>runtimeconfig.json</c>, or the default).
/// </summary>
/// <remarks>
/// <para>FioMem reads its settings once per process, at its first use; the host hands these to it when it starts
/// (before Kestrel rents a buffer). An environment variable (<c>FIOMEM_CHECKED</c>, …) still wins over them, so an
/// operator can turn checked mode on without a new build; the host logs a warning when one overrides a value set here.</para>
/// <para>If FioMem was used before the host started (memory allocated in <c>Program.cs</c>, or a second host in the
/// same process) and a setting here differs from the one in effect, the host fails to start with an
/// <see cref="InvalidOperationException"/> naming the setting: the value in effect cannot change any more. A change in
/// configuration after the start (a reloaded <c>appsettings.json</c>) is logged as a warning and takes effect at the
/// next start.</para>
/// </remarks>
public sealed class FioMemOptions
{
    /// <summary>Checked mode: double and interior frees throw, freed slices are poisoned and a write after free is
    /// reported when its block is recycled (<c>FioMem:Checked</c>; FioMem's default: off).</summary>
    public bool? Checked { get; set; }

    /// <summary>The most empty blocks kept for reuse before blocks go back to the operating system, 0 or more
    /// (<c>FioMem:MaxPooledBlocks</c>; FioMem's default: 128 per processor, at least 512, that is 64 MiB).</summary>
    public int? MaxPooledBlocks { get; set; }

    /// <summary>Address space reserved for blocks, in bytes, at least four blocks (<c>FioMem:ReserveBytes</c>; FioMem's
    /// default: 64 GiB on 64-bit, 1 GiB on 32-bit). Only the pages in use are committed.</summary>
    public long? ReserveBytes { get; set; }

    /// <summary>Take blocks from <c>NativeMemory.AlignedAlloc</c> instead of reserving address space
    /// (<c>FioMem:PortableMemory</c>; FioMem's default: off).</summary>
    public bool? PortableMemory { get; set; }

    /// <summary>How long a pooled block may stay unused before it goes back to the operating system by itself; zero:
    /// only <see cref="FioMemory.Trim"/> releases pooled blocks (<c>FioMem:TrimDelay</c>, a time span such as
    /// <c>"00:00:05"</c>; FioMem's default: 5 seconds). Whole milliseconds, at most <see cref="MaxTrimDelay"/>.</summary>
    public TimeSpan? TrimDelay { get; set; }

    /// <summary>The longest <see cref="TrimDelay"/> FioMem accepts (<c>int.MaxValue - 1</c> milliseconds, about 24.8 days).</summary>
    public static TimeSpan MaxTrimDelay { get; } = TimeSpan.FromMilliseconds(FioMemoryOptions.MaxTrimDelayMilliseconds);

    /// <summary>What the configuration section held that is not a setting or not a valid value: reported when the host
    /// applies the settings (at its start), never while options are rebuilt after a configuration reload.</summary>
    internal List<string> ConfigurationErrors { get; } = [];
}
