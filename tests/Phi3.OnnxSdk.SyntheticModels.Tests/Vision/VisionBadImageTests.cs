using Phi3.OnnxSdk.SyntheticModels.Tests.TestSupport;
using Phi3.OnnxSdk.VisionProbe;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.Vision;

/// <summary>
/// What onnxruntime-genai 0.18's image decoder does with bytes that are not a well-formed PNG or
/// JPEG, each in a child process. Some inputs end or stall the whole process inside the runtime
/// (libjpeg's error handler calls exit; a truncated JPEG spins forever), so a client must reject
/// such bytes before the runtime sees them. These tests pin that behaviour: when a runtime update
/// changes it, they say so.
/// </summary>
public class VisionBadImageTests : IClassFixture<VisionBadImageFixture>
{
    private static readonly TimeSpan s_stepTimeout = TimeSpan.FromSeconds(15);

    private readonly VisionBadImageFixture _fixture;

    public VisionBadImageTests(VisionBadImageFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData("truncated-png", "[ImageDecoder]: Error during png creation")]
    [InlineData("empty-bytes", "[ImageDecoder]: Invalid image data")]
    [InlineData("cmyk-jpeg", "Unsupported JPEG color space (CMYK/YCCK)")]
    [InlineData("over-16384-pixels", "PNG dimensions exceed maximum allowed size")]
    [InlineData("too-elongated", "[hd_transform]: Failed to allocate memory")]
    [InlineData("tag-without-image", "Number of unique image tags does not match the number of images")]
    [InlineData("image-without-tag", "Number of unique image tags does not match the number of images")]
    [InlineData("tag-beyond-images", "Encountered unexpected value of image_id in the prompt")]
    public void ProcessImages_MalformedInput_ThrowsOnnxRuntimeGenAIException(string name, string message)
    {
        Assert.True(_fixture.Run.Completed, _fixture.Run.Describe());
        Assert.Contains(message, _fixture.Run[name].Error, StringComparison.Ordinal);
        Assert.StartsWith("OnnxRuntimeGenAIException", _fixture.Run[name].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ProcessImages_RepeatedTag_FailsInTheEmbeddingGraphNotTheProcessor()
    {
        // <|image_1|> twice expands to twice the placeholders of one image's features.
        Assert.Contains("ScatterND", _fixture.Run["repeated-tag"].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ProcessImages_TooElongated_IsWhatTheTokenRuleRejects()
    {
        Assert.Throws<ArgumentException>(() => Phi3VisionTokenRule.ImageTokens(VisionBadImageFixture.ElongatedWidth, 1));
    }

    [Theory]
    [InlineData("bmp", "BM")]
    [InlineData("gif", "GIF89a")]
    [InlineData("random", "")]
    public void ProcessImages_BytesThatAreNeitherPngNorJpeg_EndTheWholeProcess(string name, string signature)
    {
        using var temp = new TempFolder();
        string file = Path.Combine(temp.Path, name + ".bin");
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        System.Text.Encoding.ASCII.GetBytes(signature).CopyTo(bytes, 0);
        File.WriteAllBytes(file, bytes);

        var run = VisionProbeProcess.Run(_fixture.ModelFolder, [new ProbeCase(name, VisionProbeFixture.OneImagePrompt, ImageBytesFile: file, NewTokens: 1)], s_stepTimeout);

        // libjpeg's default error_exit prints its message and calls exit(1): no exception, no result.
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Results);
        Assert.Equal($"begin {name} process", run.LastStep);
        Assert.Contains("Not a JPEG file", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ProcessImages_TruncatedJpeg_NeverReturns()
    {
        using var temp = new TempFolder();
        byte[] jpeg = File.ReadAllBytes(VisionProbeFixture.ImagePath(VisionProbeFixture.JpegFixture));
        string truncated = Path.Combine(temp.Path, "truncated.jpg");
        File.WriteAllBytes(truncated, jpeg[..(jpeg.Length / 2)]);
        ProbeCase[] cases =
        [
            new("whole-jpeg", VisionProbeFixture.OneImagePrompt, [VisionProbeFixture.ImagePath(VisionProbeFixture.JpegFixture)], NewTokens: 1),
            new("truncated-jpeg", VisionProbeFixture.OneImagePrompt, [truncated], NewTokens: 1),
        ];

        var run = VisionProbeProcess.Run(_fixture.ModelFolder, cases, s_stepTimeout);

        // The whole JPEG decodes; the cut one makes libjpeg wait for data that never comes, at 100 % of a core.
        Assert.Null(run.ExitCode);
        Assert.Null(run["whole-jpeg"].Error);
        Assert.Equal("begin truncated-jpeg process", run.LastStep);
    }
}
