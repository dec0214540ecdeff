using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.SemanticKernel.Tests;

/// <summary>
/// Images in a <see cref="ChatHistory"/> reach the Phi-3 vision client: Semantic Kernel's own conversion turns an
/// <see cref="ImageContent"/> with data into a <see cref="DataContent"/> and one with a URI into a <see cref="UriContent"/>,
/// which the client takes (on the synthetic tiny-vision model).
/// </summary>
public sealed class Phi3ChatCompletionVisionTests : IDisposable
{
    private readonly List<IDisposable> _providers = [];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "phi3-sk-vision-" + Guid.NewGuid().ToString("N"));
    private CapturingChatClient? _capture;

    public Phi3ChatCompletionVisionTests() => Directory.CreateDirectory(_folder);

    private CapturingChatClient Capture => _capture ?? throw new InvalidOperationException("No request reached the client.");

    [Fact]
    public async Task GetChatMessageContentAsync_ImageContentWithData_ReachesTheClientAsDataContentAndCountsItsTokens()
    {
        byte[] png = SyntheticImages.Png(1344, 1008, 1);
        var history = new ChatHistory();
        history.AddUserMessage([new Microsoft.SemanticKernel.TextContent("What is in the picture?"), new ImageContent(png, "image/png")]);

        var answer = await ChatService().GetChatMessageContentAsync(history, new Phi3PromptExecutionSettings { MaxTokens = 2 });

        var image = Assert.Single(Capture.Last.Messages.SelectMany(m => m.Contents).OfType<DataContent>());
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal(png, image.Data.ToArray());
        Assert.InRange(Capture.Last.Usage!.InputTokenCount!.Value, Phi3VisionTokenRule.ImageTokens(1344, 1008) + 5, Phi3VisionTokenRule.ImageTokens(1344, 1008) + 40);
        Assert.Equal(Capture.Last.Text, answer.Content);
    }

    [Fact]
    public async Task GetChatMessageContentAsync_ImageContentWithFileUri_EqualsTheSameImageAsData()
    {
        byte[] png = SyntheticImages.Png(500, 900, 2);
        string file = Path.Combine(_folder, "portrait.png");
        File.WriteAllBytes(file, png);
        var chat = ChatService();
        var settings = new Phi3PromptExecutionSettings { MaxTokens = 4 };

        var fromUri = new ChatHistory();
        fromUri.AddUserMessage([new ImageContent(new Uri(file)) { MimeType = "image/png" }, new Microsoft.SemanticKernel.TextContent("Describe it.")]);
        var uriAnswer = await chat.GetChatMessageContentAsync(fromUri, settings);
        var uriCall = Capture.Last;
        var fromData = new ChatHistory();
        fromData.AddUserMessage([new ImageContent(png, "image/png"), new Microsoft.SemanticKernel.TextContent("Describe it.")]);
        var dataAnswer = await chat.GetChatMessageContentAsync(fromData, settings);

        Assert.Single(uriCall.Messages.SelectMany(m => m.Contents).OfType<UriContent>());
        Assert.Equal(Capture.Last.Usage!.InputTokenCount, uriCall.Usage!.InputTokenCount);
        Assert.Equal(dataAnswer.Content, uriAnswer.Content);
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }

    private IChatCompletionService ChatService()
    {
        var kernel = Kernel.CreateBuilder()
            .AddPhi3ChatCompletion(o => o.ModelPath = TestModelCache.GetOrBuild("tiny-vision"), configurePipeline: b => b.Use(inner => _capture = new CapturingChatClient(inner)))
            .Build();
        if (kernel.Services is IDisposable disposable)
        {
            _providers.Add(disposable);
        }

        return kernel.GetRequiredService<IChatCompletionService>();
    }
}
