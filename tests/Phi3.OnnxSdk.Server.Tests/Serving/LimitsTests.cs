using System.ClientModel;
using System.Net;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using Phi3.OnnxSdk.Server.Serving;
using static Phi3.OnnxSdk.Server.Tests.Serving.SseReader;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>Body size, concurrency and queue limits, disconnects and readiness, each on a server of its own.</summary>
public sealed class LimitsTests : IClassFixture<TinyModel>, IDisposable
{
    private readonly TinyModel _tiny;
    private readonly Phi3ChatClient _local;

    public LimitsTests(TinyModel tiny)
    {
        _tiny = tiny;
        _local = new Phi3ChatClient(tiny.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
    }

    public void Dispose() => _local.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Post_BodyOverTheLimitWithLengthOrChunked_Answers413InOpenAIShape(bool withLength)
    {
        await using var host = await AppHost.StartAsync(_local, o => o.MaxRequestBodyBytes = 1024);
        using var http = host.Http();
        string body = $$"""{"messages":[{"role":"user","content":"{{new string('x', 4096)}}"}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions");
        request.Headers.ExpectContinue = withLength;
        if (withLength)
        {
            request.Content = JsonBody(body);
        }
        else
        {
            // A stream that cannot seek has no length: the body goes chunked, and only reading it finds it too large.
            var pipe = new System.IO.Pipelines.Pipe();
            await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(body));
            await pipe.Writer.CompleteAsync();
            request.Content = new StreamContent(pipe.Reader.AsStream());
            request.Content.Headers.ContentType = new("application/json");
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(withLength, request.Content.Headers.ContentLength is not null);

        var error = await ErrorResponseTests.ReadErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
        Assert.Contains("1024", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ImageOverTheBodyLimit_Answers413()
    {
        await using var host = await AppHost.StartAsync(_local, o => o.MaxRequestBodyBytes = 4096);
        using var http = host.Http();
        string image = Convert.ToBase64String(new byte[8192]);

        using var response = await http.PostAsync("v1/chat/completions", JsonBody($$$"""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{image}}}"}}]}]}"""));

        var error = await ErrorResponseTests.ReadErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task CompleteChat_QueueFull_Answers429WithRetryAfterAndTheQueuedOneRunsLater()
    {
        var recording = new RecordingChatClient(_local);
        await using var host = await AppHost.StartAsync(recording, o => { o.MaxConcurrentRequests = 1; o.MaxQueuedRequests = 1; o.RetryAfterSeconds = 3; });
        var chat = ServerFixture.OpenAIChat(host.BaseUrl, _tiny.ModelId, key: null);
        using var first = new CancellationTokenSource();
        var running = ConsumeAsync(chat.CompleteChatStreamingAsync([new UserChatMessage("Tell me a long story.")], new ChatCompletionOptions { MaxOutputTokenCount = 4000 }, first.Token));
        await recording.FirstUpdate.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var queued = chat.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 3 });
        var gate = host.Services.GetRequiredService<OpenAIEndpointContext>().Gate;
        for (int wait = 0; gate.Queued == 0 && wait < 300; wait++)
        {
            await Task.Delay(100);
        }

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.False(queued.IsCompleted, "the queued request ran while the only slot was taken");
        await first.CancelAsync();
        ChatCompletion served = await queued.WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.Equal(429, refused.Status);
        Assert.Equal("3", refused.GetRawResponse()!.Headers.TryGetValue("Retry-After", out string? retry) ? retry : null);
        Assert.Contains("rate_limit_exceeded", refused.GetRawResponse()!.Content.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, served.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task Stream_ClientDisconnects_CancelsTheGenerationAndFreesTheSlot()
    {
        var recording = new RecordingChatClient(_local);
        await using var host = await AppHost.StartAsync(recording, o => { o.MaxConcurrentRequests = 1; o.MaxQueuedRequests = 4; });
        var chat = ServerFixture.OpenAIChat(host.BaseUrl, _tiny.ModelId, key: null);
        using var disconnect = new CancellationTokenSource();
        var streaming = ConsumeAsync(chat.CompleteChatStreamingAsync([new UserChatMessage("Tell me a long story.")], new ChatCompletionOptions { MaxOutputTokenCount = 4000 }, disconnect.Token));
        await recording.FirstUpdate.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await disconnect.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => streaming);
        await recording.StreamEnded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        ChatCompletion next = await chat.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 2 }).WaitAsync(TimeSpan.FromSeconds(30));

        var (cancelled, updates) = Assert.Single(recording.Streams);
        Assert.True(cancelled, "the server-side generation was not cancelled");
        Assert.InRange(updates, 1, 3999);
        Assert.Equal(2, next.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task Post_WithoutMaxTokens_GetsTheCeilingWhenItIsBelowTheClientDefault()
    {
        var recording = new RecordingChatClient(_local);
        await using var wide = await AppHost.StartAsync(recording);
        await using var narrow = await AppHost.StartAsync(recording, o => o.MaxOutputTokens = 4);
        using var http = narrow.Http();

        using var response = await http.PostAsync("v1/chat/completions", JsonBody("""{"messages":[{"role":"user","content":"Tell me a long story."}]}"""));
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, recording.LastOptions?.MaxOutputTokens);
        Assert.InRange(System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), 1, 4);
        Assert.Equal(Phi3ChatClientOptions.DefaultMaxOutputTokens, wide.Services.GetRequiredService<OpenAIEndpointContext>().DefaultOutputTokens);
    }

    [Fact]
    public async Task Requests_WhileTheModelLoads_Answer503ThenServeOnceLoaded()
    {
        var release = new TaskCompletionSource<IChatClient>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var lazy = new Phi3LazyChatClient(_ => release.Task, new ChatClientMetadata("test", null, "tiny"));
        await using var host = await AppHost.StartAsync(lazy);
        using var http = host.Http();
        const string Body = """{"messages":[{"role":"user","content":"hi"}],"max_tokens":2}""";

        using var healthLoading = await http.GetAsync("health");
        using var chatLoading = await http.PostAsync("v1/chat/completions", JsonBody(Body));
        var error = await ErrorResponseTests.ReadErrorAsync(chatLoading, HttpStatusCode.ServiceUnavailable);
        release.SetResult(new Phi3ChatClient(_local.Model));
        await lazy.GetClientAsync();
        using var healthReady = await http.GetAsync("health");
        using var chatReady = await http.PostAsync("v1/chat/completions", JsonBody(Body));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthLoading.StatusCode);
        Assert.Contains("\"loading\"", await healthLoading.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("model_loading", error.GetProperty("code").GetString());
        Assert.Equal("1", chatLoading.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.OK, healthReady.StatusCode);
        Assert.Equal(HttpStatusCode.OK, chatReady.StatusCode);
    }

    [Fact]
    public async Task ServedModelId_BeforeAndAfterTheLazyLoad_IsTheLazyClientsOneId()
    {
        var release = new TaskCompletionSource<IChatClient>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var lazy = new Phi3LazyChatClient(_ => release.Task, new ChatClientMetadata("test", null, "served-id"));
        await using var host = await AppHost.StartAsync(lazy);
        using var http = host.Http();

        string before = await ModelIdAsync(http);
        var loaded = new Phi3ChatClient(_local.Model);
        release.SetResult(loaded);
        await lazy.GetClientAsync();
        string after = await ModelIdAsync(http);
        using var response = await http.PostAsync("v1/chat/completions", JsonBody("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":1}"""));
        using var completion = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.NotEqual("served-id", loaded.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Equal("served-id", before);
        Assert.Equal("served-id", after);
        Assert.Equal("served-id", completion.RootElement.GetProperty("model").GetString());
        Assert.Equal("served-id", lazy.GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    private static async Task<string> ModelIdAsync(HttpClient http)
    {
        using var models = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("v1/models"));
        return models.RootElement.GetProperty("data")[0].GetProperty("id").GetString()!;
    }

    private static async Task ConsumeAsync(IAsyncEnumerable<StreamingChatCompletionUpdate> updates)
    {
        await foreach (var _ in updates)
        {
        }
    }
}
