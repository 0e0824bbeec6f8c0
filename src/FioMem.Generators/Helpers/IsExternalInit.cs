// Lets netstandard2.0 compile records and init-only setters (the type ships only in .NET 5 and later).
using System.ComponentModel;

namespace System.Runtime.CompilerServices;

/// <summary>Marker the compiler needs for <see langword="init"/> accessors.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
internal static class IsExternalInit
{
}
