// Hands the host's FioMem settings to FioMem before its first use, fails the start when they come too late, logs the
// settings in effect once, and warns when configuration changes them afterwards.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FioMem.AspNetCore;

/// <summary>
/// Applies <see cref="FioMemOptions"/> once: each setting the options give becomes <see cref="AppContext"/> data, which
/// FioMem reads at its first use (an environment variable still wins). Then it reads the settings in effect; a setting
/// that differs from the options without an environment variable to explain it was read before this ran, and the
/// start fails with an <see cref="InvalidOperationException"/> naming it.
/// </summary>
internal sealed class FioMemSettingsApplier : IDisposable
{
    private static readonly Action<ILogger, string, string, string, string, string, string, Exception?> s_active =
        LoggerMessage.Define<string, string, string, string, string, string>(LogLevel.Information, new EventId(1, "FioMemActive"),
            "FioMem is active: Kestrel's transport buffers come from FioMemoryPool; checked mode {CheckedMode}, pool cap "
            + "{PoolCap}, idle trim {TrimDelay}, blocks from {BlockSource}; "
            + "set by the host: {HostSettings}; by environment variables: {EnvironmentSettings}");

    private static readonly Action<ILogger, string, string, string, string, string, Exception?> s_environmentWins =
        LoggerMessage.Define<string, string, string, string, string>(LogLevel.Warning, new EventId(2, "FioMemEnvironmentOverride"),
            "The environment variable {Variable} sets FioMem's {Setting} to {InEffect}; the host's {Path} = {Requested} is ignored");

    private static readonly Action<ILogger, string, string, string, Exception?> s_changedLater =
        LoggerMessage.Define<string, string, string>(LogLevel.Warning, new EventId(3, "FioMemSettingChanged"),
            "{Path} changed to {Requested} after FioMem read its settings; it keeps {InEffect} until the process restarts");

    private static readonly Action<ILogger, string, Exception?> s_invalidLater =
        LoggerMessage.Define<string>(LogLevel.Warning, new EventId(4, "FioMemConfigurationInvalid"),
            "FioMem's configuration changed to something it cannot use, and is ignored until the process restarts: {Errors}");

    private readonly IOptionsMonitor<FioMemOptions> _options;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    /// <summary>What the options asked for when the settings were applied; null until then.</summary>
    private Dictionary<FioMemSetting, object?>? _applied;

    /// <summary>The subscription to configuration changes, made once the settings are applied.</summary>
    private IDisposable? _changes;

    public FioMemSettingsApplier(IOptionsMonitor<FioMemOptions> options, ILoggerFactory? loggerFactory = null)
    {
        _options = options;
        _logger = (ILogger?)loggerFactory?.CreateLogger("FioMem") ?? NullLogger.Instance;
    }

    /// <summary>Applies the settings, the first time it is called; the host's start and the first pool both call it.</summary>
    /// <exception cref="InvalidOperationException">The configuration holds something that is not a valid setting, or
    /// a setting asked for differs from the one in effect because FioMem read its settings before.</exception>
    public void EnsureApplied()
    {
        lock (_lock)
        {
            if (_applied is not null)
                return;
            FioMemOptions options = _options.CurrentValue;
            ThrowIfInvalid(options);

            bool readBefore = FioMemorySettings.AreRead;
            Dictionary<FioMemSetting, object?> requested = FioMemSetting.All.ToDictionary(s => s, s => s.Requested(options));
            foreach ((FioMemSetting setting, object? value) in requested)
            {
                if (value is not null && !readBefore && !setting.IsSetInEnvironment)
                    setting.SetAppContextData(value);
            }

            // Reading the settings in effect fixes them, if nothing has yet.
            List<string> conflicts = [];
            foreach ((FioMemSetting setting, object? value) in requested)
            {
                if (value is null || Equals(value, setting.InEffect()))
                    continue;
                if (setting.IsSetInEnvironment)
                    s_environmentWins(_logger, setting.Variable, setting.Key, FioMemSetting.Format(setting.InEffect()), setting.Path, FioMemSetting.Format(value), null);
                else
                    conflicts.Add($"{setting.Path} is {FioMemSetting.Format(setting.InEffect())} in effect, {FioMemSetting.Format(value)} asked for");
            }
            if (conflicts.Count > 0)
            {
                throw new InvalidOperationException(
                    "FioMem read its settings before the host could apply its own (FioMem was used before the host "
                    + "started, or by another host in this process), and they cannot change any more: "
                    + string.Join("; ", conflicts) + ". Give FioMem its settings before its first use (runtimeconfig.json "
                    + "or FIOMEM_* environment variables are read at that first use), or leave these settings out.");
            }

            _applied = requested;
            LogActive(requested);
            _changes = _options.OnChange(OnOptionsChanged);
        }
    }

