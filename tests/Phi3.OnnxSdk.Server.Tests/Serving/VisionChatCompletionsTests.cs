using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using Phi3.OnnxSdk.SyntheticModels;
using Phi3.OnnxSdk.Tests.Vision;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>
/// Images through <c>POST /v1/chat/completions</c> of a served tiny-vision model, sent by the official OpenAI client:
/// the greedy answer and its usage equal the in-process <see cref="Phi3ChatClient"/>'s, streamed or not; bytes that are
/// no image, or a JPEG the runtime would hang on, are a 400 naming the problem.
/// </summary>
public sealed class VisionChatCompletionsTests(VisionServer server) : IClassFixture<VisionServer>
{
    private const string Question = "What is in the picture?";
    private const int Tokens = 8;

    private static byte[] Png => SyntheticImages.Png(336, 336, seed: 1);

    private static OpenAI.Chat.ChatMessage[] Ask(byte[] image, string mediaType = "image/png") =>
        [new UserChatMessage(ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(image), mediaType), ChatMessageContentPart.CreateTextPart(Question))];

    private static ChatCompletionOptions Greedy() => new() { MaxOutputTokenCount = Tokens };

    private Task<ChatResponse> InProcessAsync(byte[] image) =>
        server.Local.GetResponseAsync([new Microsoft.Extensions.AI.ChatMessage(ChatRole.User, [new DataContent(image, "image/png"), new TextContent(Question)])], new ChatOptions { MaxOutputTokens = Tokens });

    [Fact]
    public async Task CompleteChat_Image_AnswerAndPromptTokensEqualTheInProcessClient()
    {
        var expected = await InProcessAsync(Png);

        ChatCompletion completion = await server.OpenAIChat().CompleteChatAsync(Ask(Png), Greedy());

        Assert.True(expected.Text.Length > 0);
        Assert.Equal(expected.Text, completion.Content[0].Text);
        Assert.Equal(expected.Usage!.InputTokenCount, (long)completion.Usage.InputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > Phi3VisionTokenRule.ImageTokens(336, 336), $"prompt_tokens {completion.Usage.InputTokenCount} leave out the image");
        Assert.Equal(expected.Usage.OutputTokenCount, (long)completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task CompleteChatStreaming_Image_EqualsTheNonStreamingAnswer()
    {
        ChatCompletion completion = await server.OpenAIChat().CompleteChatAsync(Ask(Png), Greedy());

        var streamed = new StringBuilder();
        await foreach (var update in server.OpenAIChat().CompleteChatStreamingAsync(Ask(Png), Greedy()))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }
        }

        Assert.True(completion.Content[0].Text.Length > 0);
        Assert.Equal(completion.Content[0].Text, streamed.ToString());
    }

    [Fact]
    public async Task CompleteChat_OtherImage_OtherAnswer()
    {
        ChatCompletion first = await server.OpenAIChat().CompleteChatAsync(Ask(Png), Greedy());
        ChatCompletion other = await server.OpenAIChat().CompleteChatAsync(Ask(SyntheticImages.Png(336, 336, seed: 2)), Greedy());

        Assert.NotEqual(first.Content[0].Text, other.Content[0].Text);
    }

    [Fact]
    public async Task Post_Base64ThatIsNoImage_400InvalidRequestNamingTheProblemAndTheServerGoesOn()
    {
        var noise = new byte[2048];
        new Random(11).NextBytes(noise);
        noise[0] = 0;

        var (status, error) = await PostImageAsync(noise, "image/png");

        Assert.True(status == HttpStatusCode.BadRequest, $"{status} {error} {server.Output}");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("not an image in a supported format", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        ChatCompletion after = await server.OpenAIChat().CompleteChatAsync(Ask(Png), Greedy());
        Assert.True(after.Content[0].Text.Length > 0);
    }

    [Fact]
    public async Task Post_JpegCutAfterItsHeader_400WithinSeconds()
    {
        var stopwatch = Stopwatch.StartNew();

        var (status, error) = await PostImageAsync(TestImages.JpegCutAfterHeader(), "image/jpeg");

        Assert.True(status == HttpStatusCode.BadRequest, $"{status} {error} {server.Output}");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("truncated", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Posts one user message with the image as a data URL; returns the status and the body's <c>error</c> object.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Error)> PostImageAsync(byte[] image, string mediaType)
    {
        var body = new
        {
            model = Path.GetFileName(server.ModelFolder),
            max_tokens = Tokens,
            messages = new object[]
            {
                new
                {
                    role = "user",
                    content = new object[]
                    {
                        new { type = "image_url", image_url = new { url = $"data:{mediaType};base64,{Convert.ToBase64String(image)}" } },
                        new { type = "text", text = Question },
                    },
                },
            },
        };
        using var http = server.Http();
        using var response = await http.PostAsync("v1/chat/completions", new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = document.RootElement.TryGetProperty("error", out var e) ? e.Clone() : document.RootElement.Clone();
        return (response.StatusCode, error);
    }
}
