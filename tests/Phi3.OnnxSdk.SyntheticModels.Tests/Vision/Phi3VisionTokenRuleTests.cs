namespace Phi3.OnnxSdk.SyntheticModels.Tests.Vision;

/// <summary>
/// The token rule by hand-worked examples of the HD transform (scale = the largest s with
/// s * ceil(s / ratio) &lt;= 16; long side s * 336; short side padded up to whole crops).
/// <see cref="VisionRawRuntimeTests"/> checks the same rule against the runtime.
/// </summary>
public class Phi3VisionTokenRuleTests
{
    [Theory]
    [InlineData(336, 336, 1344, 1344, 2509)]   // square: 4 x 4 crops
    [InlineData(1, 1, 1344, 1344, 2509)]
    [InlineData(1344, 1008, 1008, 1344, 1921)] // 4:3: scale 4, 3 x 4 crops
    [InlineData(500, 900, 1680, 1008, 2377)]   // portrait 1.8: scale 5, 5 rows x 3 columns
    [InlineData(3000, 1, 336, 5376, 2473)]     // 1 x 16 crops, one row
    [InlineData(60, 2000, 5376, 336, 2653)]    // 16 x 1 crops: the most tokens
    [InlineData(8000, 1000, 336, 2688, 1321)]  // ratio 8: 1 x 8 crops, the fewest tokens
    public void ImageTokens_Size_FollowsTheHdTransform(int width, int height, int hdHeight, int hdWidth, int tokens)
    {
        Assert.Equal((hdHeight, hdWidth), Phi3VisionTokenRule.HdSize(width, height));
        Assert.Equal(tokens, Phi3VisionTokenRule.ImageTokens(width, height));
    }

    [Fact]
    public void ImageTokens_AnySize_IsSubGridPlusNewlinesPlusSeparatorPlusGlobalImage()
    {
        for (int width = 1; width < 5000; width += 113)
        {
            for (int height = 1; height < 5000; height += 127)
            {
                (int h, int w) = Phi3VisionTokenRule.HdSize(width, height);
                int rows = h / 336, columns = w / 336;
                Assert.InRange(rows * columns, 1, Phi3VisionTokenRule.MaxCrops);
                Assert.Equal((rows * 12 * ((columns * 12) + 1)) + 1 + (12 * 13), Phi3VisionTokenRule.ImageTokens(width, height));
                Assert.InRange(Phi3VisionTokenRule.ImageTokens(width, height), 1321, 2653);
            }
        }
    }

    [Fact]
    public void ImageTokens_ShortSideResizingToZero_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => Phi3VisionTokenRule.ImageTokens(6000, 1));
        Assert.Contains("6000 x 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, -1)]
    public void ImageTokens_NonPositiveSide_ThrowsArgumentOutOfRange(int width, int height) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Phi3VisionTokenRule.ImageTokens(width, height));
}
