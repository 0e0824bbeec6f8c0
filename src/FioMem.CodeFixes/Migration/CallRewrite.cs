// One NativeMemory call the FIO003 fix rewrites, as read from the diagnostic's properties.
using Microsoft.CodeAnalysis.Text;

namespace FioMem.CodeFixes.Migration;

/// <summary>One call to rewrite: where it is and the FioMemory method that replaces the callee.</summary>
internal readonly struct CallRewrite
{
    public CallRewrite(TextSpan span, string fioMethod)
    {
        Span = span;
        FioMethod = fioMethod;
    }

    public TextSpan Span { get; }

    public string FioMethod { get; }
}
