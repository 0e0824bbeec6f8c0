// The Diagnostic.Properties contract between the FIO003 analyzer and its code fix.
using System.Collections.Generic;
using System.Collections.Immutable;

namespace FioMem.Analyzers.Migration;

/// <summary>
/// A FIO003 diagnostic carries every call of its pointer group as an additional location, and for the additional
/// location at index <c>i</c> a property <c>Rewrite{i}</c> naming the FioMemory method (with
/// <see cref="DropAlignmentSuffix"/> when the alignment argument goes), so the fixer rewrites the group without
/// re-analysing it.
/// </summary>
internal static class MigrationProperties
{
    /// <summary>Appended to the method name when the second argument (the alignment of AlignedAlloc) is dropped.</summary>
    public const string DropAlignmentSuffix = "|DropAlignment";

    /// <summary>The property key for the additional location at <paramref name="index"/>.</summary>
    public static string RewriteKey(int index) => "Rewrite" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Builds the properties for a group of calls.</summary>
    public static ImmutableDictionary<string, string?> Create(IReadOnlyList<MigrationCandidate> group)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string?>();
        for (int i = 0; i < group.Count; i++)
            builder[RewriteKey(i)] = group[i].FioMethod + (group[i].DropsAlignment ? DropAlignmentSuffix : string.Empty);
        return builder.ToImmutable();
    }

    /// <summary>Reads the rewrite for the additional location at <paramref name="index"/>.</summary>
    public static bool TryGetRewrite(ImmutableDictionary<string, string?> properties, int index, out string method, out bool dropAlignment)
    {
        method = string.Empty;
        dropAlignment = false;
        if (!properties.TryGetValue(RewriteKey(index), out var value) || string.IsNullOrEmpty(value))
            return false;

        dropAlignment = value!.EndsWith(DropAlignmentSuffix, System.StringComparison.Ordinal);
        method = dropAlignment ? value.Substring(0, value.Length - DropAlignmentSuffix.Length) : value;
        return true;
    }
}
