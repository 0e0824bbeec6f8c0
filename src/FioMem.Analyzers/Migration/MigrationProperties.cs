// The Diagnostic.Properties contract between the FIO003 analyzer and its code fix.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace FioMem.Analyzers.Migration;

/// <summary>
/// A FIO003 diagnostic carries every call of its pointer group as an additional location, and for the additional
/// location at index <c>i</c> a property <c>Rewrite{i}</c> naming the FioMemory method that replaces it, so the fixer
/// rewrites the group without re-analysing it. <see cref="GroupKey"/> names the group; <see cref="ConditionalKey"/>,
/// when present, is the preprocessor symbol under which FioMem is referenced (a multi-targeting project): the fix then
/// writes code that compiles on every target. <see cref="LongLivedKey"/> marks a group that becomes long-lived; the fix
/// names the group and that in its title.
/// </summary>
internal static class MigrationProperties
{
    /// <summary>The group's name, as in the message.</summary>
    public const string GroupKey = "Group";

    /// <summary>The preprocessor symbol defined where FioMem is referenced, in a multi-targeting project.</summary>
    public const string ConditionalKey = "Conditional";

    /// <summary>Present (<c>"true"</c>) when every call of the group becomes <c>AllocLongLived</c>: its memory is never freed.</summary>
    public const string LongLivedKey = "LongLived";

    /// <summary>The symbol FioMem's build files define for the targets that reference it.</summary>
    public const string FioMemSymbol = "FIOMEM";

    /// <summary>The FioMemory method for memory that is never freed.</summary>
    public const string LongLivedMethod = "AllocLongLived";

    /// <summary>The property key for the additional location at <paramref name="index"/>.</summary>
    public static string RewriteKey(int index) => "Rewrite" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Builds the properties for a group of calls.</summary>
    public static ImmutableDictionary<string, string?> Create(IReadOnlyList<MigrationCandidate> group, IReadOnlyList<string> rewrites,
        string groupName, bool conditional)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string?>();
        for (int i = 0; i < group.Count; i++)
            builder[RewriteKey(i)] = rewrites[i];
        builder[GroupKey] = groupName;
        if (rewrites.Count > 0 && rewrites.All(rewrite => rewrite == LongLivedMethod))
            builder[LongLivedKey] = "true";
        if (conditional)
            builder[ConditionalKey] = FioMemSymbol;
        return builder.ToImmutable();
    }

    /// <summary>Reads the rewrite for the additional location at <paramref name="index"/>.</summary>
    public static bool TryGetRewrite(ImmutableDictionary<string, string?> properties, int index, out string method)
    {
        method = string.Empty;
        if (!properties.TryGetValue(RewriteKey(index), out var value) || string.IsNullOrEmpty(value))
            return false;

        method = value!;
        return true;
    }

    /// <summary>The group's name, as in the message, or null when the properties carry none.</summary>
    public static string? Group(ImmutableDictionary<string, string?> properties) =>
        properties.TryGetValue(GroupKey, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>Whether the whole group becomes long-lived (see <see cref="LongLivedKey"/>).</summary>
    public static bool IsLongLived(ImmutableDictionary<string, string?> properties) => properties.ContainsKey(LongLivedKey);

    /// <summary>The preprocessor symbol for conditional code, or null when the fix writes plain FioMem calls.</summary>
    public static string? Conditional(ImmutableDictionary<string, string?> properties) =>
        properties.TryGetValue(ConditionalKey, out var value) && !string.IsNullOrEmpty(value) ? value : null;
}
