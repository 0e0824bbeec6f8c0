// What each file's walk needs from the compilation, equal across edits that change no declaration.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Migration;
using FioMem.Generators.Helpers;
using FioMem.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FioMem.Generators.Interception;

/// <summary>
/// The compilation a file's walk binds with, compared by what can change a file's facts from outside the file: the
/// declarations of every tree (<see cref="DeclarationsOf"/>), the references, the options and the names that start the
/// walk. An edit inside a member body leaves it equal, so the pipeline keeps every other file's walk cached.
/// </summary>
/// <remarks>
/// <para>
/// A file's facts depend on its own text and on what the symbols it uses declare; a member body elsewhere changes no
/// binding in this file. When this input compares equal, the pipeline hands on the compilation it holds (possibly an
/// earlier one, with older bodies elsewhere); a tree that compilation does not contain is walked in it with that one tree
/// replaced (<see cref="CompilationWith"/>), which binds the same as the current compilation. Trees are told apart by
/// their paths; in a compilation where two trees share one, no input compares equal to another, and every file is
/// walked again after any edit.
/// </para>
/// <para>
/// It holds a compilation, against the usual advice for pipeline values: binding needs one, and every value computed
/// from it (<see cref="FileFacts"/>) is symbol-free. It keeps at most one earlier compilation alive.
/// </para>
/// </remarks>
internal sealed class AnalysisInput : IEquatable<AnalysisInput>
{
    /// <summary>The input of a compilation with nothing to analyse (interception and the report off, or no NativeMemory).</summary>
    public static AnalysisInput Inactive { get; } =
        new(null, null, EquatableArray<TreeSummary>.Empty, EquatableArray<string>.Empty, EquatableArray<string>.Empty);

    private AnalysisInput(Compilation? compilation, AnalyzerConfigOptionsProvider? options, EquatableArray<TreeSummary> trees,
        EquatableArray<string> declarations, EquatableArray<string> seeds)
    {
        Compilation = compilation;
        Options = options;
        Trees = trees;
        Declarations = declarations;
        Seeds = seeds;
        SeedSet = new HashSet<string>(seeds, StringComparer.Ordinal);
        var paths = new HashSet<string>(StringComparer.Ordinal);
        _pathsAreUnique = trees.All(tree => paths.Add(tree.FilePath));
    }

    // Whether each tree has a path of its own: CompilationWith finds the file an edit replaced by its path.
    private readonly bool _pathsAreUnique;

    /// <summary>The compilation, or null when there is nothing to analyse.</summary>
    public Compilation? Compilation { get; }

    /// <summary>The build's options.</summary>
    public AnalyzerConfigOptionsProvider? Options { get; }

    /// <summary>Every tree's summary, in the compilation's order.</summary>
    public EquatableArray<TreeSummary> Trees { get; }

    /// <summary>Every tree's declaration digest (<see cref="DeclarationsOf"/>), in the compilation's order.</summary>
    public EquatableArray<string> Declarations { get; }

    /// <summary>The names the walk starts from: <c>NativeMemory</c> and its aliases (sorted).</summary>
    public EquatableArray<string> Seeds { get; }

    /// <summary><see cref="Seeds"/> as a set.</summary>
    public HashSet<string> SeedSet { get; }

    /// <summary>Whether a compilation with these trees has anything to analyse, by their syntax.</summary>
    public static bool MayAnalyze(IReadOnlyList<TreeSummary> trees) => trees.Any(tree => tree.NamesNativeMemory);

    /// <summary>The input of <paramref name="compilation"/>, given its trees' summaries and declaration digests.</summary>
    public static AnalysisInput Create(Compilation compilation, AnalyzerConfigOptionsProvider options, IReadOnlyList<TreeSummary> trees,
        IReadOnlyList<string> declarations)
    {
        if (!InterceptionSettingsReader.Analyzes(options.GlobalOptions) || !MayAnalyze(trees)
            || KnownSymbols.TryCreate(compilation)?.NativeMemory is null)
        {
            return Inactive;
        }

        var seeds = new SortedSet<string>(StringComparer.Ordinal) { OwnershipTrees.NativeMemoryTypeName };
        foreach (var tree in trees)
            seeds.UnionWith(tree.Aliases);
        return new AnalysisInput(compilation, options, new EquatableArray<TreeSummary>(trees.ToImmutableArray()),
            new EquatableArray<string>(declarations.ToImmutableArray()), new EquatableArray<string>(seeds.ToImmutableArray()));
    }

