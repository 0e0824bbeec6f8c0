// [FioAllocated] on a type FioMem cannot allocate: FIO004 must stop the build with an error.
using FioMem;

namespace Consumer;

[FioAllocated]
public partial struct WithReference
{
    public string Name;
}

internal static class Program
{
    private static void Main() => System.Console.WriteLine(new WithReference { Name = "unused" }.Name);
}
