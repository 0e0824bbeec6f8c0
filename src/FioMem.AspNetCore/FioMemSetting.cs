// The five settings FioMem reads, by their names in configuration, in runtimeconfig.json and in the environment.
using System;
using System.Collections.Generic;
using System.Globalization;

namespace FioMem.AspNetCore;

/// <summary>One of FioMem's settings: where each source names it, how to read it from <see cref="FioMemOptions"/> and
/// from the settings in effect, and how to hand it to FioMem as <see cref="AppContext"/> data.</summary>
internal sealed class FioMemSetting
{
    /// <summary>Every setting, in the order the log line and messages list them.</summary>
    public static readonly IReadOnlyList<FioMemSetting> All =
    [
        new("Checked", FioMemoryOptions.CheckedName, FioMemoryOptions.CheckedVariable,
            o => o.Checked, () => FioMemorySettings.Checked, v => (bool)v),
        new("MaxPooledBlocks", FioMemoryOptions.MaxPooledBlocksName, FioMemoryOptions.MaxPooledBlocksVariable,
            o => o.MaxPooledBlocks, () => FioMemorySettings.MaxPooledBlocks, v => ((int)v).ToString(CultureInfo.InvariantCulture)),
        new("ReserveBytes", FioMemoryOptions.ReserveBytesName, FioMemoryOptions.ReserveBytesVariable,
            o => o.ReserveBytes, () => FioMemorySettings.ReserveBytes, v => ((long)v).ToString(CultureInfo.InvariantCulture)),
        new("PortableMemory", FioMemoryOptions.PortableMemoryName, FioMemoryOptions.PortableMemoryVariable,
            o => o.PortableMemory, () => FioMemorySettings.PortableMemory, v => (bool)v),
        new("TrimDelay", FioMemoryOptions.TrimDelayName, FioMemoryOptions.TrimDelayVariable,
            o => o.TrimDelay, () => FioMemorySettings.TrimDelay,
            v => ((long)((TimeSpan)v).TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
    ];

    private readonly Func<FioMemOptions, object?> _requested;
    private readonly Func<object> _inEffect;
    private readonly Func<object, object> _toAppContextData;

    private FioMemSetting(string key, string appContextName, string variable, Func<FioMemOptions, object?> requested,
        Func<object> inEffect, Func<object, object> toAppContextData)
    {
        Key = key;
        AppContextName = appContextName;
        Variable = variable;
        _requested = requested;
        _inEffect = inEffect;
        _toAppContextData = toAppContextData;
    }

    /// <summary>The key in the <c>FioMem</c> configuration section and the <see cref="FioMemOptions"/> property.</summary>
    public string Key { get; }

    /// <summary>The <c>runtimeconfig.json</c> property / <see cref="AppContext"/> data name FioMem reads.</summary>
    public string AppContextName { get; }

    /// <summary>The environment variable that wins over every other source.</summary>
    public string Variable { get; }

    /// <summary>The configuration path users see in messages: <c>FioMem:Checked</c>.</summary>
    public string Path => "FioMem:" + Key;

    /// <summary>The value the options ask for, or null when they leave it to FioMem.</summary>
    public object? Requested(FioMemOptions options) => _requested(options);

    /// <summary>The value FioMem runs with; reads FioMem's settings if they have not been read yet.</summary>
    public object InEffect() => _inEffect();

    /// <summary>Whether the environment variable is set, so it decides the value whatever the options say.</summary>
    public bool IsSetInEnvironment => Environment.GetEnvironmentVariable(Variable) is not null;

    /// <summary>Hands <paramref name="value"/> to FioMem, which reads it at its first use (unless the variable is set).</summary>
    public void SetAppContextData(object value) => AppContext.SetData(AppContextName, _toAppContextData(value));

    /// <summary>The value as a user writes it in configuration.</summary>
    public static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
