// One NativeMemory call the FIO003 fix rewrites, as read from the diagnostic's properties.
using Microsoft.CodeAnalysis.Text;

namespace FioMem.CodeFixes.Migration;

/// <summary>One call to rewrite: where it is, the FioMemory method, and whether the alignment argument goes.</summary>
internal readonly struct CallRewrite
{
    public CallRewrite(TextSpan span, string fioMethod, bool dropAlignment)
    {
        Span = span;
        FioMethod = fioMethod;
        DropAlignment = dropAlignment;
    }

    public TextSpan Span { get; }

    public string FioMethod { get; }

    public bool DropAlignment { get; }
}
