using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.SyntheticModels;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

/// <summary>Tool calling and structured output end to end through <see cref="Phi3ChatClient"/> on the synthetic model.</summary>
[Collection(SyntheticModelGroup.Name)]
public sealed class Phi3ChatClientToolTests : IDisposable
{
    private static readonly Dictionary<string, string> s_schemas = new()
    {
        ["get_weather"] = TestTools.WeatherSchema,
        ["add"] = TestTools.AddSchema,
    };

    private readonly Phi3ChatClient _client = new(TestModelCache.GetOrBuild("tiny"));

    public enum Mood
    {
        Happy,
        Sad,
    }

    [Fact]
    public async Task GetResponseAsync_RequireAny_EveryCallValidatesAgainstItsToolSchema()
    {
        var options = new ChatOptions { Tools = [TestTools.Weather, TestTools.Add], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 200 };
        foreach (string prompt in TestTools.Prompts)
        {
            var response = await _client.GetResponseAsync(prompt, options);

            Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            Assert.NotEmpty(calls);
            Assert.Empty(response.Text);
            Assert.All(calls, call =>
            {
                Assert.False(string.IsNullOrEmpty(call.CallId));
                TestTools.AssertValid(s_schemas[call.Name], TestTools.ToJson(call.Arguments));
            });
        }
    }

    [Theory]
    [InlineData("get_weather")]
    [InlineData("add")]
    public async Task GetResponseAsync_RequireSpecific_AlwaysCallsThatTool(string name)
    {
        var options = new ChatOptions { Tools = [TestTools.Weather, TestTools.Add], ToolMode = ChatToolMode.RequireSpecific(name), MaxOutputTokens = 200 };
        foreach (string prompt in TestTools.Prompts)
        {
            var response = await _client.GetResponseAsync(prompt, options);

            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            Assert.NotEmpty(calls);
            Assert.All(calls, call => Assert.Equal(name, call.Name));
        }
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RequireAny_StreamsNoCallTextAndEndsWithCalls()
    {
        var options = new ChatOptions { Tools = [TestTools.Add], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 200 };
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in _client.GetStreamingResponseAsync("Add 1 and 2.", options))
        {
            updates.Add(update);
        }

        Assert.DoesNotContain(updates, u => u.Text.Contains("<tool", StringComparison.Ordinal));
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);
        Assert.Contains(updates[^1].Contents, c => c is FunctionCallContent { Name: "add" });
    }

    [Fact]
    public async Task GetResponseAsync_ModeNone_NeverCalls()
    {
        var options = new ChatOptions { Tools = [TestTools.Weather, TestTools.Add], ToolMode = ChatToolMode.None, MaxOutputTokens = 32 };
        foreach (string prompt in TestTools.Prompts)
        {
            var response = await _client.GetResponseAsync(prompt, options);

            Assert.NotEqual(ChatFinishReason.ToolCalls, response.FinishReason);
            Assert.DoesNotContain(response.Messages.SelectMany(m => m.Contents), c => c is FunctionCallContent);
        }
    }

    [Fact]
    public async Task UseFunctionInvocation_RoundTrip_InvokesFunctionAndFeedsResultBack()
    {
        var invoked = new List<(int A, int B)>();
        var add = AIFunctionFactory.Create(
            ([Range(0, 99)] int a, [Range(0, 99)] int b) =>
            {
                invoked.Add((a, b));
                return a + b + 1000;
            },
            "add",
            "Adds two numbers.");
        var requests = new List<List<ChatMessage>>();
        using var client = new ChatClientBuilder(_client)
            .UseFunctionInvocation(configure: f => f.MaximumIterationsPerRequest = 1)
            .Use(async (messages, options, next, cancellationToken) =>
            {
                requests.Add(messages.ToList());
                await next(messages, options, cancellationToken);
            })
            .Build();

        var response = await client.GetResponseAsync("Add 2 and 3.", new ChatOptions { Tools = [add], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 48 });

        var (a, b) = Assert.Single(invoked);
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Equal(a + b + 1000, ((JsonElement)result.Result!).GetInt32());
        Assert.Equal(2, requests.Count);
        var followUp = ToolHistoryRenderer.Rewrite(requests[1], null);
        Assert.Contains(followUp, m => m.Role == ChatRole.User && m.Text == $"<tool_response>{{\"name\":\"add\",\"result\":{a + b + 1000}}}</tool_response>");
        Assert.Contains(followUp, m => m.Role == ChatRole.Assistant && m.Text.StartsWith("<tool_call>[{\"name\":\"add\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResponseAsyncOfT_Record_DeserializesValidJson()
    {
        var response = await _client.GetResponseAsync<Verdict>("Are you happy?", new ChatOptions { MaxOutputTokens = 64 });

        Assert.True(response.TryGetResult(out var verdict), response.Text);
        Assert.True(Enum.IsDefined(verdict!.Mood));
    }

    [Fact]
    public async Task GetResponseAsync_ToolSchemaGuidanceCannotCompile_ThrowsNamingTheTool()
    {
        var bad = TestTools.Declare("bad_tool", "Broken.", """{"type":"object","properties":{"x":{"$ref":"#/$defs/missing"}}}""");

        var ex = await Assert.ThrowsAsync<Phi3ToolSchemaException>(() => _client.GetResponseAsync("Hi", new ChatOptions { Tools = [TestTools.Add, bad] }));

        Assert.Equal("bad_tool", ex.ToolName);
        Assert.Contains("'bad_tool'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ToolSchemaNotAnObject_ThrowsNamingTheTool()
    {
        var bad = TestTools.Declare("scalar_tool", "Broken.", """{"type":"string"}""");

        var ex = await Assert.ThrowsAsync<Phi3ToolSchemaException>(() => _client.GetResponseAsync("Hi", new ChatOptions { Tools = [bad] }));

        Assert.Contains("'scalar_tool'", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _client.Dispose();

    public sealed record Verdict(bool Ok, Mood Mood);
}