    public void Dispose() => _changes?.Dispose();

    private static void ThrowIfInvalid(FioMemOptions options)
    {
        List<string> errors = [.. options.ConfigurationErrors, .. Validate(options)];
        if (errors.Count > 0)
            throw new InvalidOperationException("FioMem's settings are not valid: " + string.Join(" ", errors));
    }

    /// <summary>Checks the values FioMem itself would refuse, with the names a host's user sees.</summary>
    private static IEnumerable<string> Validate(FioMemOptions options)
    {
        if (options.MaxPooledBlocks < 0)
            yield return $"FioMem:MaxPooledBlocks must be 0 or more; got {options.MaxPooledBlocks}.";
        long minReserve = FioMemoryOptions.MinReserveBytes;
        if (options.ReserveBytes < minReserve)
            yield return $"FioMem:ReserveBytes must be at least {minReserve} (four blocks); got {options.ReserveBytes}.";
        if (options.TrimDelay is { } delay)
        {
            if (delay < TimeSpan.Zero || delay > FioMemOptions.MaxTrimDelay)
                yield return $"FioMem:TrimDelay must be from 00:00:00 to {FioMemSetting.Format(FioMemOptions.MaxTrimDelay)}; got {FioMemSetting.Format(delay)}.";
            else if (delay.Ticks % TimeSpan.TicksPerMillisecond != 0)
                yield return $"FioMem:TrimDelay must be whole milliseconds; got {FioMemSetting.Format(delay)}.";
        }
    }

    private void LogActive(Dictionary<FioMemSetting, object?> requested)
    {
        if (!_logger.IsEnabled(LogLevel.Information))
            return;
        TimeSpan trimDelay = FioMemorySettings.TrimDelay;
        string[] hostSettings = [.. requested.Where(p => p.Value is not null && !p.Key.IsSetInEnvironment).Select(p => p.Key.Key)];
        string[] environmentSettings = [.. FioMemSetting.All.Where(s => s.IsSetInEnvironment).Select(s => s.Variable)];
        s_active(_logger,
            FioMemorySettings.Checked ? "on" : "off",
            $"{FioMemorySettings.MaxPooledBlocks} blocks ({FormatBytes((long)FioMemorySettings.MaxPooledBlocks * FioMemory.BlockSize)})",
            trimDelay == TimeSpan.Zero ? "off (only FioMemory.Trim() releases pooled blocks)" : $"after {trimDelay.TotalMilliseconds:0} ms unused",
            FioMemorySettings.PortableMemory
                ? "NativeMemory.AlignedAlloc (portable memory)"
                : $"{FormatBytes(FioMemorySettings.ReserveBytes)} of reserved address space",
            hostSettings.Length == 0 ? "none" : string.Join(", ", hostSettings),
            environmentSettings.Length == 0 ? "none" : string.Join(", ", environmentSettings),
            null);
    }

    /// <summary>A byte count in the largest binary unit that divides it: 64 GiB, 64 MiB, 524288 bytes.</summary>
    private static string FormatBytes(long bytes) =>
        bytes == 0 ? "0 bytes" : bytes % (1L << 30) == 0 ? $"{bytes >> 30} GiB" : bytes % (1L << 20) == 0 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";

    /// <summary>A reloaded configuration: FioMem keeps its settings, so each one that would now differ is a warning.</summary>
    private void OnOptionsChanged(FioMemOptions options, string? name)
    {
        if (name != Options.DefaultName || _applied is not { } applied)
            return;
        List<string> errors = [.. options.ConfigurationErrors, .. Validate(options)];
        if (errors.Count > 0)
        {
            s_invalidLater(_logger, string.Join(" ", errors), null);
            return;
        }
        foreach (FioMemSetting setting in FioMemSetting.All)
        {
            object? value = setting.Requested(options);
            if (value is not null && !Equals(value, applied[setting]) && !Equals(value, setting.InEffect()))
                s_changedLater(_logger, setting.Path, FioMemSetting.Format(value), FioMemSetting.Format(setting.InEffect()), null);
        }
    }
}
