// Types that cannot be [FioAllocated] get no generated source at all (FIO004 is the analyzers' job), and broken
// code never makes the generator throw or emit twice.
using FioMem.Generators.Tests.Infrastructure;

namespace FioMem.Generators.Tests;

public class IneligibleTypeTests
{
    [Theory]
    [MemberData(nameof(GeneratorCases.IneligibleNames), MemberType = typeof(GeneratorCases))]
    public void Nothing_is_generated_and_nothing_is_reported(string caseName)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorCases.Get(caseName));

        Assert.Empty(run.Generated);
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void A_duplicated_attribute_still_gives_exactly_one_file()
    {
        GeneratorRun run = GeneratorHarness.Run(new GeneratorCase("DuplicateAttribute", """
            namespace Broken;

            [FioMem.FioAllocated, FioMem.FioAllocated]
            public partial struct Twice { public int A; }
            """));

        Assert.Equal(["Broken.Twice.g.cs"], run.Generated.Select(g => g.HintName));
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void The_attribute_on_two_partial_parts_still_gives_exactly_one_file()
    {
        GeneratorRun run = GeneratorHarness.Run(new GeneratorCase("TwoMarkedParts", [
            ("A.cs", "namespace Parts; [FioMem.FioAllocated] public partial struct Pair { public int A; }"),
            ("B.cs", "namespace Parts; [FioMem.FioAllocated] public partial struct Pair { public int B; }"),
        ]));

        Assert.Equal(["Parts.Pair.g.cs"], run.Generated.Select(g => g.HintName));
    }

    [Fact]
    public void A_compilation_without_FioMem_gets_nothing()
    {
        var compilation = GeneratorHarness.CreateCompilation([("A.cs", "public partial struct S { public int A; }")])
            .RemoveAllReferences()
            .AddReferences(Basic.Reference.Assemblies.Net100.References.All);

        Assert.Empty(GeneratorHarness.Run(compilation).Generated);
    }
}
