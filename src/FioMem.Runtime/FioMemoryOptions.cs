// Configuration, read once at start-up: AppContext switches / runtimeconfig.json, overridden by environment variables.
using System;
using System.Globalization;

namespace FioMem;

/// <summary>
/// FioMem's settings. Each is read once, the first time FioMem is used: an environment variable wins over the
/// matching <c>runtimeconfig.json</c> property (<c>&lt;RuntimeHostConfigurationOption&gt;</c> or <c>AppContext</c> data).
/// <see cref="FioMemorySettings"/> shows them to users.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>FioMem.Checked</c> / <c>FIOMEM_CHECKED</c></term><description>checked mode: double and interior frees throw, freed slices are poisoned and writes after free are reported when the block is recycled (default off).</description></item>
/// <item><term><c>FioMem.MaxPooledBlocks</c> / <c>FIOMEM_MAX_POOLED_BLOCKS</c></term><description>empty blocks kept for reuse before blocks go back to the operating system (default 128 per processor, at least 512: 64 MiB).</description></item>
/// <item><term><c>FioMem.ReserveBytes</c> / <c>FIOMEM_RESERVE_BYTES</c></term><description>address space reserved for blocks (default 64 GiB on 64-bit, 1 GiB on 32-bit); only what is used is committed.</description></item>
/// <item><term><c>FioMem.PortableMemory</c> / <c>FIOMEM_PORTABLE_MEMORY</c></term><description>take blocks from <c>NativeMemory.AlignedAlloc</c> instead of reserving address space (the fallback on systems without mmap/VirtualAlloc).</description></item>
/// <item><term><c>FioMem.TrimDelay</c> / <c>FIOMEM_TRIM_DELAY</c></term><description>milliseconds a pooled block may stay unused before it goes back to the operating system by itself; pooled blocks also go back when a gen-2 collection finds memory pressure high (default 5000; 0: only an explicit <c>FioMemory.Trim()</c>).</description></item>
/// </list>
/// </remarks>
internal static class FioMemoryOptions
{
    /// <summary>
    /// The first malformed setting found, thrown by every allocation (<see cref="ThrowIfInvalid"/>) so the message that
    /// names the setting and its value reaches the user as it is, not as the inner exception of a type initializer.
    /// The settings themselves fall back to their defaults. Declared first: the initialisers below set it.
    /// </summary>
    private static InvalidOperationException? s_error;

    // Each setting's runtimeconfig.json / AppContext name and environment variable, and the limits FioMem accepts
    // (FioMem.AspNetCore's configuration binding names and checks the same).
    internal const string CheckedName = "FioMem.Checked", CheckedVariable = "FIOMEM_CHECKED";
    internal const string MaxPooledBlocksName = "FioMem.MaxPooledBlocks", MaxPooledBlocksVariable = "FIOMEM_MAX_POOLED_BLOCKS";
    internal const string ReserveBytesName = "FioMem.ReserveBytes", ReserveBytesVariable = "FIOMEM_RESERVE_BYTES";
    internal const string PortableMemoryName = "FioMem.PortableMemory", PortableMemoryVariable = "FIOMEM_PORTABLE_MEMORY";
    internal const string TrimDelayName = "FioMem.TrimDelay", TrimDelayVariable = "FIOMEM_TRIM_DELAY";

    /// <summary>The least address space FioMem reserves: four blocks.</summary>
    internal const long MinReserveBytes = Layout.BlockSize * 4L;

    /// <summary>The longest idle-trim delay, in milliseconds (about 24.8 days).</summary>
    internal const int MaxTrimDelayMilliseconds = int.MaxValue - 1;

    /// <summary>Whether checked mode is on.</summary>
    public static readonly bool Checked = ReadBool(CheckedName, CheckedVariable);

