// Where each diagnostic's documentation lives: one absolute address per rule, derived from the repository's URL.
namespace FioMem.Analyzers.Diagnostics;

/// <summary>
/// The help links of FioMem's diagnostics. <see cref="RepositoryUrl"/> and <see cref="Branch"/> are written at build
/// time from <c>RepositoryUrl</c> and <c>RepositoryBranch</c> in <c>Directory.Build.props</c>, so a package user's
/// IDE and build output link to the rule's page on the web, never to a path only the repository has.
/// </summary>
internal static partial class HelpLinks
{
    /// <summary>The folder of the rule pages, one <c>FIO00N.md</c> per diagnostic.</summary>
    public const string DiagnosticsFolder = RepositoryUrl + "/blob/" + Branch + "/docs/diagnostics/";

    /// <summary>The page of the diagnostic <paramref name="id"/>.</summary>
    public static string For(string id) => DiagnosticsFolder + id + ".md";
}
