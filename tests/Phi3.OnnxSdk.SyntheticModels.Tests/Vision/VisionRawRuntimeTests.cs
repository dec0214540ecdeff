namespace Phi3.OnnxSdk.SyntheticModels.Tests.Vision;

/// <summary>
/// The raw onnxruntime-genai 0.18 API alone (Model, MultiModalProcessor, Images from files and
/// bytes, ProcessImages, Generator.SetInputs, greedy generation) on tiny-vision, run in a child
/// process by <see cref="VisionProbeFixture"/>: the processor's token count follows
/// <see cref="Phi3VisionTokenRule"/>, the vision graph yields exactly that many features, and the
/// image decides the answer.
/// </summary>
public class VisionRawRuntimeTests : IClassFixture<VisionProbeFixture>
{
    private readonly VisionProbeFixture _fixture;

    public VisionRawRuntimeTests(VisionProbeFixture fixture) => _fixture = fixture;

    [Fact]
    public void Probe_EveryWellFormedCase_RunsToTheEnd()
    {
        Assert.True(_fixture.Run.Completed, _fixture.Run.Describe());
        Assert.All(_fixture.Run.Results, r => Assert.Null(r.Error));
    }

    [Theory]
    [MemberData(nameof(VisionProbeFixture.Sizes), MemberType = typeof(VisionProbeFixture))]
    public void ProcessImages_ImageOfSize_InputTokensFollowTheTokenRule(string name, int width, int height, int seed)
    {
        _ = seed;
        var result = _fixture.Run[name];
        int imageTokens = Phi3VisionTokenRule.ImageTokens(width, height);

        Assert.Null(result.Error);
        Assert.Equal(new Dictionary<int, int> { [-1] = imageTokens }, result.PlaceholderCounts);
        Assert.Equal(_fixture.TextTokens(VisionProbeFixture.OneImagePrompt) + imageTokens, result.InputTokens);
        Assert.Equal(VisionProbeFixture.NewTokens, result.Generated.Count);
    }

    [Fact]
    public void ProcessImages_Jpeg_FromFileAndFromBytes_FollowsTheTokenRuleAndGeneratesAlike()
    {
        var file = _fixture.Run["jpeg"];
        var bytes = _fixture.Run["jpeg-bytes"];

        Assert.Equal(Phi3VisionTokenRule.ImageTokens(320, 240), file.PlaceholderCounts[-1]);
        Assert.Equal(file.InputTokens, bytes.InputTokens);
        Assert.Equal(file.Generated, bytes.Generated);
    }

    [Fact]
    public void Generate_SameImageTwice_SameGreedyTokens()
    {
        Assert.Equal(_fixture.Run["square"].Generated, _fixture.Run["square-again"].Generated);
    }

    [Fact]
    public void Generate_ImageFromBytes_EqualsTheSameImageFromItsFile()
    {
        Assert.Equal(_fixture.Run["square"].InputTokens, _fixture.Run["square-bytes"].InputTokens);
        Assert.Equal(_fixture.Run["square"].Generated, _fixture.Run["square-bytes"].Generated);
    }

    [Theory]
    [InlineData("square", "square-other")]
    [InlineData("landscape", "large")]
    public void Generate_DifferentImageOfTheSameTokenCount_DifferentGreedyTokens(string a, string b)
    {
        Assert.Equal(_fixture.Run[a].InputTokens, _fixture.Run[b].InputTokens);
        Assert.NotEqual(_fixture.Run[a].Generated, _fixture.Run[b].Generated);
    }

    [Fact]
    public void ProcessImages_TwoImages_PlaceholderIdsNumberTheImagesInOrder()
    {
        var two = _fixture.Run["two"];
        int square = Phi3VisionTokenRule.ImageTokens(336, 336);
        int landscape = Phi3VisionTokenRule.ImageTokens(1344, 1008);

        Assert.Equal(new Dictionary<int, int> { [-1] = square, [-2] = landscape }, two.PlaceholderCounts);
        Assert.Equal([-1, -2], two.PlaceholderOrder);
        Assert.Equal(_fixture.TextTokens(VisionProbeFixture.TwoImagePrompt) + square + landscape, two.InputTokens);

        var swapped = _fixture.Run["two-swapped"];
        Assert.Equal(new Dictionary<int, int> { [-1] = landscape, [-2] = square }, swapped.PlaceholderCounts);
        Assert.NotEqual(two.Generated, swapped.Generated);
    }

    [Fact]
    public void TextOnlyPrompt_ThroughTheProcessorOrAppendTokens_GivesTheSameTokens()
    {
        var processed = _fixture.Run["text-processor"];
        var appended = _fixture.Run["text-append"];

        Assert.Empty(processed.PlaceholderCounts);
        Assert.Equal(_fixture.TextTokens(VisionProbeFixture.TextPrompt), processed.InputTokens);
        Assert.Equal(appended.InputTokens, processed.InputTokens);
        Assert.Equal(appended.Generated, processed.Generated);
        Assert.NotEqual(_fixture.Run["square"].Generated, processed.Generated);
    }
}
