// Indented C# text, a statement or member at a time.
using System.Text;

namespace FioMem.Migration.Fuzz.Generation;

internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public CodeWriter(int indent = 0) => _indent = indent;

    public void Line(string line) => _text.Append(' ', _indent * 4).Append(line).Append('\n');

    /// <summary>Writes <paramref name="header"/> and an opening brace; <see cref="Close"/> ends the block.</summary>
    public void Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
    }

    public void Close(string closing = "}")
    {
        _indent--;
        Line(closing);
    }

    public override string ToString() => _text.ToString();
}
