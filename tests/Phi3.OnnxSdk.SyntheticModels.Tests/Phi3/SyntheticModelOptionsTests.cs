namespace Phi3.OnnxSdk.SyntheticModels.Tests.Phi3;

public class SyntheticModelOptionsTests
{
    [Theory]
    [InlineData(-1, 128, 4, 256, 4096, "layers")]
    [InlineData(2, 0, 4, 256, 4096, "hidden size")]
    [InlineData(2, 128, -4, 256, 4096, "attention heads")]
    [InlineData(2, 128, 4, -256, 4096, "intermediate size")]
    [InlineData(2, 128, 4, 256, 0, "context length")]
    public void Validate_NonPositiveSize_ThrowsNamingTheSize(int layers, int hidden, int heads, int intermediate, int context, string what)
    {
        var options = SyntheticModelPresets.Tiny with
        {
            Layers = layers, HiddenSize = hidden, NumHeads = heads, NumKeyValueHeads = Math.Max(1, heads), IntermediateSize = intermediate, ContextLength = context,
        };

        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HiddenNotMultipleOfHeads_Throws()
    {
        var ex = Assert.Throws<ArgumentException>((SyntheticModelPresets.Tiny with { HiddenSize = 130 }).Validate);
        Assert.Contains("multiple", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Int4HiddenNotMultipleOfBlock_Throws()
    {
        var options = SyntheticModelPresets.TinyInt4 with { HiddenSize = 80, NumHeads = 4, NumKeyValueHeads = 4 };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("block size", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Presets_AllValidate()
    {
        foreach (var name in SyntheticModelPresets.Names)
        {
            SyntheticModelPresets.Get(name).Validate();
        }
    }

    [Fact]
    public void MiniInt4_HasPhi3MiniDimensions()
    {
        var mini = SyntheticModelPresets.Get("mini-int4");
        Assert.Equal((32, 3072, 32, 32, 96, 8192, 131072), (mini.Layers, mini.HiddenSize, mini.NumHeads, mini.NumKeyValueHeads, mini.HeadSize, mini.IntermediateSize, mini.ContextLength));
        Assert.Equal(SyntheticPrecision.Int4, mini.Precision);
        Assert.True(mini.ExternalData);
        Assert.Equal((32, 4), (mini.BlockSize, mini.AccuracyLevel));
    }

    [Fact]
    public void Get_UnknownPreset_ThrowsListingKnownOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => SyntheticModelPresets.Get("huge"));
        Assert.Contains("'huge'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tiny-int4", ex.Message, StringComparison.Ordinal);
    }
}
