using System.ClientModel;
using System.Net;
using OpenAI.Chat;
using static Phi3.OnnxSdk.Server.Tests.Serving.SseReader;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>The API key: required on every API route when set, never written to a log.</summary>
[Collection(ServerGroup.Name)]
public sealed class ApiKeyTests
{
    private readonly ServerFixture _server;

    public ApiKeyTests(ServerFixture server) => _server = server;

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-3c9a")]
    [InlineData("test-key-6b1f0c2e9")]
    public async Task Post_MissingOrWrongKey_Answers401AuthenticationError(string? key)
    {
        using var http = _server.Http(key);
        using var response = await http.PostAsync("v1/chat/completions", JsonBody("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":1}"""));

        var error = await ErrorResponseTests.ReadErrorAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Models_WithoutKey_Answers401()
    {
        using var http = _server.Http(key: null);
        using var response = await http.GetAsync("v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task CompleteChat_OfficialClientWithWrongKeyThenRightKey_401ThenAnswer()
    {
        var wrong = await Assert.ThrowsAsync<ClientResultException>(() => _server.OpenAIChat("not-the-key").CompleteChatAsync([new UserChatMessage("hi")]));
        ChatCompletion right = await _server.OpenAIChat().CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 2 });

        Assert.Equal(401, wrong.Status);
        Assert.Equal(2, right.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task Logs_AfterRightAndWrongKeys_NeverContainEitherKey()
    {
        using (var wrong = _server.Http("presented-secret-77a1"))
        {
            using var _ = await wrong.PostAsync("v1/chat/completions", JsonBody("""{"messages":[{"role":"user","content":"hi"}]}"""));
        }

        using (var right = _server.Http())
        {
            using var _ = await right.PostAsync("v1/chat/completions", JsonBody("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":1}"""));
        }

        var entries = _server.Logs.Entries.ToList();
        Assert.Contains(entries, e => e.Message.Contains("missing or wrong API key", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Message.Contains("x-request-id", StringComparison.Ordinal) || e.Message.StartsWith("Request ", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Message.Contains(ServerFixture.ApiKey, StringComparison.Ordinal) || e.Message.Contains("presented-secret-77a1", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Exception?.ToString().Contains(ServerFixture.ApiKey, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Logs_OfARequest_AreInAScopeWithAStructuredRequestId()
    {
        using var http = _server.Http();
        using var response = await http.GetAsync("v1/models");
        string id = response.Headers.GetValues("x-request-id").Single();

        var finished = Assert.Single(_server.Logs.Entries, e => e.Message.StartsWith($"Request {id}: 200", StringComparison.Ordinal));
        // ASP.NET Core's hosting scope carries a RequestId too; the endpoints' own scope is the one that reads RequestId:ID.
        var scope = Assert.Single(finished.Scopes!.OfType<IReadOnlyList<KeyValuePair<string, object?>>>(), s => s.ToString() == $"RequestId:{id}");
        Assert.Contains(scope, p => p.Key == "RequestId" && Equals(p.Value, id));
    }

    [Fact]
    public async Task Post_AnyRequest_CarriesARequestIdThatTheLogsUse()
    {
        using var http = _server.Http();
        using var response = await http.PostAsync("v1/chat/completions", JsonBody("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":1}"""));

        string id = response.Headers.GetValues("x-request-id").Single();
        Assert.Contains(_server.Logs.Entries, e => e.Message.StartsWith($"Request {id}: 200", StringComparison.Ordinal));
        Assert.Contains(_server.Logs.Entries, e => e.Message.StartsWith($"Request {id}: ", StringComparison.Ordinal) && e.Message.Contains("1 completion tokens", StringComparison.Ordinal));
    }
}
