// Who else can call into the compilation: FIO003's view of the public surface, from the project's build properties.
using System;
using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FioMem.Analyzers.Migration;

/// <summary>
/// Decides which members code outside the compilation can call. In an executable nothing can (public members are like
/// internal ones); in a library public and protected members can, unless the <c>.editorconfig</c> option
/// <see cref="MigratePublicApiOption"/> is true where the member is declared. Also tells whether the project targets
/// several frameworks, where the fix must write code every target compiles.
/// </summary>
internal sealed class MigrationScope
{
    /// <summary>The <c>.editorconfig</c> option that lets memory crossing a library's public API migrate too.</summary>
    public const string MigratePublicApiOption = "fiomem_migrate_public_api";

    private readonly AnalyzerConfigOptionsProvider _options;
    private readonly bool _globalOptIn;
    private readonly ConcurrentDictionary<SyntaxTree, bool> _optInByTree = new();

    private MigrationScope(AnalyzerConfigOptionsProvider options, bool isExecutable, bool isMultiTarget, bool definesFioMem, bool hasFriends)
    {
        DefinesFioMemSymbol = definesFioMem;
        _options = options;
        IsExecutable = isExecutable;
        HasFriendAssemblies = hasFriends;
        IsMultiTarget = isMultiTarget;
        _globalOptIn = IsTrue(options.GlobalOptions, MigratePublicApiOption);
    }

    /// <summary>True for an <c>Exe</c>/<c>WinExe</c> project: no other assembly calls its members (but friends, below).</summary>
    public bool IsExecutable { get; }

    /// <summary>
    /// True when the assembly declares <c>[InternalsVisibleTo]</c>: its friends (a test project, most often) call its
    /// internal members too, and may free what they return with NativeMemory, so internal members are API for them.
    /// </summary>
    public bool HasFriendAssemblies { get; }

    /// <summary>True when the project builds for several target frameworks (FioMem is referenced by some of them).</summary>
    public bool IsMultiTarget { get; }

    /// <summary>True when the compilation defines <c>FIOMEM</c> (FioMem's build file does, where FioMem is referenced).</summary>
    public bool DefinesFioMemSymbol { get; }

    /// <summary>
    /// Reads <c>build_property.OutputType</c> and <c>build_property.FioMemTargetFrameworks</c> (made visible to the
    /// compiler by FioMem's build file); without them, the compilation's output kind decides and the project counts as
    /// single-target.
    /// </summary>
    public static MigrationScope Create(Compilation compilation, AnalyzerOptions options)
    {
        var provider = options.AnalyzerConfigOptionsProvider;
        bool isExecutable = provider.GlobalOptions.TryGetValue("build_property.OutputType", out var outputType) && outputType.Length > 0
            ? outputType.Trim().Equals("Exe", StringComparison.OrdinalIgnoreCase)
                || outputType.Trim().Equals("WinExe", StringComparison.OrdinalIgnoreCase)
                || outputType.Trim().Equals("AppContainerExe", StringComparison.OrdinalIgnoreCase)
            : compilation.Options.OutputKind is OutputKind.ConsoleApplication or OutputKind.WindowsApplication
                or OutputKind.WindowsRuntimeApplication;

        bool isMultiTarget = false;
        if (provider.GlobalOptions.TryGetValue("build_property.FioMemTargetFrameworks", out var frameworks))
        {
            int count = 0;
            foreach (var framework in frameworks.Split(new[] { ' ', ',', ';' }, StringSplitOptions.RemoveEmptyEntries))
                count++;
            isMultiTarget = count > 1;
        }

        bool definesFioMem = false;
        foreach (var tree in compilation.SyntaxTrees)
        {
            foreach (var symbol in tree.Options.PreprocessorSymbolNames)
                definesFioMem |= symbol == MigrationProperties.FioMemSymbol;
            break;
        }

        bool hasFriends = false;
        foreach (var attribute in compilation.Assembly.GetAttributes())
        {
            hasFriends |= attribute.AttributeClass is { Name: "InternalsVisibleToAttribute", ContainingNamespace: { Name: "CompilerServices" } };
        }

        return new MigrationScope(provider, isExecutable, isMultiTarget, definesFioMem, hasFriends);
    }

    /// <summary>Whether code outside the compilation can call (or read and write) <paramref name="member"/>.</summary>
    public bool IsCallableFromOutside(ISymbol member)
    {
        if (IsExecutable && !HasFriendAssemblies || !IsExternallyVisible(member))
            return false;
        return !OptedIn(member);
    }

    /// <summary>
    /// Whether <paramref name="member"/> is part of a library's public API that the option lets migrate: all such
    /// members share one place, since other assemblies may free what one returns with another (the library's promise).
    /// </summary>
    public bool IsOptedInPublicSurface(ISymbol member) => (!IsExecutable || HasFriendAssemblies) && IsExternallyVisible(member) && OptedIn(member);

    private bool OptedIn(ISymbol member)
    {
        if (_globalOptIn)
            return true;
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            var tree = reference.SyntaxTree;
            if (_optInByTree.GetOrAdd(tree, t => IsTrue(_options.GetOptions(t), MigratePublicApiOption)))
                return true;
        }

        return false;
    }

    // Public or protected, in types that are all public or protected; with friend assemblies, anything but private.
    private bool IsExternallyVisible(ISymbol member)
    {
        for (var symbol = member; symbol is not null and not INamespaceSymbol; symbol = symbol.ContainingSymbol)
        {
            if (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction })
                return false;
            var accessibility = symbol.DeclaredAccessibility;
            if (HasFriendAssemblies
                ? accessibility is Accessibility.Private or Accessibility.NotApplicable
                : accessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTrue(AnalyzerConfigOptions options, string key) =>
        options.TryGetValue(key, out var value) && value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
}