    /// <summary>
    /// <see cref="Compilation"/>, or, when it does not hold <paramref name="tree"/> (the compilation this input was made
    /// from had an older version of the file, with the same declarations), that compilation with the tree replaced.
    /// </summary>
    /// <remarks>One compilation per edited tree, kept while the tree lives: a file's rounds of the walk bind in it
    /// without building its declarations and symbols again each time.</remarks>
    public Compilation CompilationWith(SyntaxTree tree)
    {
        var compilation = Compilation ?? throw new InvalidOperationException("No compilation to analyse.");
        if (compilation.ContainsSyntaxTree(tree))
            return compilation;
        return _withEditedTree.GetValue(tree, edited =>
        {
            foreach (var old in compilation.SyntaxTrees)
            {
                if (old.FilePath == edited.FilePath)
                    return compilation.ReplaceSyntaxTree(old, edited);
            }

            throw new InvalidOperationException("The compilation has no file '" + edited.FilePath + "'.");
        });
    }

    // The compilations CompilationWith made, by the tree each replaced a file with.
    private readonly ConditionalWeakTable<SyntaxTree, Compilation> _withEditedTree = new();

    /// <inheritdoc/>
    public bool Equals(AnalysisInput? other)
    {
        if (other is null)
            return false;
        if (ReferenceEquals(this, other) || (Compilation is null && other.Compilation is null))
            return true;
        if (Compilation is null || other.Compilation is null || !_pathsAreUnique || !other._pathsAreUnique)
            return false;
        return ReferenceEquals(Options, other.Options)
            && Trees.Equals(other.Trees)
            && Declarations.Equals(other.Declarations)
            && Seeds.Equals(other.Seeds)
            && Compilation.AssemblyName == other.Compilation.AssemblyName
            && Compilation.Options.Equals(other.Compilation.Options)
            && Compilation.References.SequenceEqual(other.Compilation.References, ReferenceEqualityComparer.Instance);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AnalysisInput other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Trees.GetHashCode();

    /// <summary>A tree's summary, from its syntax alone: whether it names <c>NativeMemory</c>, and the aliases it gives it.</summary>
    public static TreeSummary Summarize(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var root = tree.GetRoot(cancellationToken);
        var aliases = new SortedSet<string>(StringComparer.Ordinal);
        OwnershipTrees.AddNativeMemoryAliases(root, aliases);
        return new TreeSummary(tree.FilePath, CalledNames.NativeMemoryType.OccurIn(root), new EquatableArray<string>(aliases.ToImmutableArray()));
    }

    /// <summary>
    /// A digest of the declarations of <paramref name="tree"/>: every token outside the bodies of methods, accessors,
    /// operators and expression-bodied properties, with the tree's parse options. Asked for only in a compilation that
    /// names NativeMemory.
    /// </summary>
    public static string DeclarationsOf(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var root = tree.GetRoot(cancellationToken);

        // Two 64-bit FNV-1a digests with different offsets: 128 bits, so distinct declarations practically never collide.
        ulong first = 14695981039346656037UL, second = 1099511628211UL * 31;
        void Add(string text)
        {
            foreach (char c in text)
            {
                first = (first ^ c) * 1099511628211UL;
                second = (second ^ c) * 1099511628211UL + 0x9E3779B97F4A7C15UL;
            }

            first = (first ^ 0xFFFF) * 1099511628211UL;
            second = (second ^ 0xFFFF) * 1099511628211UL;
        }

        foreach (var token in root.DescendantTokens(static node => !IsBody(node)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!EndsExpressionBody(token))
                Add(token.Text);
        }

        Add(tree.Options.GetHashCode().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return first.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + second.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    // The semicolon after an expression body (M() => x;), which a block body does without.
    private static bool EndsExpressionBody(SyntaxToken token) =>
        token.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.SemicolonToken) && token.Parent switch
        {
            BaseMethodDeclarationSyntax method => method.ExpressionBody is not null,
            AccessorDeclarationSyntax accessor => accessor.ExpressionBody is not null,
            PropertyDeclarationSyntax property => property.ExpressionBody is not null,
            IndexerDeclarationSyntax indexer => indexer.ExpressionBody is not null,
            _ => false,
        };

    // A member's body: what it does, which binds nothing in another file.
    private static bool IsBody(SyntaxNode node) => node switch
    {
        BlockSyntax { Parent: BaseMethodDeclarationSyntax or AccessorDeclarationSyntax } => true,
        ArrowExpressionClauseSyntax { Parent: BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or PropertyDeclarationSyntax or IndexerDeclarationSyntax } => true,
        _ => false,
    };

    private sealed class ReferenceEqualityComparer : IEqualityComparer<MetadataReference>
    {
        public static readonly ReferenceEqualityComparer Instance = new();

        public bool Equals(MetadataReference? x, MetadataReference? y) => ReferenceEquals(x, y);

        public int GetHashCode(MetadataReference obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
