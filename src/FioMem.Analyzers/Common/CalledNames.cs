// The method names each rule's calls go by, and the syntax scan that tells whether some code can contain such a call.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.Common;

/// <summary>
/// A set of method names, used as a cheap syntax-level pre-filter: code in which none of the names occurs as an
/// identifier cannot call (or take a method group of) any method so named, so the analyzers do not ask for its
/// operation tree at all, nor walk it. Building that tree (binding the member a second time) is most of what an
/// IOperation-based analyzer costs when no other analyzer asks for it (the .NET SDK's default analyzers do); most members
/// of a project call no allocator.
/// </summary>
/// <remarks>
/// The filter looks at the <em>method</em> name, which every call, method group (<c>&amp;NativeMemory.Free</c>) and
/// delegate creation spells out whatever the receiver is written as: a type name, an alias, <c>using static</c>, a
/// generated <c>T.New</c>. It over-approximates (a local named <c>Free</c> passes it too); the IOperation analysis
/// behind it decides. The sets of the FioMem rules are built from the rows of <see cref="FioMemCalls"/>;
/// <c>CalledNamesTests</c> checks each set against the predicate it stands for, on the referenced FioMem and .NET.
/// </remarks>
internal sealed class CalledNames
{
    /// <summary>FIO001: the block allocations of <see cref="FioMemCalls.IsBlockAllocation"/>.</summary>
    public static readonly CalledNames BlockAllocations = new(FioMemCalls.NamesWhere(call => call.IsBlockAllocation));

    /// <summary>FIO002: the releases and reallocations of a pointer argument in <see cref="FioMemCalls"/>.</summary>
    public static readonly CalledNames Releases = new(FioMemCalls.NamesWhere(call =>
        call.Role is MemoryCallRole.Release or MemoryCallRole.Reallocate && !call.ReleasesReceiver));

    /// <summary>FIO006: the FioMem frees of <see cref="FioMemCalls.IsFree"/>.</summary>
    public static readonly CalledNames Frees = new(FioMemCalls.NamesWhere(call => call.IsFioMemFree));

    /// <summary>FIO006: the frees, and the heap releases of <see cref="FioMemCalls.IsHeapRelease"/>.</summary>
    public static readonly CalledNames FreesAndHeapReleases = Frees.With(new[] { "Dispose", "Reset" });

    /// <summary>FIO007: the resizes of <see cref="FioMemCalls.IsResize"/>.</summary>
    public static readonly CalledNames Resizes = new(FioMemCalls.NamesWhere(call => call.IsFioMemResize));

    /// <summary>FIO003: the <c>NativeMemory</c> methods the migration classifies or treats as method groups.</summary>
    public static readonly CalledNames NativeMemoryMethods =
        new("Alloc", "AllocZeroed", "AlignedAlloc", "Realloc", "AlignedRealloc", "Free", "AlignedFree");

    /// <summary>The FioMem-only rules' gate (<see cref="FioMemUse"/>): the names a FioMem call spells somewhere.</summary>
    public static readonly CalledNames FioMemTypes = new("FioMemory", "FioAlloc", "FioAllocated", "FioAllocatedAttribute", "FioHeap");

    /// <summary>FIO003's gate: a compilation whose source never names <c>NativeMemory</c> has nothing to migrate.</summary>
    public static readonly CalledNames NativeMemoryType = new("NativeMemory");

    /// <summary>Longest identifier compared (longer words cannot be in a set of method names this short).</summary>
    private const int MaxComparedLength = 64;

    private readonly HashSet<string> _names;
    private readonly int _minLength;
    private readonly int _maxLength;

    private CalledNames(params string[] names)
        : this((IEnumerable<string>)names)
    {
    }

    private CalledNames(IEnumerable<string> names)
    {
        _names = new HashSet<string>(names, StringComparer.Ordinal);
        _minLength = int.MaxValue;
        foreach (var name in _names)
        {
            _minLength = Math.Min(_minLength, name.Length);
            _maxLength = Math.Max(_maxLength, name.Length);
        }

        _maxLength = Math.Min(_maxLength, MaxComparedLength);
    }

    /// <summary>The names in the set.</summary>
    public IEnumerable<string> Names => _names;

