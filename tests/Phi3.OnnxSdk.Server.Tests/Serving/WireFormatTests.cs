using System.Net;
using Microsoft.Extensions.AI;
using static Phi3.OnnxSdk.Server.Tests.Serving.SseReader;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>How the JSON is written: non-ASCII text as it is and tool-call arguments compact, as OpenAI writes them.</summary>
public sealed class WireFormatTests
{
    private const string Text = "Zürich — 日本 😀 \"quoted\"";
    private const string Arguments = """{"city":"Zürich","days":[1,2]}""";

    [Fact]
    public async Task Completion_NonAsciiTextAndToolArguments_AreWrittenUnescapedAndCompact()
    {
        await using var host = await AppHost.StartAsync(Client());
        using var http = host.Http();

        using var response = await http.PostAsync("v1/chat/completions", JsonBody("""{"messages":[{"role":"user","content":"hi"}]}"""));
        string raw = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Characters outside the Basic Multilingual Plane (the emoji) stay \u-escaped: System.Text.Json's encoders always
        // escape them, and every JSON reader decodes them (the content check below).
        Assert.Contains("Zürich — 日本 ", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00FC", raw, StringComparison.OrdinalIgnoreCase);
        var message = Parse(raw).GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(Text, message.GetProperty("content").GetString());
        Assert.Equal(Arguments, message.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public async Task Stream_NonAsciiTextAndToolArguments_AreWrittenUnescapedAndCompact()
    {
        await using var host = await AppHost.StartAsync(Client());
        using var http = host.Http();

        var (_, events) = await PostAsync(http, """{"messages":[{"role":"user","content":"hi"}],"stream":true}""");

        string all = string.Join('\n', events);
        Assert.Contains("Zürich — 日本 ", all, StringComparison.Ordinal);
        Assert.Contains("\"arguments\":\"{\\\"city\\\":\\\"Zürich\\\"", all, StringComparison.Ordinal);
        var deltas = events[..^1].Select(Parse).Select(c => c.GetProperty("choices")[0].GetProperty("delta")).ToList();
        Assert.Equal(Text, string.Concat(deltas.Select(d => d.TryGetProperty("content", out var c) ? c.GetString() : null)));
        var call = deltas.Single(d => d.TryGetProperty("tool_calls", out _)).GetProperty("tool_calls")[0];
        Assert.Equal(Arguments, call.GetProperty("function").GetProperty("arguments").GetString());
    }

    private static FixedChatClient Client()
    {
        using var arguments = System.Text.Json.JsonDocument.Parse("""{ "city" : "Zürich", "days" : [ 1, 2 ] }""");
        var parsed = arguments.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        return new FixedChatClient([new TextContent(Text), new FunctionCallContent("call_1", "weather", parsed)]);
    }
}
