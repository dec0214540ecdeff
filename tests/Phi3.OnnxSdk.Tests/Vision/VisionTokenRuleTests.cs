using Phi3.OnnxSdk.SyntheticModels;
using Phi3.OnnxSdk.Vision;

namespace Phi3.OnnxSdk.Tests.Vision;

/// <summary>The SDK's token rule against the synthetic models' one, which the runtime tests check against onnxruntime-genai.</summary>
public sealed class VisionTokenRuleTests
{
    [Fact]
    public void ImageTokens_ManySizes_EqualTheSyntheticModelsRule()
    {
        var random = new Random(5);
        var sizes = new List<(int, int)> { (336, 336), (1344, 1008), (500, 900), (4000, 3000), (2000, 60), (60, 2000), (8, 1), (1, 1), (16384, 16384), (5376, 1) };
        for (int i = 0; i < 2000; i++)
        {
            sizes.Add((random.Next(1, 16385), random.Next(1, 16385)));
        }

        foreach (var (width, height) in sizes)
        {
            Assert.True(Phi3VisionTokenRule.ImageTokens(width, height) == VisionTokenRule.ImageTokens(width, height), $"{width} x {height}");
        }
    }

    [Theory]
    [InlineData(6000, 1)]
    [InlineData(1, 5377)]
    public void ImageTokens_TooElongated_MinusOne(int width, int height)
    {
        Assert.Equal(-1, VisionTokenRule.ImageTokens(width, height));
        Assert.Throws<ArgumentException>(() => Phi3VisionTokenRule.ImageTokens(width, height));
    }
}
