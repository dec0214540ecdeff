namespace Phi3.OnnxSdk.Tests.Vision;

public sealed class ScratchTests(VisionModelFixture fixture) : IClassFixture<VisionModelFixture>
{
    [Fact]
    public async Task Load_Works()
    {
        using var client = new Phi3ChatClient(fixture.Model);
        var r = await client.GetResponseAsync([new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "hi")], new() { MaxOutputTokens = 3 });
        Assert.Equal("phi3v", fixture.Model.ModelType);
        Assert.True(r.Usage!.InputTokenCount > 0);
    }
}
