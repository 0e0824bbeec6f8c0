// One syntax tree → its ownership facts as symbol-free keys, so the pipeline can cache and compare them.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Migration;
using FioMem.Generators.Helpers;
using FioMem.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FioMem.Generators.Interception;

/// <summary>
/// Runs FIO003's ownership walk (the same <c>OwnershipWalker</c>) over one tree into a graph of its own, then exports
/// the facts with keys that hold no symbols: a field, property or method by its documentation ID (stable when another
/// file changes), a local or lambda by its declaration's position in its file, a call by its span.
/// </summary>
internal static class InterceptionFactsCollector
{
    /// <summary>The key of the public API's hub (<c>PointerLocation.PublicSurface</c>).</summary>
    public const string PublicSurfaceKey = "public";

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>
    /// The facts of every tree of the compilation, one <see cref="FileFacts"/> per tree in the compilation's order; none
    /// when neither interception nor the migration report is asked for, or nothing names NativeMemory.
    /// </summary>
    /// <remarks>
    /// Only the members that can bear on a NativeMemory call's group are walked (<c>OwnershipTrees.AnalyzeRelevantMembers</c>);
    /// each tree's walk goes into a graph of its own, exported with keys that name no symbol.
    /// </remarks>
    public static EquatableArray<FileFacts> CollectAll(Compilation compilation, AnalyzerConfigOptionsProvider options,
        CancellationToken cancellationToken)
    {
        if (!InterceptionSettingsReader.Analyzes(options.GlobalOptions))
            return EquatableArray<FileFacts>.Empty;
        var symbols = KnownSymbols.TryCreate(compilation);
        if (symbols?.NativeMemory is not { } nativeMemory || !NamesNativeMemory(compilation, cancellationToken))
            return EquatableArray<FileFacts>.Empty;

        var scope = MigrationScope.Create(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, options));
        var models = new Dictionary<SyntaxTree, SemanticModel>();
        var graphs = new Dictionary<SyntaxTree, OwnershipGraph>();
        var walkers = new Dictionary<SyntaxTree, OwnershipWalker>();
        var generated = new Dictionary<SyntaxTree, bool>();
        SemanticModel ModelFor(SyntaxTree tree)
        {
            if (!models.TryGetValue(tree, out var model))
                models[tree] = model = compilation.GetSemanticModel(tree);
            return model;
        }

        OwnershipWalker WalkerFor(SyntaxTree tree)
        {
            if (!walkers.TryGetValue(tree, out var walker))
            {
                var graph = graphs[tree] = new OwnershipGraph();
                walkers[tree] = walker = new OwnershipWalker(graph, nativeMemory, symbols.FioMemory, compilation.Assembly, scope);
            }

            return walker;
        }

        bool IsGenerated(SyntaxTree tree)
        {
            if (!generated.TryGetValue(tree, out bool value))
                generated[tree] = value = IsGeneratedFile(tree, options.GetOptions(tree), cancellationToken);
            return value;
        }

        OwnershipTrees.AnalyzeRelevantMembers(compilation.SyntaxTrees, compilation.Assembly, ModelFor, WalkerFor, () => graphs.Values,
            IsGenerated, cancellationToken);

        var files = ImmutableArray.CreateBuilder<FileFacts>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var model = ModelFor(tree);
            var keys = new Dictionary<PointerLocation, string>();
            var sink = new KeyedFacts(place => Key(place, keys), candidate => CallFactOf(candidate, model, Key(candidate.Node, keys), cancellationToken));
            if (graphs.TryGetValue(tree, out var graph))
                graph.ExportFacts(sink);

            // A partial member declared here without an implementation is implemented by another generator, whose output
            // this generator cannot see (FIO003, which runs after the generators, sees it as generated code): memory that
            // reaches it stays, as FIO003 leaves it.
            foreach (var place in PlacesImplementedElsewhere(model, cancellationToken))
                sink.Taint(place, LeftAloneReason.GeneratedCode);