    /// <summary>This set and <paramref name="more"/> names (identifiers, such as field names) in one.</summary>
    public CalledNames With(IEnumerable<string> more)
    {
        var all = new List<string>(_names);
        all.AddRange(more);
        return new CalledNames(all);
    }

    /// <summary>Whether <paramref name="name"/> is in the set.</summary>
    public bool Contains(string name) =>
        name.Length >= _minLength && name.Length <= _maxLength && _names.Contains(name);

    /// <summary>Whether one of the names occurs as an identifier in <paramref name="node"/> (null: no).</summary>
    /// <remarks>
    /// Reads the source text of the node's span rather than its tokens (enumerating tokens costs more than the rest
    /// of the pre-filter together): every word that could be an identifier is compared, in comments, strings and
    /// disabled code too, which only lets more through. An identifier's value can differ from its text in two ways,
    /// both handled: Unicode formatting characters inside it are ignored (as the compiler ignores them), and a
    /// <c>\u</c>/<c>\U</c> escape anywhere lets the node through. <c>@Free</c> is the word <c>Free</c>.
    /// </remarks>
    [MethodImpl(Hot.Optimized)]
    public bool OccurIn(SyntaxNode? node)
    {
        if (node is null)
            return false;

        var text = node.SyntaxTree.GetText();
        var span = node.Span;
        var buffer = t_buffer ??= new char[4096];
        var word = t_word ??= new char[MaxComparedLength];
        int wordLength = 0;
        bool inWord = false, wordTooLong = false, afterBackslash = false;

        for (int chunkStart = span.Start; chunkStart < span.End; chunkStart += buffer.Length)
        {
            int count = Math.Min(buffer.Length, span.End - chunkStart);
            text.CopyTo(chunkStart, buffer, 0, count);
            for (int i = 0; i < count; i++)
            {
                char c = buffer[i];
                if (c < 128)
                {
                    if ((c | 0x20) is >= 'a' and <= 'z' || c == '_' || (inWord && c is >= '0' and <= '9'))
                    {
                        if (afterBackslash && c is 'u' or 'U')
                            return true;
                        afterBackslash = false;
                        if (!inWord)
                        {
                            inWord = true;
                            wordLength = 0;
                            wordTooLong = false;
                        }

                        if (wordLength < MaxComparedLength)
                            word[wordLength++] = c;
                        else
                            wordTooLong = true;
                        continue;
                    }

                    afterBackslash = c == '\\';
                }
                else
                {
                    afterBackslash = false;
                    var category = CharUnicodeInfo.GetUnicodeCategory(c);
                    if (category == UnicodeCategory.Format)
                        continue; // Ignored inside an identifier: Fr<U+200D>ee is Free.
                    if (IsIdentifierPart(category))
                    {
                        // A non-ASCII letter makes a word that is none of the (ASCII) names; keep reading it.
                        if (!inWord)
                        {
                            inWord = true;
                            wordLength = 0;
                        }

                        wordTooLong = true;
                        continue;
                    }
                }

                if (inWord && !wordTooLong && Matches(word, wordLength))
                    return true;
                inWord = false;
            }
        }

        return inWord && !wordTooLong && Matches(word, wordLength);
    }

    [ThreadStatic]
#pragma warning disable IDE1006 // [ThreadStatic]: t_, not s_
    private static char[]? t_buffer;
#pragma warning restore IDE1006

    [ThreadStatic]
#pragma warning disable IDE1006 // [ThreadStatic]: t_, not s_
    private static char[]? t_word;
#pragma warning restore IDE1006

    [MethodImpl(Hot.Optimized)]
    private bool Matches(char[] word, int length)
    {
        if (length < _minLength || length > _maxLength)
            return false;

        foreach (var name in _names)
        {
            if (name.Length != length)
                continue;
            int i = 0;
            while (i < length && name[i] == word[i])
                i++;
            if (i == length)
                return true;
        }

        return false;
    }

    private static bool IsIdentifierPart(UnicodeCategory category) => category is UnicodeCategory.UppercaseLetter
        or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
        or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber or UnicodeCategory.DecimalDigitNumber
        or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
}
