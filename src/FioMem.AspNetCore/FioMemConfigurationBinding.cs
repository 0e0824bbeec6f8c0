// Binds the "FioMem" configuration section to FioMemOptions: the host's own section, or the one given to
// AddFioMemoryPool(IConfiguration). Hand-written (five keys) so it needs no reflection and names bad values precisely.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace FioMem.AspNetCore;

/// <summary>A section given to <c>AddFioMemoryPool(IConfiguration)</c>: bound instead of the host's <c>FioMem</c> section.</summary>
internal sealed class FioMemConfigurationSection(IConfiguration section)
{
    public IConfiguration Section { get; } = section;
}

/// <summary>Finds the section to bind: the last one given to <c>AddFioMemoryPool(IConfiguration)</c>, else the host's
/// <c>FioMem</c> section, else none (a service provider built without configuration).</summary>
internal sealed class FioMemConfigurationLocator(IEnumerable<FioMemConfigurationSection> explicitSections, IServiceProvider services)
{
    /// <summary>The section name in the host's configuration.</summary>
    public const string SectionName = "FioMem";

    public IConfiguration? Section { get; } =
        explicitSections.LastOrDefault()?.Section ?? services.GetService<IConfiguration>()?.GetSection(SectionName);
}

/// <summary>Binds the section's keys to <see cref="FioMemOptions"/>. A key that is no setting or a value that does not
/// parse is recorded in <see cref="FioMemOptions.ConfigurationErrors"/>, and the host's start fails with it.</summary>
internal sealed class FioMemConfigurationBinding(FioMemConfigurationLocator locator) : IConfigureOptions<FioMemOptions>
{
    public void Configure(FioMemOptions options)
    {
        if (locator.Section is not { } section)
            return;
        foreach (IConfigurationSection child in section.GetChildren())
        {
            string path = "FioMem:" + child.Key;
            if (child.GetChildren().Any())
            {
                options.ConfigurationErrors.Add($"{path} must be a value, not a section.");
                continue;
            }
            string? text = child.Value?.Trim();
            if (string.IsNullOrEmpty(text))
                continue;
            switch (child.Key.ToLowerInvariant())
            {
                case "checked": options.Checked = ParseBoolean(options, path, text); break;
                case "maxpooledblocks": options.MaxPooledBlocks = (int?)ParseInteger(options, path, text, int.MaxValue); break;
                case "reservebytes": options.ReserveBytes = ParseInteger(options, path, text, long.MaxValue); break;
                case "portablememory": options.PortableMemory = ParseBoolean(options, path, text); break;
                case "trimdelay": options.TrimDelay = ParseTimeSpan(options, path, text); break;
                default:
                    options.ConfigurationErrors.Add($"{path} is not a FioMem setting; the settings are "
                        + string.Join(", ", FioMemSetting.All.Select(s => s.Key)) + ".");
                    break;
            }
        }
    }

    private static bool? ParseBoolean(FioMemOptions options, string path, string text)
    {
        // The words the environment and runtimeconfig accept for the same setting.
        if (FioMemoryOptions.TryParseSwitch(text, out bool value))
            return value;
        options.ConfigurationErrors.Add($"{path} must be {FioMemoryOptions.SwitchWords}; got '{text}'.");
        return null;
    }

    private static long? ParseInteger(FioMemOptions options, string path, string text, long max)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value <= max)
            return value;
        options.ConfigurationErrors.Add($"{path} must be an integer up to {max}; got '{text}'.");
        return null;
    }

    private static TimeSpan? ParseTimeSpan(FioMemOptions options, string path, string text)
    {
        // A bare number would parse as days: "5000" meant as milliseconds would become almost fourteen years.
        if (text.All(char.IsAsciiDigit) || !TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan value))
        {
            options.ConfigurationErrors.Add($"{path} must be a time span such as \"00:00:05\" (five seconds); got '{text}'.");
            return null;
        }
        return value;
    }
}

/// <summary>Tells the options monitor when the bound section reloads, so a changed setting is noticed (and reported).</summary>
internal sealed class FioMemConfigurationChangeTokenSource(FioMemConfigurationLocator locator) : IOptionsChangeTokenSource<FioMemOptions>
{
    /// <summary>The token when there is no section: it never fires.</summary>
    private static readonly IChangeToken s_never = new CancellationChangeToken(CancellationToken.None);

    public string? Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => locator.Section?.GetReloadToken() ?? s_never;
}
