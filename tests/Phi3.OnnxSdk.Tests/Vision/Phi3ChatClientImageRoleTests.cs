using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Vision;

/// <summary>
/// Images by message role on tiny-vision: a user message's image reaches the model (also among function calls and
/// results, with tools), and an image in any other message is refused with the role named, never dropped.
/// </summary>
public sealed class Phi3ChatClientImageRoleTests(VisionModelFixture fixture) : IClassFixture<VisionModelFixture>
{
    public static TheoryData<string> Cases => ImageRoleCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void GetStreamingResponseAsync_ImageOutsideAPlainUserMessage_NotSupportedNamingTheRole(string name)
    {
        using var client = new Phi3ChatClient(fixture.Model);
        var (messages, options) = ImageRoleCases.Build(name, VisionModelFixture.Image(336, 336));

        var ex = Assert.Throws<NotSupportedException>(() => client.GetStreamingResponseAsync(messages, options));

        Assert.Contains($"{ImageRoleCases.Role(name)} message", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("images in user messages only", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.PrefilledTokens);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_UserImageAfterAToolCallAndItsResult_ReachesTheModel(bool withTools)
    {
        using var client = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        var options = VisionModelFixture.Greedy(1);
        if (withTools)
        {
            options.Tools = [Tools.TestTools.Weather];
        }

        var call = new FunctionCallContent("call-1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" });
        List<ChatMessage> History(params AIContent[] last) =>
        [
            new(ChatRole.User, "What is the weather?"),
            new(ChatRole.Assistant, [call]),
            new(ChatRole.Tool, [new FunctionResultContent("call-1", "12 degrees and rain")]),
            new(ChatRole.User, [.. last, new TextContent(VisionModelFixture.Question)]),
        ];

        var withImage = await client.GetResponseAsync(History(VisionModelFixture.Image(336, 336)), options);
        var textOnly = await client.GetResponseAsync(History(), options);

        // The image's tokens, and the newline after its placeholder (which may merge with the question's first piece).
        Assert.InRange(withImage.Usage!.InputTokenCount!.Value - textOnly.Usage!.InputTokenCount!.Value, Phi3VisionTokenRule.ImageTokens(336, 336), Phi3VisionTokenRule.ImageTokens(336, 336) + 2);
    }
}
