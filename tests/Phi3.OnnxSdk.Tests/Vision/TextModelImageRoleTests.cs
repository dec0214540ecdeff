using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Vision;

/// <summary>A text (phi3) model refuses an image in a message of any role, naming the role, never dropping it.</summary>
[Collection(TinyModelGroup.Name)]
public sealed class TextModelImageRoleTests(TinyModelFixture fixture)
{
    public static TheoryData<string> Cases => ImageRoleCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void GetStreamingResponseAsync_ImageInAnyRole_NotSupportedNamingTheRole(string name)
    {
        using var client = new Phi3ChatClient(fixture.Model);
        var (messages, options) = ImageRoleCases.Build(name, VisionModelFixture.Image(336, 336));

        var ex = Assert.Throws<NotSupportedException>(() => client.GetStreamingResponseAsync(messages, options));

        Assert.Contains($"{ImageRoleCases.Role(name)} message", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, client.PrefilledTokens);
    }

    [Fact]
    public void GetStreamingResponseAsync_PlainUserImage_NotSupportedNamingTheVisionModels()
    {
        using var client = new Phi3ChatClient(fixture.Model);

        var ex = Assert.Throws<NotSupportedException>(() => client.GetStreamingResponseAsync(
            [new ChatMessage(ChatRole.User, "Hello"), new ChatMessage(ChatRole.Assistant, "Hi"), new ChatMessage(ChatRole.User, [VisionModelFixture.Image(336, 336), new TextContent("And this?")])],
            new ChatOptions { Tools = [Tools.TestTools.Weather] }));

        Assert.Contains("Phi-3-vision-128k-instruct", ex.Message, StringComparison.Ordinal);
        Assert.Contains("user message", ex.Message, StringComparison.Ordinal);
    }
}