    /// <summary>The pool cap, in blocks.</summary>
    public static readonly int MaxPooledBlocks = (int)ReadInteger(MaxPooledBlocksName, MaxPooledBlocksVariable,
        Math.Max(512, 128 * Environment.ProcessorCount), min: 0, max: int.MaxValue);

    /// <summary>Address space to reserve for blocks, in bytes.</summary>
    public static readonly long ReserveBytes = ReadInteger(ReserveBytesName, ReserveBytesVariable,
        Environment.Is64BitProcess ? 64L << 30 : 1L << 30, min: MinReserveBytes, max: long.MaxValue);

    /// <summary>Whether to use the portable block source.</summary>
    public static readonly bool PortableMemory = ReadBool(PortableMemoryName, PortableMemoryVariable);

    /// <summary>Throws the configuration error, if a setting was malformed; called on the allocation slow paths.</summary>
    public static void ThrowIfInvalid()
    {
        if (s_error is { } error)
            throw new InvalidOperationException(error.Message, error);
    }
    /// <summary>Milliseconds a pooled block stays unused before the idle trim releases it; 0 turns automatic trimming off.</summary>
    public static readonly int TrimDelayMilliseconds = (int)ReadInteger(TrimDelayName, TrimDelayVariable,
        5000, min: 0, max: MaxTrimDelayMilliseconds);

    /// <summary>Tells <see cref="FioMemorySettings.AreRead"/> the settings above are read; the last initialiser, so it
    /// runs after all of them.</summary>
    private static readonly bool s_markedRead = FioMemorySettings.MarkRead();

    private static bool ReadBool(string name, string variable)
    {
        try
        {
            return ReadBoolOrThrow(name, variable);
        }
        catch (InvalidOperationException e)
        {
            s_error ??= e;
            return false;
        }
    }

    private static bool ReadBoolOrThrow(string name, string variable)
    {
        string? text = Environment.GetEnvironmentVariable(variable);
        if (text is null)
        {
            object? data = AppContext.GetData(name);
            if (data is bool b)
                return b;
            if (AppContext.TryGetSwitch(name, out bool enabled))
                return enabled;
            text = data as string;
            if (text is null)
                return false;
        }
        return ParseBoolean(name, variable, text);
    }

    private static long ReadInteger(string name, string variable, long fallback, long min, long max)
    {
        try
        {
            return ParseInteger(name, variable, Environment.GetEnvironmentVariable(variable) ?? AppContext.GetData(name)?.ToString(), fallback, min, max);
        }
        catch (InvalidOperationException e)
        {
            s_error ??= e;
            return fallback;
        }
    }

    /// <summary>The words a switch accepts, as error messages name them.</summary>
    internal const string SwitchWords = "true or false (or 1/0, yes/no, on/off)";

    /// <summary>
    /// Reads a switch the way every FioMem setting source does (environment, runtimeconfig, the ASP.NET Core
    /// configuration section): 1/0, true/false, yes/no, on/off, any case, blanks around it ignored.
    /// </summary>
    internal static bool TryParseSwitch(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "1" or "true" or "yes" or "on":
                value = true;
                return true;
            case "0" or "false" or "no" or "off":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Parses a switch (<see cref="TryParseSwitch"/>; empty is off); anything else is a configuration error.</summary>
    internal static bool ParseBoolean(string name, string variable, string text)
    {
        if (text.Trim().Length == 0)
            return false;
        if (TryParseSwitch(text, out bool value))
            return value;
        throw new InvalidOperationException($"FioMem setting {name} ({variable}) must be {SwitchWords}; got '{text}'.");
    }

    /// <summary>Parses an integer setting in [min, max]; empty means the fallback; anything else is a configuration error.</summary>
    internal static long ParseInteger(string name, string variable, string? text, long fallback, long min, long max)
    {
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (!long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value < min || value > max)
            throw new InvalidOperationException($"FioMem setting {name} ({variable}) must be an integer from {min} to {max}; got '{text}'.");
        return value;
    }
}
