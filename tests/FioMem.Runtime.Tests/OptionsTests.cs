// Settings: accepted spellings, and clear errors for values that make no sense.
using System;
using Xunit;

namespace FioMem.Tests;

public class OptionsTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData(" ON ", true)]
    [InlineData("yes", true)]
    [InlineData("No", false)]
    [InlineData("off", false)]
    [InlineData("0", false)]
    [InlineData("False", false)]
    [InlineData("", false)]
    public void Switches_accept_the_usual_spellings(string text, bool expected) =>
        Assert.Equal(expected, FioMemoryOptions.ParseBoolean("FioMem.Checked", "FIOMEM_CHECKED", text));

    [Fact]
    public void Unknown_switch_value_names_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FioMemoryOptions.ParseBoolean("FioMem.Checked", "FIOMEM_CHECKED", "maybe"));
        Assert.Contains("FIOMEM_CHECKED", error.Message);
        Assert.Contains("maybe", error.Message);
        Assert.Contains("yes/no, on/off", error.Message);
    }

    [Theory]
    [InlineData(null, 7L)]
    [InlineData(" ", 7L)]
    [InlineData("0", 0L)]
    [InlineData("4096", 4096L)]
    public void Integers_parse_or_fall_back(string? text, long expected) =>
        Assert.Equal(expected, FioMemoryOptions.ParseInteger("FioMem.MaxPooledBlocks", "FIOMEM_MAX_POOLED_BLOCKS", text, 7, 0, int.MaxValue));

    [Theory]
    [InlineData("-1")]
    [InlineData("lots")]
    [InlineData("99999999999")]
    public void Out_of_range_or_malformed_integers_name_the_setting(string text)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            FioMemoryOptions.ParseInteger("FioMem.MaxPooledBlocks", "FIOMEM_MAX_POOLED_BLOCKS", text, 7, 0, int.MaxValue));
        Assert.Contains("FioMem.MaxPooledBlocks", error.Message);
    }
}
