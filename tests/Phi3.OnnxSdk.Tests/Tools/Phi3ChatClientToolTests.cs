using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

/// <summary>Tool calling and structured output end to end through <see cref="Phi3ChatClient"/> on the synthetic model.</summary>
/// <remarks>The tests share one loaded model (<see cref="TinyModelFixture"/>); each gets a fresh client over it, so no KV cache or log crosses tests.</remarks>
[Collection(TinyModelGroup.Name)]
public sealed class Phi3ChatClientToolTests(TinyModelFixture model) : IDisposable
{
    private static readonly Dictionary<string, string> s_schemas = new()
    {
        ["get_weather"] = TestTools.WeatherSchema,
        ["add"] = TestTools.AddSchema,
    };

    private readonly Phi3ChatClient _client = new(model.Model);

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
    public async Task GetResponseAsync_OneToolSchemaGuidanceCannotCompile_OtherToolsStillServed()
    {
        var bad = TestTools.Declare("bad_tool", "Broken.", """{"type":"object","properties":{"x":{"$ref":"#/$defs/missing"}}}""");
        var uri = AIFunctionFactory.Create(([Url] string address, [DeniedValues("x")] string code) => 0, "open_page");

        var response = await _client.GetResponseAsync("Add 2 and 3.", new ChatOptions { Tools = [uri, bad, TestTools.Add], ToolMode = ChatToolMode.RequireSpecific("add"), MaxOutputTokens = 60 });

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, call => TestTools.AssertValid(TestTools.AddSchema, TestTools.ToJson(call.Arguments)));

        var auto = await _client.GetResponseAsync("Hi", new ChatOptions { Tools = [uri, bad, TestTools.Add], MaxOutputTokens = 4 });
        Assert.NotNull(auto.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_AllowMultipleToolCallsFalse_ExactlyOneCallPerTurn()
    {
        var counts = new List<(int Single, int Multiple)>();
        foreach (string prompt in TestTools.Prompts.Take(1))
        {
            var single = await _client.GetResponseAsync(prompt, new ChatOptions { Tools = [TestTools.Weather, TestTools.Add], ToolMode = ChatToolMode.RequireAny, AllowMultipleToolCalls = false, MaxOutputTokens = 160 });
            var multiple = await _client.GetResponseAsync(prompt, new ChatOptions { Tools = [TestTools.Weather, TestTools.Add], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 160 });
            counts.Add((CallsOf(single).Count, CallsOf(multiple).Count));
            Assert.Equal(ChatFinishReason.ToolCalls, single.FinishReason);
        }

        Assert.All(counts, c => Assert.Equal(1, c.Single));

        // Without the option the same turns hold several calls, so the limit is what made them single.
        Assert.True(counts.Any(c => c.Multiple > 1), string.Join(", ", counts));
    }

    [Fact]
    public async Task GetResponseAsync_CallCutOffByTokenLimit_NoMarkupInTextAndReported()
    {
        var options = new ChatOptions { Tools = [TestTools.Weather], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 9 };

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in _client.GetStreamingResponseAsync("Weather in Oslo?", options))
        {
            updates.Add(update);
        }

        var response = await _client.GetResponseAsync("Weather in Oslo?", options);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Empty(response.Text);
        Assert.Empty(CallsOf(response));
        Assert.StartsWith("<tool_call>[", Assert.IsType<string>(response.AdditionalProperties![Phi3ChatResponseKeys.IncompleteToolCall]), StringComparison.Ordinal);
        Assert.All(updates, u => Assert.DoesNotContain("<tool", u.Text, StringComparison.Ordinal));
        Assert.Equal(response.AdditionalProperties[Phi3ChatResponseKeys.IncompleteToolCall], updates[^1].AdditionalProperties![Phi3ChatResponseKeys.IncompleteToolCall]);
    }

    [Fact]
    public async Task UseFunctionInvocation_CallCutOffByTokenLimit_InvokesNothingAndReturnsNoMarkup()
    {
        int invoked = 0;
        var weather = AIFunctionFactory.Create((string city) => invoked++, "get_weather");
        using var client = new ChatClientBuilder(_client).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("Weather in Oslo?", new ChatOptions { Tools = [weather], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 9 });

        Assert.Equal(0, invoked);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.DoesNotContain("<tool", response.Text, StringComparison.Ordinal);
        Assert.True(response.AdditionalProperties?.ContainsKey(Phi3ChatResponseKeys.IncompleteToolCall) == true
            || response.Messages.Any(m => m.AdditionalProperties?.ContainsKey(Phi3ChatResponseKeys.IncompleteToolCall) == true));
    }

