// A copy of FioMem that has not read its settings yet: FioMem and FioMem.AspNetCore loaded again in a load context of
// their own, so a test can watch what happens at a first use although this process used FioMem long ago.
using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.DependencyInjection;

namespace FioMem.AspNetCore.Tests.Settings;

/// <summary>
/// FioMem and FioMem.AspNetCore as a process that has just started would see them; everything else (ASP.NET Core,
/// the extensions) is shared with the tests, so services and configuration pass between the two as they are.
/// </summary>
/// <remarks>FioMem reads its settings from <see cref="AppContext"/> data, which the whole process shares: the copy is
/// created after this process's own FioMem has read its settings, and <see cref="Dispose"/> puts back the data the
/// test changed, so the tests' own FioMem and the next copy see what they would have seen.</remarks>
public sealed class FreshFioMem : IDisposable
{
    private static readonly string[] s_names =
        ["FioMem.Checked", "FioMem.MaxPooledBlocks", "FioMem.ReserveBytes", "FioMem.PortableMemory", "FioMem.TrimDelay"];

    private readonly Dictionary<string, object?> _appContextData = [];
    private readonly Assembly _runtime;
    private readonly Assembly _aspNetCore;

    public FreshFioMem()
    {
        _ = FioMemorySettings.Checked; // this process's own copy reads its settings before any test changes them
        foreach (string name in s_names)
            _appContextData[name] = AppContext.GetData(name);
        var context = new Context();
        _runtime = context.LoadFromAssemblyName(new AssemblyName("FioMem"));
        _aspNetCore = context.LoadFromAssemblyName(new AssemblyName("FioMem.AspNetCore"));
    }

    /// <summary>The copy's <c>FioMemorySettings</c> property <paramref name="name"/>; reading any but AreRead reads the settings.</summary>
    public object Setting(string name) =>
        _runtime.GetType("FioMem.FioMemorySettings", throwOnError: true)!.GetProperty(name)!.GetValue(null)!;

    /// <summary>The copy's <c>services.AddFioMemoryPool()</c>.</summary>
    public IServiceCollection AddFioMemoryPool(IServiceCollection services) =>
        (IServiceCollection)_aspNetCore.GetType("Microsoft.Extensions.DependencyInjection.FioMemoryPoolServiceCollectionExtensions", throwOnError: true)!
            .GetMethod("AddFioMemoryPool", [typeof(IServiceCollection)])!.Invoke(null, [services])!;

    public void Dispose()
    {
        foreach ((string name, object? value) in _appContextData)
            AppContext.SetData(name, value);
    }

    private sealed class Context() : AssemblyLoadContext("FioMem first use")
    {
        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name is "FioMem" or "FioMem.AspNetCore"
                ? LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, assemblyName.Name + ".dll"))
                : null;
    }
}
