using System.Net;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Tests.DependencyInjection;
using static Phi3.OnnxSdk.Server.Tests.Serving.SseReader;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>Phi3ChatClient's markers (a dropped or returned invalid call, a cut-off call, a format violation) over HTTP: the wire shape and the warning with the request id.</summary>
public sealed class AnswerMarkerTests
{
    private const string Body = """{"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Completion_ReturnedInvalidCall_SentAsToolCallAndWarnedWithRequestId()
    {
        var call = new FunctionCallContent("call_1", "open_page", new Dictionary<string, object?> { ["url"] = "not a uri" })
        {
            Exception = new InvalidOperationException("/url: does not satisfy \"format\":\"uri\""),
        };
        var logs = new CapturingLoggerProvider();
        await using var host = await AppHost.StartAsync(new FixedChatClient([call]), logs: logs);
        using var http = host.Http();

        using var response = await http.PostAsync("v1/chat/completions", JsonBody(Body));
        var choice = Parse(await response.Content.ReadAsStringAsync()).GetProperty("choices")[0];

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var function = choice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function");
        Assert.Equal("open_page", function.GetProperty("name").GetString());
        Assert.Equal("""{"url":"not a uri"}""", function.GetProperty("arguments").GetString());
        AssertWarned(logs, RequestId(response), Phi3ChatResponseKeys.InvalidToolCalls);
    }

    [Theory]
    [InlineData(Phi3ChatResponseKeys.InvalidToolCalls, false)]
    [InlineData(Phi3ChatResponseKeys.IncompleteToolCall, false)]
    [InlineData(Phi3ChatResponseKeys.ResponseFormatViolations, false)]
    [InlineData(Phi3ChatResponseKeys.InvalidToolCalls, true)]
    [InlineData(Phi3ChatResponseKeys.ResponseFormatViolations, true)]
    public async Task Completion_MarkerInTheAnswer_WarnedWithRequestId(string key, bool stream)
    {
        var logs = new CapturingLoggerProvider();
        var client = new MarkedChatClient([new TextContent("{}")], new AdditionalPropertiesDictionary { [key] = "/x: broken" });
        await using var host = await AppHost.StartAsync(client, logs: logs);
        using var http = host.Http();

        string id;
        if (stream)
        {
            var (response, events) = await PostAsync(http, """{"messages":[{"role":"user","content":"hi"}],"stream":true}""");
            using (response)
            {
                Assert.Equal("[DONE]", events[^1]);
                id = RequestId(response);
            }
        }
        else
        {
            using var response = await http.PostAsync("v1/chat/completions", JsonBody(Body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            id = RequestId(response);
        }

        AssertWarned(logs, id, key);
    }

    [Fact]
    public async Task Completion_NoMarker_NoWarning()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await AppHost.StartAsync(new FixedChatClient([new TextContent("fine")]), logs: logs);
        using var http = host.Http();

        using var response = await http.PostAsync("v1/chat/completions", JsonBody(Body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(logs.Entries, e => e.EventId == 7013);
    }

    private static string RequestId(HttpResponseMessage response) => Assert.Single(response.Headers.GetValues("x-request-id"));

    private static void AssertWarned(CapturingLoggerProvider logs, string requestId, string key)
    {
        var warning = Assert.Single(logs.Entries, e => e.EventId == 7013);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains(requestId, warning.Message, StringComparison.Ordinal);
        Assert.Contains(key, warning.Message, StringComparison.Ordinal);
    }
}