            files.Add(sink.ToFileFacts(tree.FilePath));
        }

        return new EquatableArray<FileFacts>(files.ToImmutable());
    }

    /// <summary>
    /// One file's share of a round of the relevance walk: the members of <paramref name="tree"/> that spell one of
    /// <paramref name="names"/> and none of <paramref name="walkedBefore"/> (the names of the rounds before), walked with
    /// <paramref name="input"/>'s compilation, their facts keyed as <see cref="CollectAll"/> keys them, with the name code
    /// spells to reach each place (<see cref="PlaceName"/>, for the next round). Without the taints of partial members
    /// (<see cref="PartialMemberTaints"/>).
    /// </summary>
    public static FileFacts CollectFile(SyntaxTree tree, AnalysisInput input, HashSet<string> names,
        HashSet<string>? walkedBefore, CancellationToken cancellationToken)
    {
        // A file that never spells a name of the round has nothing to walk in it: no compilation, no semantic model, no
        // binding.
        if (names.Count == 0 || !CalledNames.NativeMemoryType.With(names).OccurIn(tree.GetRoot(cancellationToken)))
            return FileFacts.Empty(tree.FilePath);

        var compilation = input.CompilationWith(tree);
        var symbols = KnownSymbols.TryCreate(compilation);
        if (symbols?.NativeMemory is not { } nativeMemory || input.Options is not { } options)
            return FileFacts.Empty(tree.FilePath);

        var model = compilation.GetSemanticModel(tree);
        var graph = new OwnershipGraph();
        var scope = MigrationScope.Create(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, options));
        var walker = new OwnershipWalker(graph, nativeMemory, symbols.FioMemory, compilation.Assembly, scope);
        OwnershipTrees.WalkMembersSpelling(walker, model, names, walkedBefore,
            IsGeneratedFile(tree, options.GetOptions(tree), cancellationToken), cancellationToken);

        var keys = new Dictionary<PointerLocation, string>();
        var spelled = new List<PlaceName>();
        string KeyOf(PointerLocation place)
        {
            if (keys.TryGetValue(place, out var known))
                return known;
            string key = Key(place, keys);
            string? name = OwnershipTrees.SpelledName(place, compilation.Assembly, out bool unspelled);
            if (name is not null || unspelled)
                spelled.Add(new PlaceName(key, name ?? string.Empty, unspelled));
            return key;
        }

        var sink = new KeyedFacts(KeyOf, candidate => CallFactOf(candidate, model, KeyOf(candidate.Node), cancellationToken));
        graph.ExportFacts(sink);
        return sink.ToFileFacts(tree.FilePath, spelled);
    }

    /// <summary>
    /// The taints <see cref="CollectAll"/> gives the places of the partial members <paramref name="tree"/> declares without
    /// implementing (another generator implements them, out of this generator's sight).
    /// </summary>
    public static List<TaintFact> PartialMemberTaints(SyntaxTree tree, AnalysisInput input, CancellationToken cancellationToken)
    {
        var taints = new List<TaintFact>();
        if (!MayDeclarePartialMembers(tree, cancellationToken))
            return taints;
        var model = input.CompilationWith(tree).GetSemanticModel(tree);
        var keys = new Dictionary<PointerLocation, string>();
        foreach (var place in PlacesImplementedElsewhere(model, cancellationToken))
            taints.Add(new TaintFact(Key(place, keys), (int)LeftAloneReason.GeneratedCode));
        return taints;
    }

    // Whether the tree may declare a partial method or property (the word alone; PlacesImplementedElsewhere decides).
    private static bool MayDeclarePartialMembers(SyntaxTree tree, CancellationToken cancellationToken) =>
        s_partial.OccurIn(tree.GetRoot(cancellationToken));

    private static readonly CalledNames s_partial = CalledNames.NativeMemoryType.With(new[] { "partial" });

    private static IEnumerable<PointerLocation> PlacesImplementedElsewhere(SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var node in model.SyntaxTree.GetRoot(cancellationToken).DescendantNodes(static n => n is not (BlockSyntax or ArrowExpressionClauseSyntax)))
        {
            if (node is MethodDeclarationSyntax { Body: null, ExpressionBody: null } method
                && method.Modifiers.Any(SyntaxKind.PartialKeyword)
                && model.GetDeclaredSymbol(method, cancellationToken) is { PartialImplementationPart: null } methodSymbol
                && methodSymbol.IsPartialDefinition)
            {
                yield return PointerLocation.ForReturn(methodSymbol);
                for (int i = 0; i < methodSymbol.Parameters.Length; i++)
                    yield return PointerLocation.ForParameter(methodSymbol, i);
            }
            else if (node is PropertyDeclarationSyntax property
                && property.Modifiers.Any(SyntaxKind.PartialKeyword)
                && model.GetDeclaredSymbol(property, cancellationToken) is { PartialImplementationPart: null, IsPartialDefinition: true } propertySymbol)
            {
                yield return PointerLocation.ForProperty(propertySymbol);
            }
        }
    }

    private static bool NamesNativeMemory(Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (CalledNames.NativeMemoryType.OccurIn(tree.GetRoot(cancellationToken)))
                return true;
        }

        return false;
    }

    private static CallFact CallFactOf(MigrationCandidate candidate, SemanticModel model, string key, CancellationToken cancellationToken)
    {
        var span = candidate.Location.GetLineSpan();
        int version = 0;
        string data = string.Empty, returnType = string.Empty, parameterTypes = string.Empty;
        var node = model.SyntaxTree.GetRoot(cancellationToken).FindNode(candidate.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node is InvocationExpressionSyntax invocation
            && model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method)
        {
            returnType = method.ReturnType.ToDisplayString(s_typeFormat);
            var types = new string[method.Parameters.Length];
            for (int i = 0; i < types.Length; i++)
                types[i] = method.Parameters[i].Type.ToDisplayString(s_typeFormat);
            parameterTypes = string.Join(",", types);
            if (model.GetInterceptableLocation(invocation, cancellationToken) is { } location)
            {
                version = location.Version;
                data = location.Data;
            }
        }

        return new CallFact(key, candidate.NativeMethod, (int)candidate.Role, candidate.FioMethod, candidate.ArgumentCount,
            candidate.Member, candidate.InGeneratedCode, candidate.UnboundedSize, span.Path,
            span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, version, data, returnType, parameterTypes);
    }

    /// <summary>A key that names the place without a symbol and stays the same while its declaration does.</summary>
    private static string Key(PointerLocation place, Dictionary<PointerLocation, string> keys)
    {
        if (keys.TryGetValue(place, out var known))
            return known;

        string key = place.Kind switch
        {
            PointerLocationKind.Call => "call:" + place.Tree?.FilePath + ":" + Number(place.Span.Start) + "+" + Number(place.Span.Length),
            PointerLocationKind.PublicSurface => PublicSurfaceKey,
            _ => place.Kind.ToString() + ":" + SymbolKey(place.Symbol) + "#" + Number(place.Ordinal),
        };
        keys[place] = key;
        return key;
    }

    private static string SymbolKey(ISymbol? symbol)
    {
        if (symbol is null)
            return string.Empty;

        // Locals, lambdas and local functions live in one member of one file: their declaration's position names them.
        bool local = symbol is ILocalSymbol or IRangeVariableSymbol
            || symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction };
        if (!local && symbol.GetDocumentationCommentId() is { Length: > 0 } id)
            return id;

        string where = string.Empty;
        foreach (var location in symbol.Locations)
        {
            if (location.IsInSource)
            {
                where = location.SourceTree!.FilePath + "@" + Number(location.SourceSpan.Start) + ":";
                break;
            }
        }

        return where + symbol.Kind.ToString() + ":" + symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    // The conventions Roslyn's analyzer host uses for generated files: generated_code in .editorconfig, a name ending
    // .g.cs/.designer.cs/.generated.cs, or a leading <auto-generated> comment.
    internal static bool IsGeneratedFile(SyntaxTree tree, AnalyzerConfigOptions options, CancellationToken cancellationToken)
    {
        if (options.TryGetValue("generated_code", out var generated))
            return generated.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);

        string name = System.IO.Path.GetFileName(tree.FilePath ?? string.Empty);
        if (name.StartsWith("TemporaryGeneratedFile_", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".g.cs", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".g.i.cs", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".designer.cs", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".generated.cs", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var trivia in tree.GetRoot(cancellationToken).GetLeadingTrivia())
        {
            if ((trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia))
                && (trivia.ToString().IndexOf("<auto-generated", StringComparison.OrdinalIgnoreCase) >= 0))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Keeps the facts of one tree as symbol-free keys, one list per kind of fact; sorted on the way out, since the graph
/// gathers them in concurrent queues and equal trees must give equal facts.
/// </summary>
internal sealed class KeyedFacts : IOwnershipFacts
{
    private readonly Func<PointerLocation, string> _key;
    private readonly Func<MigrationCandidate, CallFact> _call;
    private readonly List<FactPair> _unions = new();
    private readonly List<TaintFact> _taints = new();
    private readonly List<FactPair> _derived = new();
    private readonly List<FactPair> _arguments = new();
    private readonly List<string> _publicInputs = new();
    private readonly List<string> _publicOutputs = new();
    private readonly List<string> _lent = new();
    private readonly List<CallFact> _calls = new();

    public KeyedFacts(Func<PointerLocation, string> key, Func<MigrationCandidate, CallFact> call)
    {
        _key = key;
        _call = call;
    }

    public void AddCall(MigrationCandidate call) => _calls.Add(_call(call));

    public void Union(PointerLocation a, PointerLocation b) => _unions.Add(new FactPair(_key(a), _key(b)));

    public void Taint(PointerLocation location, LeftAloneReason reason)
    {
        // An inflow keeps nothing on NativeMemory (OwnershipGraph drops it too): not worth a key.
        if (!LeftAloneReasons.IsInflow(reason))
            _taints.Add(new TaintFact(_key(location), (int)reason));
    }

    public void Derive(PointerLocation derived, PointerLocation origin) => _derived.Add(new FactPair(_key(derived), _key(origin)));

    public void PassArgument(PointerLocation parameter, PointerLocation argument) => _arguments.Add(new FactPair(_key(parameter), _key(argument)));

    public void PublicInput(PointerLocation location) => _publicInputs.Add(_key(location));

    public void PublicOutput(PointerLocation location) => _publicOutputs.Add(_key(location));

    public void LendToNativeCode(PointerLocation location) => _lent.Add(_key(location));

    public FileFacts ToFileFacts(string filePath, List<PlaceName>? names = null) => new(
        filePath,
        Sorted(_unions, ComparePairs),
        Sorted(_taints, CompareTaints),
        Sorted(_derived, ComparePairs),
        Sorted(_arguments, ComparePairs),
        Sorted(_publicInputs, string.CompareOrdinal),
        Sorted(_publicOutputs, string.CompareOrdinal),
        Sorted(_lent, string.CompareOrdinal),
        Sorted(_calls, CompareCalls),
        names is null ? EquatableArray<PlaceName>.Empty : Sorted(names, static (x, y) => string.CompareOrdinal(x.Key, y.Key)));

    /// <summary>The facts of two walks of one file (different members), as one walk of both would give them.</summary>
    public static FileFacts Merge(FileFacts first, FileFacts second)
    {
        var names = new Dictionary<string, PlaceName>(StringComparer.Ordinal);
        foreach (var name in first.Names)
            names[name.Key] = name;
        foreach (var name in second.Names)
            names[name.Key] = name;
        return new FileFacts(
            first.FilePath,
            Sorted(Concat(first.Unions, second.Unions), ComparePairs),
            Sorted(MergeTaints(first.Taints, second.Taints), CompareTaints),
            Sorted(Concat(first.Derived, second.Derived), ComparePairs),
            Sorted(Concat(first.Arguments, second.Arguments), ComparePairs),
            Sorted(Concat(first.PublicInputs, second.PublicInputs), string.CompareOrdinal),
            Sorted(Concat(first.PublicOutputs, second.PublicOutputs), string.CompareOrdinal),
            Sorted(Concat(first.Lent, second.Lent), string.CompareOrdinal),
            Sorted(Concat(first.Calls, second.Calls), CompareCalls),
            Sorted(new List<PlaceName>(names.Values), static (x, y) => string.CompareOrdinal(x.Key, y.Key)));
    }

    /// <summary><paramref name="facts"/> with <paramref name="taints"/> added.</summary>
    public static FileFacts WithTaints(FileFacts facts, List<TaintFact> taints)
    {
        if (taints.Count == 0)
            return facts;
        taints.AddRange(facts.Taints);
        return facts with { Taints = Sorted(taints, CompareTaints) };
    }

    // One walk's graph keeps the first reason a place is tainted with: the first walk's, then the second's for the places
    // the first did not taint.
    private static List<TaintFact> MergeTaints(EquatableArray<TaintFact> first, EquatableArray<TaintFact> second)
    {
        var all = new List<TaintFact>(first);
        var tainted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var taint in first)
            tainted.Add(taint.Key);
        foreach (var taint in second)
        {
            if (!tainted.Contains(taint.Key))
                all.Add(taint);
        }

        return all;
    }

    private static List<T> Concat<T>(EquatableArray<T> first, EquatableArray<T> second)
        where T : IEquatable<T>
    {
        var all = new List<T>(first.Length + second.Length);
        all.AddRange(first);
        all.AddRange(second);
        return all;
    }

    private static int CompareTaints(TaintFact x, TaintFact y) => x.Key != y.Key ? string.CompareOrdinal(x.Key, y.Key) : x.Reason.CompareTo(y.Reason);

    private static int CompareCalls(CallFact x, CallFact y) => string.CompareOrdinal(x.Key, y.Key);

    private static EquatableArray<T> Sorted<T>(List<T> items, Comparison<T> comparison)
        where T : IEquatable<T>
    {
        var array = items.ToArray();
        Array.Sort(array, comparison);
        return new EquatableArray<T>(ImmutableArray.Create(array));
    }

    private static int ComparePairs(FactPair x, FactPair y)
    {
        int first = string.CompareOrdinal(x.First, y.First);
        return first != 0 ? first : string.CompareOrdinal(x.Second, y.Second);
    }
}
