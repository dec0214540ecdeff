using System.Text.Json;
using static Phi3.OnnxSdk.Server.Tests.Serving.SseReader;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>The exact shape of the event stream: what clients other than the .NET one (Python, Node, curl) read.</summary>
[Collection(ServerGroup.Name)]
public sealed class StreamingWireTests
{
    private readonly ServerFixture _server;

    public StreamingWireTests(ServerFixture server) => _server = server;

    [Fact]
    public async Task Stream_WithIncludeUsage_RoleFirstThenTextThenFinishThenUsageThenDone()
    {
        using var http = _server.Http();
        var (response, events) = await PostAsync(http, $$$"""
            {"model":"{{{_server.ModelId}}}","messages":[{"role":"user","content":"Hi"}],"max_tokens":8,"temperature":0,"stream":true,"stream_options":{"include_usage":true}}
            """);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(Parse).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());

        var finish = chunks[^2].GetProperty("choices")[0];
        Assert.Equal("length", finish.GetProperty("finish_reason").GetString());
        Assert.All(chunks[..^2], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));

        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(8, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.True(usage.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Stream_WithoutIncludeUsage_HasNoUsageChunk()
    {
        using var http = _server.Http();
        var (_, events) = await PostAsync(http, """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":4,"stream":true}""");

        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events[..^1].Select(Parse), c =>
        {
            Assert.False(c.TryGetProperty("usage", out _));
            Assert.Equal(1, c.GetProperty("choices").GetArrayLength());
        });
    }

    [Fact]
    public async Task Stream_ForcedToolCall_SendsToolCallDeltasWithIndexIdAndArguments()
    {
        using var http = _server.Http();
        var (_, events) = await PostAsync(http, """
            {"messages":[{"role":"user","content":"Add 2 and 3."}],"max_tokens":64,"stream":true,
             "tools":[{"type":"function","function":{"name":"add","description":"Adds.","parameters":{"type":"object","properties":{"a":{"type":"integer","minimum":0,"maximum":9},"b":{"type":"integer","minimum":0,"maximum":9}},"required":["a","b"],"additionalProperties":false}}}],
             "tool_choice":"required"}
            """);

        var chunks = events[..^1].Select(Parse).ToList();
        var deltas = chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("tool_calls", out _))
            .SelectMany(d => d.GetProperty("tool_calls").EnumerateArray())
            .ToList();
        Assert.NotEmpty(deltas);
        Assert.Equal(Enumerable.Range(0, deltas.Count), deltas.Select(d => d.GetProperty("index").GetInt32()));
        Assert.All(deltas, d =>
        {
            Assert.StartsWith("call", d.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.Equal("function", d.GetProperty("type").GetString());
            Assert.Equal("add", d.GetProperty("function").GetProperty("name").GetString());
            using var arguments = JsonDocument.Parse(d.GetProperty("function").GetProperty("arguments").GetString()!);
            Assert.InRange(arguments.RootElement.GetProperty("a").GetInt32(), 0, 9);
        });
        Assert.Equal("tool_calls", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }
}
