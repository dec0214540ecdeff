using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Vision;

/// <summary>A text (phi3) model refuses images, naming itself and the vision families, before any native call.</summary>
[Collection(TinyModelGroup.Name)]
public sealed class TextModelImageTests(TinyModelFixture fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GetStreamingResponseAsync_ImageOnATextModel_NotSupportedNamingTheVisionModels(bool fileUri)
    {
        using var client = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { ModelId = "my-phi3-mini" });
        AIContent image = fileUri
            ? new UriContent(new Uri(Path.Combine(Path.GetTempPath(), "never-read.png")), "image/png")
            : VisionModelFixture.Image(336, 336);

        var ex = Assert.Throws<NotSupportedException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, [new TextContent("What is it?"), image])]));

        Assert.Contains("'my-phi3-mini'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Phi-3-vision-128k-instruct", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Phi-3.5-vision-instruct", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.PrefilledTokens);
    }

    [Fact]
    public async Task GetResponseAsync_TextSpellingAnImageTagOnATextModel_StaysText()
    {
        using var client = new Phi3ChatClient(fixture.Model);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "What is <|image_1|>?")], new ChatOptions { MaxOutputTokens = 1 });
        Assert.InRange(response.Usage!.InputTokenCount!.Value, 5, 40);
    }
}
