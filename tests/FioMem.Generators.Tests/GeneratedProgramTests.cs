// Behaviour of the generated helpers in a compiled and running program.
using System.Globalization;
using FioMem.Generators.Tests.Infrastructure;

namespace FioMem.Generators.Tests;

public class GeneratedProgramTests(GeneratedProgram program) : IClassFixture<GeneratedProgram>
{
    [Fact]
    public void New_returns_zeroed_16_byte_aligned_memory() =>
        Assert.Equal(true, program.Invoke("NewIsZeroedAndAligned"));

    [Fact]
    public void Values_written_through_New_read_back() =>
        Assert.Equal(string.Create(CultureInfo.CurrentCulture, $"{1.5f}/{42L}"), program.Invoke("RoundTrip", 1.5f, 42L));

    [Fact]
    public void A_nested_struct_with_keyword_names_round_trips() =>
        Assert.Equal(string.Create(CultureInfo.CurrentCulture, $"{7}/{0.5}"), program.Invoke("NestedKeywordRoundTrip", 7));

    [Fact]
    public void NewArray_elements_start_zeroed_and_hold_what_is_written() =>
        Assert.Equal(1000L * 1001 / 2, program.Invoke("ArraySum", 1000));

    [Fact]
    public void NewArray_of_zero_elements_is_empty_and_freeable() =>
        Assert.Equal(0L, program.Invoke("ArraySum", 0));

    [Fact]
    public void NewOwned_frees_once_and_a_second_Dispose_does_nothing() =>
        Assert.Equal(true, program.Invoke("OwnedFreesOnce"));

    [Fact]
    public void NewArray_with_a_negative_count_throws_ArgumentOutOfRangeException() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => program.Invoke("NewArrayNegative"));

    [Fact]
    public void NewArray_beyond_the_address_space_throws_OutOfMemoryException() =>
        Assert.Throws<OutOfMemoryException>(() => program.Invoke("NewArrayBeyondAddressSpace"));

    [Fact]
    public void FioTypeName_is_the_namespace_qualified_name() =>
        Assert.Equal("Probe.Particle", program.Invoke("ParticleTypeName"));

    [Fact]
    public void FioTypeName_of_a_nested_type_names_its_containers_without_escapes() =>
        Assert.Equal("Probe.Outer.event", program.Invoke("NestedTypeName"));
}
