using System.ClientModel;
using OpenAI.Chat;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>A forced tool whose schema the grammar cannot enforce, over <c>phi3 serve</c> and the real tiny model: the call is returned, as OpenAI's non-strict tools do.</summary>
[Collection(ServerGroup.Name)]
public sealed class InvalidToolCallTests(ServerFixture server)
{
    // "not" is relaxed in the grammar and no string satisfies it: every call the model writes breaks the schema.
    private const string Impossible = """{"type":"object","properties":{"s":{"type":"string","maxLength":4,"not":{"type":"string"}}},"required":["s"]}""";

    [Fact]
    public async Task CompleteChat_ForcedToolWithUnenforceableSchema_ReturnsTheCallAndWarns()
    {
        var chat = server.OpenAIChat();
        var tool = ChatTool.CreateFunctionTool("impossible", "Never satisfiable.", BinaryData.FromString(Impossible));
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 64, AllowParallelToolCalls = false, Tools = { tool }, ToolChoice = ChatToolChoice.CreateFunctionChoice("impossible") };

        ClientResult<ChatCompletion> result = await chat.CompleteChatAsync([new UserChatMessage("Call it.")], options);
        ChatCompletion completion = result.Value;

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("impossible", call.FunctionName);
        Assert.StartsWith("{\"s\":", call.FunctionArguments.ToString(), StringComparison.Ordinal);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-request-id", out string? id));
        Assert.Contains(server.Logs.Entries, e => e.EventId == 7013 && e.Message.Contains(id!, StringComparison.Ordinal) && e.Message.Contains(Phi3ChatResponseKeys.InvalidToolCalls, StringComparison.Ordinal));
    }
}
