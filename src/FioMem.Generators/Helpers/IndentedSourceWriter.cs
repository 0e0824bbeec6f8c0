// Writes generated C# line by line with managed indentation, always with '\n' line ends (deterministic output).
using System;
using System.Text;

namespace FioMem.Generators.Helpers;

/// <summary>
/// A small indented writer over a <see cref="StringBuilder"/>, like <c>System.CodeDom.Compiler.IndentedTextWriter</c>
/// but with fixed '\n' line ends, so the output is byte-identical on every host.
/// </summary>
internal sealed class IndentedSourceWriter
{
    private const string IndentUnit = "    ";

    private readonly StringBuilder _builder = new();
    private int _depth;

    /// <summary>Writes one line at the current indentation; an empty line carries no indentation.</summary>
    public void WriteLine(string line = "")
    {
        if (line.Length != 0)
        {
            for (int i = 0; i < _depth; i++)
                _builder.Append(IndentUnit);
            _builder.Append(line);
        }

        _builder.Append('\n');
    }

    /// <summary>Writes <c>{</c> and indents what follows until the returned scope is disposed, which writes <c>}</c>.</summary>
    public Block WriteBlock()
    {
        WriteLine("{");
        _depth++;
        return new Block(this);
    }

    /// <summary>The text written so far.</summary>
    public override string ToString() => _builder.ToString();

    /// <summary>Closes a block opened by <see cref="WriteBlock"/>.</summary>
    public readonly struct Block : IDisposable
    {
        private readonly IndentedSourceWriter _writer;

        internal Block(IndentedSourceWriter writer) => _writer = writer;

        /// <summary>Outdents and writes <c>}</c>.</summary>
        public void Dispose()
        {
            _writer._depth--;
            _writer.WriteLine("}");
        }
    }
}
