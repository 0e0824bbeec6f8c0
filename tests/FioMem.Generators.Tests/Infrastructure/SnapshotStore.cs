// Checked-in expected generator output: Snapshots/<Case>#<hint>.verified.cs, rewritten when FIOMEM_UPDATE_SNAPSHOTS=1.
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;

namespace FioMem.Generators.Tests.Infrastructure;

internal static class SnapshotStore
{
    /// <summary>Set to <c>1</c> to rewrite the snapshots from the generator's current output instead of comparing.</summary>
    public const string UpdateVariable = "FIOMEM_UPDATE_SNAPSHOTS";

    public static bool IsUpdating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>
    /// The Snapshots folder in the source tree, found from this file's compile-time path; when that path was mapped
    /// away (deterministic CI builds write <c>/_/</c>), the copy next to the test assembly, which is read-only in spirit.
    /// </summary>
    public static string Directory { get; } = FindDirectory();

    public static string PathFor(string caseName, string hintName) =>
        Path.Combine(Directory, $"{caseName}#{Path.GetFileNameWithoutExtension(hintName)}.verified.cs");

    /// <summary>The snapshot files of one case, by hint name (<c>X.g.verified.cs</c> → <c>X.g.cs</c>).</summary>
    public static IReadOnlyDictionary<string, string> Read(string caseName)
    {
        Dictionary<string, string> files = new(StringComparer.Ordinal);
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, $"{caseName}#*.verified.cs"))
        {
            string name = Path.GetFileName(path);
            string hint = name.Substring(caseName.Length + 1, name.Length - caseName.Length - 1 - ".verified.cs".Length) + ".cs";
            // A checkout that converted line ends must not fail the comparison: the generator always writes '\n'.
            files[hint] = File.ReadAllText(path).Replace("\r\n", "\n");
        }

        return files;
    }

    /// <summary>Replaces the case's snapshots with <paramref name="generated"/>, deleting stale ones.</summary>
    public static void Write(string caseName, IEnumerable<(string HintName, string Text)> generated)
    {
        foreach (string stale in System.IO.Directory.EnumerateFiles(Directory, $"{caseName}#*.verified.cs"))
            File.Delete(stale);
        foreach ((string hint, string text) in generated)
            File.WriteAllText(PathFor(caseName, hint), text);
    }

    private static string FindDirectory()
    {
        string source = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(ThisFile()))!, "Snapshots");
        return System.IO.Directory.Exists(source) ? source : Path.Combine(AppContext.BaseDirectory, "Snapshots");
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