    [Fact]
    public async Task GetResponseAsync_StopSequenceInsideTheCallMarker_PartialMarkerDroppedAndReported()
    {
        // RequireAny makes the answer start with "<tool_call>"; the stop sequence cuts it after "<t".
        var options = new ChatOptions { Tools = [TestTools.Add], ToolMode = ChatToolMode.RequireAny, StopSequences = ["ool_c"], MaxOutputTokens = 40 };

        var response = await _client.GetResponseAsync("Add 2 and 3.", options);

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Empty(response.Text);
        Assert.Empty(CallsOf(response));
        Assert.Equal("<t", response.AdditionalProperties?[Phi3ChatResponseKeys.IncompleteToolCall]);
    }

    [Fact]
    public async Task GetResponseAsync_RelaxedSchemaKeywords_EachLoggedOnceAtDebugLevel()
    {
        var logger = new Hub.CapturingLogger();
        using var client = new Phi3ChatClient(model.Model, new Phi3ChatClientOptions { Logger = logger });
        var tool = AIFunctionFactory.Create(([Url] string address, [DeniedValues("x")] string code) => 0, "open_page");

        for (int i = 0; i < 3; i++)
        {
            await client.GetResponseAsync("Hi", new ChatOptions { Tools = [tool], MaxOutputTokens = 2 });
        }

        var relaxed = logger.Messages.Where(m => m.Contains("open_page", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, relaxed.Count);
        Assert.All(relaxed, m => Assert.StartsWith("Debug: ", m, StringComparison.Ordinal));
        Assert.Single(relaxed, m => m.Contains("\"format\" at '/properties/address'", StringComparison.Ordinal));
        Assert.Single(relaxed, m => m.Contains("\"not\" at '/properties/code'", StringComparison.Ordinal));
    }

    private static List<FunctionCallContent> CallsOf(ChatResponse response) => response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();

    [Fact]
    public async Task GetResponseAsync_UnusableToolsBesideAGoodOne_SkippedWithOneWarningEach()
    {
        var logger = new Hub.CapturingLogger();
        using var client = new Phi3ChatClient(model.Model, new Phi3ChatClientOptions { Logger = logger });
        var scalar = TestTools.Declare("scalar_tool", "Broken.", """{"type":"string"}""");
        var never = AIFunctionFactory.CreateDeclaration("never_tool", "Broken.", JsonDocument.Parse("false").RootElement.Clone());
        var loop = TestTools.Declare("loop_tool", "Broken.", """{"type":"object","allOf":[{"$ref":"#"}]}""");
        var options = new ChatOptions { Tools = [scalar, never, loop, TestTools.Add, TestTools.Add], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 80 };

        for (int i = 0; i < 2; i++)
        {
            var response = await client.GetResponseAsync("Hi", options);
            Assert.All(CallsOf(response), call => Assert.Equal("add", call.Name));
        }

        var warnings = logger.Messages.Where(m => m.StartsWith("Warning: Tool '", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, warnings.Count);
        Assert.Single(warnings, m => m.Contains("'scalar_tool' is left out", StringComparison.Ordinal) && m.Contains("\"type\" must be \"object\"", StringComparison.Ordinal));
        Assert.Single(warnings, m => m.Contains("'never_tool' is left out", StringComparison.Ordinal) && m.Contains("schema false", StringComparison.Ordinal));
        Assert.Single(warnings, m => m.Contains("'loop_tool' is left out", StringComparison.Ordinal) && m.Contains("refers to itself", StringComparison.Ordinal));
        Assert.Single(warnings, m => m.Contains("'add' is left out", StringComparison.Ordinal) && m.Contains("the first tool of that name is offered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResponseAsync_RequiredToolUnusable_ThrowsNamingTheTool()
    {
        var bad = TestTools.Declare("scalar_tool", "Broken.", """{"type":"string"}""");
        var options = new ChatOptions { Tools = [bad, TestTools.Add], ToolMode = ChatToolMode.RequireSpecific("scalar_tool") };

        var ex = await Assert.ThrowsAsync<Phi3ToolSchemaException>(() => _client.GetResponseAsync("Hi", options));

        Assert.Contains("'scalar_tool'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_RequireAnyWithOnlyUnusableTools_ThrowsArgumentException()
    {
        var bad = TestTools.Declare("scalar_tool", "Broken.", """{"type":"string"}""");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _client.GetResponseAsync("Hi", new ChatOptions { Tools = [bad], ToolMode = ChatToolMode.RequireAny }));

        Assert.Contains("no tool of the request can be used", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'scalar_tool'", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _client.Dispose();

    public sealed record Verdict(bool Ok, Mood Mood);
}
