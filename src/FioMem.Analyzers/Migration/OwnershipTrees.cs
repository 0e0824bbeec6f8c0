// Feeds a whole syntax tree's members to FIO003's ownership walk, outside an analyzer host, as the analyzer driver does.
using System;
using System.Collections.Generic;
using System.Threading;
using FioMem.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FioMem.Analyzers.Migration;

/// <summary>Walks the members of one syntax tree (for <c>MigrationExplainer</c> and the build-time interception).</summary>
/// <remarks>
/// FIO003 walks what the analyzer driver hands its code block action: one declaration node and its symbol per member.
/// <see cref="CodeBlocks"/> enumerates the same pairs — the same nodes and the same owning symbols (the getter, not the
/// property, for an expression-bodied property; the synthesized entry point for top-level statements; the primary
/// constructor for a type's base call) — and <see cref="MemberOperations"/> turns each into the same operation roots, so
/// both hosts record the same facts. Members in generated code are flagged as the driver flags them: the whole file, or
/// a declaration under <c>[GeneratedCode]</c>.
/// </remarks>
internal static class OwnershipTrees
{
    private const string GeneratedCodeAttribute = "System.CodeDom.Compiler.GeneratedCodeAttribute";

    /// <summary>Records the facts of every member (method, accessor, initializer...) declared in the tree of <paramref name="model"/>.</summary>
    public static void AnalyzeTree(OwnershipWalker walker, SemanticModel model, bool isGeneratedCode, CancellationToken cancellationToken)
    {
        bool mayHaveAttribute = !isGeneratedCode && MentionsGeneratedCodeAttribute(model.SyntaxTree.GetRoot(cancellationToken));
        foreach (var (block, owner) in CodeBlocks(model, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var roots = MemberOperations.Roots(block, owner, model, cancellationToken);
            if (!roots.IsEmpty)
                walker.AnalyzeMember(owner, roots, isGeneratedCode || (mayHaveAttribute && HasGeneratedCodeAttribute(owner)));
        }
    }

    /// <summary>
    /// Walks, of the members of <paramref name="trees"/>, those that can bear on the group of a <c>NativeMemory</c> call
    /// (see <see cref="RelevantMembers"/>), each tree's members with <paramref name="walkerFor"/>.
    /// </summary>
    /// <returns>How many members were walked, of how many.</returns>
    public static (int Walked, int Members) AnalyzeRelevantMembers(IEnumerable<SyntaxTree> trees, IAssemblySymbol assembly,
        Func<SyntaxTree, SemanticModel> modelFor, Func<SyntaxTree, OwnershipWalker> walkerFor, Func<IEnumerable<OwnershipGraph>> graphs,
        Func<SyntaxTree, bool> isGeneratedFile, CancellationToken cancellationToken)
    {
        var relevant = new RelevantMembers(assembly);
        foreach (var tree in trees)
        {
            var root = tree.GetRoot(cancellationToken);
            relevant.AddAliases(root);
            relevant.AddTree(tree, modelFor, isGeneratedFile, cancellationToken);
        }

        return relevant.Walk(walkerFor, graphs, cancellationToken);
    }

    /// <summary>
    /// Walks the members of one tree whose syntax spells one of <paramref name="names"/> and none of
    /// <paramref name="walkedBefore"/> (the names of an earlier round of <see cref="RelevantMembers"/>, whose members that
    /// round walked): one round of the relevance walk, for one file.
    /// </summary>
    public static void WalkMembersSpelling(OwnershipWalker walker, SemanticModel model, ICollection<string> names,
        ICollection<string>? walkedBefore, bool isGeneratedFile, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax)model.SyntaxTree.GetRoot(cancellationToken);
        var blocks = MemberBlocks(root, cancellationToken);
        blocks.Sort(static (x, y) => x.Node.SpanStart.CompareTo(y.Node.SpanStart));
        bool? mayHaveAttribute = null;
        var filter = CalledNames.NativeMemoryType.With(names);
        var filterBefore = walkedBefore is null ? null : CalledNames.NativeMemoryType.With(walkedBefore);
        foreach (var block in blocks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Spells(block.Node, names, filter) || (walkedBefore is not null && Spells(block.Node, walkedBefore, filterBefore)))
                continue;
            if (block.Owner(model, cancellationToken) is not { } owner)
                continue;
            var roots = MemberOperations.Roots(block.Node, owner, model, cancellationToken);
            if (roots.IsEmpty)
                continue;
            mayHaveAttribute ??= !isGeneratedFile && MentionsGeneratedCodeAttribute(root);
            walker.AnalyzeMember(owner, roots, isGeneratedFile || (mayHaveAttribute.Value && HasGeneratedCodeAttribute(owner)));
        }
    }

    /// <summary>
    /// The members of a compilation, and the walk of those that can bear on the group of a <c>NativeMemory</c> call, and
    /// no other: the facts that decide each call's group are the ones a walk of every member records.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A member's facts join places it touches; a member can change a call's group only by touching a place of that
    /// group. Locals, lambdas and local functions belong to one member; every other place — a field, a property, a
    /// method's parameters and return, a field's array elements — is spelled by its name in each member that touches
    /// it, and overrides and implementations spell the name of what they link to. So the walk starts with the members
    /// that spell <c>NativeMemory</c> (or an alias or <c>using static</c> of it), gathers the names of the places
    /// connected to a call by the facts so far (every kind of fact taken as a link), walks the members that spell one
    /// of those names, and repeats until no member is added.
    /// </para>
    /// <para>
    /// Code reaches some places without spelling their names: constructors (<c>new()</c>, <c>base(...)</c>), operators,
    /// conversions, indexers, the methods a pattern calls (<c>foreach</c>, <c>using</c>, <c>await</c>, deconstruction,
    /// collection initializers...) and the opted-in public API's one place. When such a place is connected to a call,
    /// every remaining member is walked.
    /// </para>
    /// </remarks>
    internal sealed class RelevantMembers
    {
        private readonly IAssemblySymbol _assembly;
        private readonly List<Member> _members = new();
        private readonly HashSet<string> _seeds = new(StringComparer.Ordinal) { NativeMemoryTypeName };

        /// <param name="assembly">The compilation's assembly (places of other assemblies are never walked).</param>
        public RelevantMembers(IAssemblySymbol assembly) => _assembly = assembly;

        /// <summary>Reads a tree's <c>using</c> aliases and <c>using static</c> of <c>NativeMemory</c>.</summary>
        public void AddAliases(SyntaxNode root)
        {
            lock (_seeds)
                AddNativeMemoryAliases(root, _seeds);
        }

        /// <summary>A member as the analyzer driver hands it to a code block action: its node, owning symbol and semantic model.</summary>
        public void Add(SyntaxNode block, ISymbol owner, SemanticModel model, bool isGeneratedCode)
        {
            lock (_members)
                _members.Add(new Member(block, owner, model, isGeneratedCode));
        }

        /// <summary>
        /// The members of <paramref name="tree"/>, found by their syntax alone: a member's symbol and semantic model are
        /// asked for only if it is walked, so a member the walk skips costs a scan of its tokens.
        /// </summary>
        public void AddTree(SyntaxTree tree, Func<SyntaxTree, SemanticModel> modelFor, Func<SyntaxTree, bool> isGeneratedFile,
            CancellationToken cancellationToken)
        {
            var file = new FileOfMembers(tree, modelFor, isGeneratedFile);
            var blocks = MemberBlocks((CompilationUnitSyntax)tree.GetRoot(cancellationToken), cancellationToken);
            lock (_members)
            {
                foreach (var block in blocks)
                    _members.Add(new Member(block, file));
            }
        }

        /// <summary>Walks the members that can bear on a call's group; how many were walked, of how many.</summary>
        public (int Walked, int Members) Walk(Func<SyntaxTree, OwnershipWalker> walkerFor, Func<IEnumerable<OwnershipGraph>> graphs,
            CancellationToken cancellationToken)
        {
            // The driver hands members over in any order; walking them in source order keeps the facts' order stable. By
            // path (ordinal), then position: each tree's path is ranked once, not compared at each step of the sort
            // (trees that share a path share a rank).
            var ranks = new Dictionary<SyntaxTree, int>();
            foreach (var member in _members)
                ranks[member.Node.SyntaxTree] = 0;
            var trees = new List<SyntaxTree>(ranks.Keys);
            trees.Sort(static (x, y) => string.CompareOrdinal(x.FilePath, y.FilePath));
            for (int i = 1; i < trees.Count; i++)
            {
                int previous = ranks[trees[i - 1]];
                ranks[trees[i]] = trees[i].FilePath == trees[i - 1].FilePath ? previous : previous + 1;
            }

            foreach (var member in _members)
                member.PathRank = ranks[member.Node.SyntaxTree];
            _members.Sort(static (x, y) =>
            {
                int byPath = x.PathRank.CompareTo(y.PathRank);
                return byPath != 0 ? byPath : x.Node.SpanStart.CompareTo(y.Node.SpanStart);
            });
            var names = new HashSet<string>(_seeds, StringComparer.Ordinal);
            var filter = CalledNames.NativeMemoryType.With(names);
            bool everything = false;
            int walked = 0;
            while (true)
            {
                bool added = false;
                foreach (var member in _members)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (member.Walked || !(everything || Spells(member.Node, names, filter)))
                        continue;
                    member.Walked = true;
                    added = true;
                    walked++;
                    var model = member.Model(cancellationToken);
                    if (member.Owner(model, cancellationToken) is not { } owner)
                        continue;
                    var roots = MemberOperations.Roots(member.Node, owner, model, cancellationToken);
                    if (!roots.IsEmpty)
                        walkerFor(member.Node.SyntaxTree).AnalyzeMember(owner, roots, member.IsGeneratedCode(owner, cancellationToken));
                }

                if (!added || everything)
                    break;

                var reach = new Reach(_assembly);
                foreach (var graph in graphs())
                    graph.ExportFacts(reach);
                everything = reach.NamesOfPlacesConnectedToCalls(names);
                filter = CalledNames.NativeMemoryType.With(names);
            }

            return (walked, _members.Count);
        }
    }

    /// <summary>The name every walk starts from: members that spell it (or an alias of it) are walked first.</summary>
    internal const string NativeMemoryTypeName = "NativeMemory";

    // using NM = System.Runtime.InteropServices.NativeMemory; and using static ...NativeMemory; spell its calls otherwise.
    internal static void AddNativeMemoryAliases(SyntaxNode root, ICollection<string> seeds)
    {
        foreach (var node in root.DescendantNodes(static n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or UsingDirectiveSyntax))
        {
            if (node is not UsingDirectiveSyntax { Name: { } name } directive || !name.ToString().EndsWith(NativeMemoryTypeName, StringComparison.Ordinal))
                continue;
            if (directive.Alias is { } alias)
                seeds.Add(alias.Name.Identifier.ValueText);
            else if (directive.StaticKeyword.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.StaticKeyword))
            {
                foreach (var method in CalledNames.NativeMemoryMethods.Names)
                    seeds.Add(method);
            }
        }
    }

    // Whether the member's syntax spells one of the names: its executable code and the name it declares (an accessor or
    // an expression body by its property's name), as MemberOperations reads a member.
    internal static bool Spells(SyntaxNode block, ICollection<string> names) => Spells(block, names, null);

    /// <summary>
    /// <see cref="Spells(SyntaxNode, ICollection{string})"/>, first ruled out by a scan of the member's text for the
    /// names (<paramref name="textFilter"/>, built from the same names), which costs far less than enumerating tokens.
    /// </summary>
    internal static bool Spells(SyntaxNode block, ICollection<string> names, CalledNames? textFilter)
    {
        if (textFilter is not null && !textFilter.OccurIn(block) && !DeclaresOneOf(block, names))
            return false;
        switch (block)
        {
            case CompilationUnitSyntax unit:
                foreach (var member in unit.Members)
                {
                    if (member is GlobalStatementSyntax && SpellsIn(member, names))
                        return true;
                }

                return false;
            case TypeDeclarationSyntax type:
                return names.Contains(type.Identifier.ValueText) || SpellsIn(type.ParameterList, names) || SpellsIn(type.BaseList, names);
            case AccessorDeclarationSyntax accessor:
                return SpellsIn(accessor, names) || accessor.Parent?.Parent is BasePropertyDeclarationSyntax property && DeclaresName(property, names);
            case ArrowExpressionClauseSyntax arrow:
                return SpellsIn(arrow, names) || arrow.Parent is BasePropertyDeclarationSyntax owner && DeclaresName(owner, names);
            default:
                return SpellsIn(block, names);
        }
    }

    // An accessor or expression body is also spelled by its property's name, outside the block's own text.
    private static bool DeclaresOneOf(SyntaxNode block, ICollection<string> names) => block switch
    {
        AccessorDeclarationSyntax accessor => accessor.Parent?.Parent is BasePropertyDeclarationSyntax property && DeclaresName(property, names),
        ArrowExpressionClauseSyntax arrow => arrow.Parent is BasePropertyDeclarationSyntax owner && DeclaresName(owner, names),
        _ => false,
    };

    private static bool DeclaresName(BasePropertyDeclarationSyntax property, ICollection<string> names) => property switch
    {
        PropertyDeclarationSyntax p => names.Contains(p.Identifier.ValueText),
        EventDeclarationSyntax e => names.Contains(e.Identifier.ValueText),
        _ => false,
    };

    private static bool SpellsIn(SyntaxNode? node, ICollection<string> names)
    {
        if (node is null)
            return false;
        foreach (var token in node.DescendantTokens())
        {
            if (token.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.IdentifierToken) && names.Contains(token.ValueText))
                return true;
        }

        return false;
    }

    // A member to walk: known from the analyzer driver (node, owner, model), or found from syntax (MemberBlock), when the
    // owner and the model are asked for only if it is walked.
    private sealed class Member
    {
        private readonly MemberBlock _block;
        private readonly FileOfMembers? _file;
        private readonly ISymbol? _owner;
        private readonly SemanticModel? _model;
        private readonly bool _isGeneratedCode;

        public Member(MemberBlock block, FileOfMembers file)
        {
            _block = block;
            _file = file;
            Node = block.Node;
        }

        public Member(SyntaxNode node, ISymbol owner, SemanticModel model, bool isGeneratedCode)
        {
            Node = node;
            _owner = owner;
            _model = model;
            _isGeneratedCode = isGeneratedCode;
        }

        public SyntaxNode Node { get; }

        public bool Walked { get; set; }

        // The rank of the member's file path among the compilation's, ordinal (RelevantMembers.Walk sorts by it).
        public int PathRank { get; set; }

        public SemanticModel Model(CancellationToken cancellationToken) => _model ?? _file!.Model(cancellationToken);

        public ISymbol? Owner(SemanticModel model, CancellationToken cancellationToken) => _owner ?? _block.Owner(model, cancellationToken);

        public bool IsGeneratedCode(ISymbol owner, CancellationToken cancellationToken) =>
            _file is null
                ? _isGeneratedCode
                : _file.IsGenerated(cancellationToken) || (_file.MayHaveAttribute(cancellationToken) && HasGeneratedCodeAttribute(owner));
    }

    // What the members of one file share, each computed the first time a member of the file is walked.
    private sealed class FileOfMembers
    {
        private readonly SyntaxTree _tree;
        private readonly Func<SyntaxTree, SemanticModel> _modelFor;
        private readonly Func<SyntaxTree, bool> _isGeneratedFile;
        private SemanticModel? _model;
        private bool? _generated;
        private bool? _mayHaveAttribute;

        public FileOfMembers(SyntaxTree tree, Func<SyntaxTree, SemanticModel> modelFor, Func<SyntaxTree, bool> isGeneratedFile)
        {
            _tree = tree;
            _modelFor = modelFor;
            _isGeneratedFile = isGeneratedFile;
        }

        public SemanticModel Model(CancellationToken cancellationToken) => _model ??= _modelFor(_tree);

        public bool IsGenerated(CancellationToken cancellationToken) => _generated ??= _isGeneratedFile(_tree);

        public bool MayHaveAttribute(CancellationToken cancellationToken) =>
            _mayHaveAttribute ??= !IsGenerated(cancellationToken) && MentionsGeneratedCodeAttribute(_tree.GetRoot(cancellationToken));
    }

    /// <summary>
    /// Which places the facts so far connect to a <c>NativeMemory</c> call, taking every kind of fact as a link (more
    /// than the solver joins, so no place that matters is missed).
    /// </summary>
    private sealed class Reach : IOwnershipFacts
    {
        private readonly IAssemblySymbol _assembly;
        private readonly Dictionary<PointerLocation, PointerLocation> _parent = new();
        private readonly List<PointerLocation> _calls = new();

        public Reach(IAssemblySymbol assembly) => _assembly = assembly;

        public void AddCall(MigrationCandidate call)
        {
            Root(call.Node);
            _calls.Add(call.Node);
        }

        public void Union(PointerLocation a, PointerLocation b) => Link(a, b);

        public void Taint(PointerLocation location, LeftAloneReason reason) => Root(location);

        public void Derive(PointerLocation derived, PointerLocation origin) => Link(derived, origin);

        public void PassArgument(PointerLocation parameter, PointerLocation argument) => Link(parameter, argument);

        public void PublicInput(PointerLocation location) => Link(location, PointerLocation.PublicSurface);

        public void PublicOutput(PointerLocation location) => Link(location, PointerLocation.PublicSurface);

        public void LendToNativeCode(PointerLocation location) => Root(location);

        /// <summary>
        /// Adds to <paramref name="names"/> the name each place connected to a call is spelled by; true when such a place
        /// is reached without spelling a name, so every member must be walked.
        /// </summary>
        public bool NamesOfPlacesConnectedToCalls(HashSet<string> names)
        {
            var withCalls = new HashSet<PointerLocation>();
            foreach (var call in _calls)
                withCalls.Add(Root(call));
            foreach (var node in new List<PointerLocation>(_parent.Keys))
            {
                if (!withCalls.Contains(Root(node)))
                    continue;
                switch (NameOf(node, out bool unspelled))
                {
                    case { } name:
                        names.Add(name);
                        break;
                    case null when unspelled:
                        return true;
                }
            }

            return false;
        }

        private string? NameOf(PointerLocation node, out bool unspelled) => SpelledName(node, _assembly, out unspelled);

        private void Link(PointerLocation a, PointerLocation b) => DisjointSets.Join(_parent, a, b);

        private PointerLocation Root(PointerLocation node) => DisjointSets.Find(_parent, node);
    }

    // The methods a pattern or the language calls without spelling their names.
    private static readonly HashSet<string> s_calledUnspelled = new(StringComparer.Ordinal)
    {
        "GetEnumerator", "MoveNext", "Current", "Dispose", "DisposeAsync", "Deconstruct", "Add", "GetAwaiter", "GetResult",
        "IsCompleted", "OnCompleted", "GetPinnableReference", "Slice", "Length", "Count", "AppendFormatted", "AppendLiteral",
        "Invoke", "Equals", "Item",
    };

    /// <summary>
    /// The name code spells to reach <paramref name="node"/> (what the relevance walk looks for in a member's tokens); null
    /// for a place of one member or of another assembly, or, with <paramref name="unspelled"/>, for a place code reaches
    /// without spelling its name (then every member must be walked).
    /// </summary>
    internal static string? SpelledName(PointerLocation node, IAssemblySymbol assembly, out bool unspelled)
    {
        unspelled = false;
        switch (node.Kind)
        {
            case PointerLocationKind.PublicSurface:
                unspelled = true;
                return null;
            case PointerLocationKind.Field when !IsInCompilation(assembly, node.Symbol!):
                // Another assembly's field the walk follows (a SafeHandle's handle): reached through SetHandle,
                // DangerousGetHandle or a SafeHandle passed anywhere, without its name.
                unspelled = true;
                return null;
            case PointerLocationKind.Field:
            case PointerLocationKind.ArrayElement when node.Symbol is IFieldSymbol:
                return Spelled(assembly, node.Symbol!, node.Symbol!.Name, out unspelled);
            case PointerLocationKind.Property when node.Symbol is IPropertySymbol property:
                unspelled = property.IsIndexer && IsInCompilation(assembly, property);
                return unspelled ? null : Spelled(assembly, property, property.Name, out unspelled);
            case PointerLocationKind.Parameter or PointerLocationKind.Return when node.Symbol is IMethodSymbol method:
                switch (method.MethodKind)
                {
                    case MethodKind.LocalFunction or MethodKind.AnonymousFunction:
                        return null;
                    case MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation or MethodKind.ReducedExtension:
                        return Spelled(assembly, method, method.Name, out unspelled);
                    case MethodKind.PropertyGet or MethodKind.PropertySet when method.AssociatedSymbol is IPropertySymbol { IsIndexer: false } accessed:
                        return Spelled(assembly, method, accessed.Name, out unspelled);
                    case MethodKind.DelegateInvoke:
                        return null;
                    default:
                        unspelled = IsInCompilation(assembly, method);
                        return null;
                }

            default:
                return null;
        }
    }

    private static string? Spelled(IAssemblySymbol assembly, ISymbol symbol, string name, out bool unspelled)
    {
        unspelled = false;
        if (!IsInCompilation(assembly, symbol))
            return null;
        int dot = name.LastIndexOf('.');
        if (dot >= 0)
            name = name.Substring(dot + 1); // an explicit implementation: IFoo.Bar is spelled Bar
        unspelled = s_calledUnspelled.Contains(name);
        return unspelled ? null : name;
    }

    private static bool IsInCompilation(IAssemblySymbol assembly, ISymbol symbol) => SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, assembly);

    /// <summary>
    /// Each member declared in the tree of <paramref name="model"/> with executable code: the node a code block action
    /// gets and the symbol that owns it.
    /// </summary>
    public static IEnumerable<(SyntaxNode Block, ISymbol Owner)> CodeBlocks(SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var block in MemberBlocks((CompilationUnitSyntax)model.SyntaxTree.GetRoot(cancellationToken), cancellationToken))
        {
            if (block.Owner(model, cancellationToken) is { } owner)
                yield return (block.Node, owner);
        }
    }

    /// <summary>
    /// The code blocks of <paramref name="unit"/>'s members found from its syntax alone, in the order of
    /// <see cref="CodeBlocks"/> (which resolves each one's owner; a block whose owner does not resolve is not a member).
    /// </summary>
    public static List<MemberBlock> MemberBlocks(CompilationUnitSyntax unit, CancellationToken cancellationToken)
    {
        var blocks = new List<MemberBlock>();
        foreach (var member in unit.Members)
        {
            // Top-level statements are one member, the synthesized entry point, declared by the compilation unit.
            if (member is GlobalStatementSyntax global)
            {
                blocks.Add(new MemberBlock(unit, global, MemberBlockKind.TopLevelStatements));
                break;
            }
        }

        var pending = new Stack<MemberDeclarationSyntax>();
        for (int i = unit.Members.Count - 1; i >= 0; i--)
            pending.Push(unit.Members[i]);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var member = pending.Pop();
            switch (member)
            {
                case BaseNamespaceDeclarationSyntax ns:
                    for (int i = ns.Members.Count - 1; i >= 0; i--)
                        pending.Push(ns.Members[i]);
                    break;

                case TypeDeclarationSyntax type:
                    if (type.ParameterList is not null
                        && type.BaseList is { Types: { Count: > 0 } types } && types[0] is PrimaryConstructorBaseTypeSyntax)
                    {
                        blocks.Add(new MemberBlock(type, type, MemberBlockKind.PrimaryConstructor));
                    }

                    for (int i = type.Members.Count - 1; i >= 0; i--)
                        pending.Push(type.Members[i]);
                    break;

                case BaseMethodDeclarationSyntax method:
                    if (method.Body is not null || method.ExpressionBody is not null || method is ConstructorDeclarationSyntax { Initializer: not null })
                        blocks.Add(new MemberBlock(method, method, MemberBlockKind.Declared));
                    break;

                case BasePropertyDeclarationSyntax property:
                    if (property.AccessorList is { } accessors)
                    {
                        foreach (var accessor in accessors.Accessors)
                        {
                            if (accessor.Body is not null || accessor.ExpressionBody is not null)
                                blocks.Add(new MemberBlock(accessor, accessor, MemberBlockKind.Declared));
                        }
                    }

                    // int P => ...; and this[int i] => ...: the getter owns the expression.
                    var arrow = property switch
                    {
                        PropertyDeclarationSyntax p => p.ExpressionBody,
                        IndexerDeclarationSyntax indexer => indexer.ExpressionBody,
                        _ => null,
                    };
                    if (arrow is not null)
                        blocks.Add(new MemberBlock(arrow, property, MemberBlockKind.Getter));

                    if (property is PropertyDeclarationSyntax { Initializer: not null } initialized)
                        blocks.Add(new MemberBlock(initialized, initialized, MemberBlockKind.Declared));

                    break;

                case BaseFieldDeclarationSyntax field:
                    foreach (var declarator in field.Declaration.Variables)
                    {
                        if (declarator.Initializer is not null)
                            blocks.Add(new MemberBlock(declarator, declarator, MemberBlockKind.Declared));
                    }

                    break;
            }
        }

        return blocks;
    }

    /// <summary>How a <see cref="MemberBlock"/>'s owning symbol is found.</summary>
    internal enum MemberBlockKind
    {
        /// <summary>The symbol the declaration declares (a method, accessor, initialized property or field).</summary>
        Declared,

        /// <summary>The getter of the property or indexer the declaration declares (an expression body).</summary>
        Getter,

        /// <summary>The primary constructor of the type the declaration declares (its base call).</summary>
        PrimaryConstructor,

        /// <summary>The synthesized entry point holding the top-level statements.</summary>
        TopLevelStatements,
    }

    /// <summary>
    /// A member's code block as the analyzer driver hands it to a code block action, found from syntax; its owning symbol
    /// is resolved on demand (<see cref="Owner"/>), so members nobody walks never bind their declarations.
    /// </summary>
    internal readonly struct MemberBlock
    {
        private readonly SyntaxNode _declaration;
        private readonly MemberBlockKind _kind;

        public MemberBlock(SyntaxNode node, SyntaxNode declaration, MemberBlockKind kind)
        {
            Node = node;
            _declaration = declaration;
            _kind = kind;
        }

        /// <summary>The code block's node (what a code block action gets).</summary>
        public SyntaxNode Node { get; }

        /// <summary>The symbol that owns the block, or null when there is none (then it is no member).</summary>
        public ISymbol? Owner(SemanticModel model, CancellationToken cancellationToken) => _kind switch
        {
            MemberBlockKind.TopLevelStatements =>
                model.GetEnclosingSymbol(((GlobalStatementSyntax)_declaration).Statement.SpanStart, cancellationToken) as IMethodSymbol,
            MemberBlockKind.PrimaryConstructor => PrimaryConstructor((TypeDeclarationSyntax)_declaration, model, cancellationToken),
            MemberBlockKind.Getter => (model.GetDeclaredSymbol(_declaration, cancellationToken) as IPropertySymbol)?.GetMethod,
            _ => model.GetDeclaredSymbol(_declaration, cancellationToken),
        };
    }

    private static IMethodSymbol? PrimaryConstructor(TypeDeclarationSyntax type, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.GetDeclaredSymbol(type, cancellationToken) is not INamedTypeSymbol symbol)
            return null;
        foreach (var constructor in symbol.InstanceConstructors)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == type.SyntaxTree && reference.Span == type.Span)
                    return constructor;
            }
        }

        return null;
    }

    // The driver's test for [GeneratedCode]: a file that never spells the attribute's name has none.
    private static bool MentionsGeneratedCodeAttribute(SyntaxNode root)
    {
        // Enumerating every token of the file costs as much as a tenth of the generator's walk: a scan of the text rules
        // most files out first (MayHoldGeneratedCodeWord).
        if (!MayHoldGeneratedCodeWord(root))
            return false;
        foreach (var token in root.DescendantTokens())
        {
            if (token.ValueText is "GeneratedCode" or "GeneratedCodeAttribute")
                return true;
        }

        return false;
    }

    private const string GeneratedCodeWord = "GeneratedCode";

    // Whether a token of the node can have a value holding "GeneratedCode": its text holds the word, or an escape that can
    // spell a letter of it (\u, \U, or \x in a literal), or a Unicode formatting character (ignored inside an identifier).
    private static bool MayHoldGeneratedCodeWord(SyntaxNode node)
    {
        var text = node.SyntaxTree.GetText();
        var span = node.Span;
        var buffer = new char[4096];
        bool afterBackslash = false;
        int matched = 0;
        for (int start = span.Start; start < span.End; start += buffer.Length)
        {
            int count = Math.Min(buffer.Length, span.End - start);
            text.CopyTo(start, buffer, 0, count);
            for (int i = 0; i < count; i++)
            {
                char c = buffer[i];
                if (afterBackslash && c is 'u' or 'U' or 'x')
                    return true;
                afterBackslash = c == '\\' && !afterBackslash;
                if (c >= 128 && System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
                    return true;

                // The word's first letter occurs in it once: a mismatch restarts at this character.
                matched = c == GeneratedCodeWord[matched] ? matched + 1 : c == GeneratedCodeWord[0] ? 1 : 0;
                if (matched == GeneratedCodeWord.Length)
                    return true;
            }
        }

        return false;
    }

    // The driver treats a declaration under [GeneratedCode] (on it, or on a type or property holding it) as generated.
    private static bool HasGeneratedCodeAttribute(ISymbol owner)
    {
        for (ISymbol? symbol = owner; symbol is not null and not INamespaceSymbol; symbol = symbol is IMethodSymbol { AssociatedSymbol: { } associated } ? associated : symbol.ContainingSymbol)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == GeneratedCodeAttribute)
                    return true;
            }
        }

        return false;
    }
}
