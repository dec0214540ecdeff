using System.ClientModel;
using System.Net;
using System.Text.Json;
using OpenAI.Chat;
using static Phi3.OnnxSdk.Server.Tests.Serving.SseReader;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>Bad requests get OpenAI's error shape with the right status, field and code.</summary>
[Collection(ServerGroup.Name)]
public sealed class ErrorResponseTests
{
    private readonly ServerFixture _server;

    public ErrorResponseTests(ServerFixture server) => _server = server;

    [Theory]
    [InlineData("{\"messages\": [", null, "invalid_json")]
    [InlineData("[1, 2]", null, "invalid_type")]
    [InlineData("{}", "messages", "missing_required_parameter")]
    [InlineData("""{"messages":[]}""", "messages", "empty_array")]
    [InlineData("""{"messages":[{"role":"robot","content":"hi"}]}""", "messages[0].role", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":5}]}""", "messages[0].content", "invalid_type")]
    [InlineData("""{"messages":[{"role":"tool","content":"5"}]}""", "messages[0].tool_call_id", "missing_required_parameter")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"temperature":3}""", "temperature", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"top_p":0}""", "top_p", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":100000}""", "max_completion_tokens", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"n":2}""", "n", "unsupported_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"logprobs":true}""", "logprobs", "unsupported_parameter")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"web_search_options":{}}""", "web_search_options", "unsupported_parameter")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}""", "stream_options", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"tool_choice":"required"}""", "tool_choice", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"xml"}}""", "response_format.type", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"frequency_penalty":3}""", "frequency_penalty", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}""", null, "invalid_value")]
    public async Task Post_BadRequest_Answers400WithOpenAIErrorShape(string body, string? param, string code)
    {
        using var http = _server.Http();
        using var response = await http.PostAsync("v1/chat/completions", JsonBody(body));

        var error = await ReadErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Post_ImageToATextModel_Answers400WithTheClientsNotSupportedMessage()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        var local = await Assert.ThrowsAnyAsync<NotSupportedException>(() => _server.Local.GetResponseAsync(
            [new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, [new Microsoft.Extensions.AI.TextContent("What is this?"), new Microsoft.Extensions.AI.DataContent(png, "image/png")])]));
        using var http = _server.Http();
        string body = $$$"""{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{Convert.ToBase64String(png)}}}"}}]}],"max_tokens":2}""";

        using var whole = await http.PostAsync("v1/chat/completions", JsonBody(body));
        using var streamed = await http.PostAsync("v1/chat/completions", JsonBody(body.Replace("\"max_tokens\":2", "\"max_tokens\":2,\"stream\":true", StringComparison.Ordinal)));

        foreach (var response in new[] { whole, streamed })
        {
            var error = await ReadErrorAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
            Assert.Equal(local.Message, error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Post_ImageHttpUrl_Answers400NamingTheField()
    {
        using var http = _server.Http();

        using var response = await http.PostAsync("v1/chat/completions", JsonBody("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}"""));

        var error = await ReadErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("messages[0].content[0].image_url.url", error.GetProperty("param").GetString());
        Assert.Contains("only data: URLs are accepted", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_PromptOverTheContext_Answers400NamingTheContext()
    {
        using var http = _server.Http();
        string text = string.Join(' ', Enumerable.Repeat("lighthouse", 6000));
        using var response = await http.PostAsync("v1/chat/completions", JsonBody(JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = text } } })));

        var error = await ReadErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("context", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteChat_UnknownModel_Answers404ModelNotFound()
    {
        var chat = ServerFixture.OpenAIChat(_server.BaseUrl, "gpt-4o");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, error.Status);
        var body = JsonDocument.Parse(error.GetRawResponse()!.Content).RootElement.GetProperty("error");
        Assert.Equal("model_not_found", body.GetProperty("code").GetString());
        Assert.Contains(_server.ModelId, body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_ListsTheServedModel()
    {
        using var http = _server.Http();
        var models = JsonDocument.Parse(await http.GetStringAsync("v1/models")).RootElement;

        Assert.Equal("list", models.GetProperty("object").GetString());
        var model = Assert.Single(models.GetProperty("data").EnumerateArray());
        Assert.Equal(_server.ModelId, model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());
    }

    [Fact]
    public async Task Model_TheServedIdThenAnother_200WithItsCardThen404ModelNotFound()
    {
        using var http = _server.Http();

        using var served = await http.GetAsync($"v1/models/{_server.ModelId}");
        using var other = await http.GetAsync("v1/models/microsoft/Phi-3-small-128k-instruct");

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var card = JsonDocument.Parse(await served.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((_server.ModelId, "model"), (card.GetProperty("id").GetString(), card.GetProperty("object").GetString()));
        var error = await ReadErrorAsync(other, HttpStatusCode.NotFound);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Contains("'microsoft/Phi-3-small-128k-instruct'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "v1/embeddings", HttpStatusCode.NotFound, "not_found")]
    [InlineData("GET", "nothing/here", HttpStatusCode.NotFound, "not_found")]
    [InlineData("GET", "v1/chat/completions", HttpStatusCode.MethodNotAllowed, "method_not_allowed")]
    [InlineData("DELETE", "v1/models", HttpStatusCode.MethodNotAllowed, "method_not_allowed")]
    public async Task Request_NoRouteTakesIt_AnswersInOpenAIShape(string method, string path, HttpStatusCode status, string code)
    {
        using var http = _server.Http();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var error = await ReadErrorAsync(response, status);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Contains($"/{path}", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnknownTopLevelField_IsServedAndLoggedOnce()
    {
        using var http = _server.Http();
        string field = "future_" + Guid.NewGuid().ToString("N")[..8];
        string body = $$$"""{"messages":[{"role":"user","content":"hi"}],"max_tokens":1,"{{{field}}}":{"on":true}}""";

        using var first = await http.PostAsync("v1/chat/completions", JsonBody(body));
        using var second = await http.PostAsync("v1/chat/completions", JsonBody(body));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        var logged = Assert.Single(_server.Logs.Entries, e => e.Message.Contains($"'{field}'", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, logged.Level);
        Assert.Contains("ignored", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_Head_Answers200WithoutABody()
    {
        using var http = _server.Http(key: null);

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Health_LoadedModel_Answers200WithoutAKey()
    {
        using var http = _server.Http(key: null);
        using var response = await http.GetAsync("health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    internal static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        Assert.Equal(["error"], document.RootElement.EnumerateObject().Select(p => p.Name));
        var error = document.RootElement.GetProperty("error").Clone();
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        return error;
    }
}
