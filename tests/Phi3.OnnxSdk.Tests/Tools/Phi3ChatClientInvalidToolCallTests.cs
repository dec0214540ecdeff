using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Tools;

/// <summary>Calls whose arguments break the tool's schema, through <see cref="Phi3ChatClient"/> and <c>FunctionInvokingChatClient</c>.</summary>
[Collection(TinyModelGroup.Name)]
public sealed class Phi3ChatClientInvalidToolCallTests(TinyModelFixture model)
{
    // "not" is relaxed in the grammar and no string satisfies it: every call the model writes breaks the schema.
    private const string Impossible = """{"type":"object","properties":{"s":{"type":"string","maxLength":4,"not":{"type":"string"}}},"required":["s"]}""";
    private const string Valid = """{"type":"object","properties":{"n":{"type":"integer","minimum":0,"maximum":9}},"required":["n"]}""";

    [Fact]
    public async Task GetResponseAsync_InvalidArgumentsByDefault_CallDroppedAndReported()
    {
        using var client = new Phi3ChatClient(model.Model);
        var tool = new CountingFunction("impossible", Impossible);

        var response = await client.GetResponseAsync("Call it.", Options(tool));

        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        var reported = Assert.IsType<string>(response.AdditionalProperties?[Phi3ChatResponseKeys.InvalidToolCalls]);
        Assert.StartsWith("{\"name\":\"impossible\",\"arguments\":{\"s\":", reported, StringComparison.Ordinal);
        Assert.Contains("does not satisfy \"not\"", reported, StringComparison.Ordinal);
        Assert.DoesNotContain("<tool_call>", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_FunctionInvocationWithInvalidArguments_ToolNeverInvoked()
    {
        using var client = new Phi3ChatClient(model.Model);
        var tool = new CountingFunction("impossible", Impossible);
        using var invoking = new ChatClientBuilder(client).UseFunctionInvocation().Build();

        await invoking.GetResponseAsync("Call it.", Options(tool));

        Assert.Equal(0, tool.Invocations);
    }

    [Fact]
    public async Task GetResponseAsync_ReturnOption_CallKeptWithException()
    {
        using var client = new Phi3ChatClient(model.Model, new Phi3ChatClientOptions { InvalidToolCalls = Phi3InvalidToolCalls.Return });
        var tool = new CountingFunction("impossible", Impossible);

        var response = await client.GetResponseAsync("Call it.", Options(tool));

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Contains("does not satisfy \"not\"", Assert.IsType<InvalidOperationException>(call.Exception).Message, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.False(response.AdditionalProperties?.ContainsKey(Phi3ChatResponseKeys.InvalidToolCalls) ?? false);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ValidArguments_CallKept()
    {
        using var client = new Phi3ChatClient(model.Model);
        var tool = new CountingFunction("digit", Valid);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Call it.", Options(tool)))
        {
            updates.Add(update);
        }

        Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.DoesNotContain(updates, u => u.AdditionalProperties?.ContainsKey(Phi3ChatResponseKeys.InvalidToolCalls) == true);
    }

    [Fact]
    public void Constructor_UndefinedInvalidToolCallsValue_RefusedNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Phi3ChatClient(model.Model, new Phi3ChatClientOptions { InvalidToolCalls = (Phi3InvalidToolCalls)7 }));
        Assert.Equal(nameof(Phi3ChatClientOptions.InvalidToolCalls), ex.ParamName);
    }

    private static ChatOptions Options(AIFunction tool) =>
        new() { Tools = [tool], ToolMode = ChatToolMode.RequireSpecific(tool.Name), AllowMultipleToolCalls = false, MaxOutputTokens = 60 };
}
