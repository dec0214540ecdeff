using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using Phi3.OnnxSdk.Tests.Tools;
using AI = Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary><c>POST /v1/chat/completions</c> through the official OpenAI .NET client against <c>phi3 serve</c> on loopback.</summary>
[Collection(ServerGroup.Name)]
public sealed class ChatCompletionsTests
{
    private const string AddSchema = """
        {"type":"object","properties":{"a":{"type":"integer","minimum":0,"maximum":99},"b":{"type":"integer","minimum":0,"maximum":99}},"required":["a","b"],"additionalProperties":false}
        """;

    private readonly ServerFixture _server;

    public ChatCompletionsTests(ServerFixture server) => _server = server;

    [Fact]
    public async Task CompleteChat_StreamingAndNonStreamingGreedy_GiveTheSameTextFinishAndUsage()
    {
        var chat = _server.OpenAIChat();
        OpenAI.Chat.ChatMessage[] messages = [new SystemChatMessage("Be brief."), new UserChatMessage("Tell me about lighthouses.")];
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 20 };

        ChatCompletion whole = await chat.CompleteChatAsync(messages, options);
        var pieces = new List<string>();
        OpenAI.Chat.ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync(messages, options))
        {
            pieces.AddRange(update.ContentUpdate.Select(p => p.Text));
            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
        }

        Assert.NotEmpty(whole.Content[0].Text);
        Assert.True(pieces.Count > 1, "the stream came in one piece");
        Assert.Equal(whole.Content[0].Text, string.Concat(pieces));
        Assert.Equal(OpenAI.Chat.ChatFinishReason.Length, whole.FinishReason);
        Assert.Equal(whole.FinishReason, finish);
        Assert.NotNull(usage);
        Assert.Equal(whole.Usage.InputTokenCount, usage.InputTokenCount);
        Assert.Equal(whole.Usage.OutputTokenCount, usage.OutputTokenCount);
    }

    [Fact]
    public async Task CompleteChat_Greedy_TextAndUsageEqualTheInProcessClient()
    {
        ChatCompletion remote = await _server.OpenAIChat().CompleteChatAsync(
            [new UserChatMessage("Hello, who are you?")], new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 16 });
        var local = await _server.Local.GetResponseAsync("Hello, who are you?", new ChatOptions { Temperature = 0, MaxOutputTokens = 16 });

        Assert.Equal(local.Text, remote.Content[0].Text);
        Assert.Equal(local.Usage!.InputTokenCount, remote.Usage.InputTokenCount);
        Assert.Equal(16, remote.Usage.OutputTokenCount);
        Assert.Equal(remote.Usage.InputTokenCount + 16, remote.Usage.TotalTokenCount);
        Assert.Equal(_server.ModelId, remote.Model);
        Assert.StartsWith("chatcmpl-", remote.Id, StringComparison.Ordinal);
        Assert.InRange(remote.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task CompleteChat_StopSequence_EndsBeforeItWithFinishStop()
    {
        var chat = _server.OpenAIChat();
        OpenAI.Chat.ChatMessage[] messages = [new UserChatMessage("Write a poem about the sea.")];
        ChatCompletion free = await chat.CompleteChatAsync(messages, new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 40 });
        string text = free.Content[0].Text;
        Assert.True(text.Length >= 12, $"too little text to cut: '{text}'");
        string stop = text.Substring(text.Length / 2, 3);
        int cut = text.IndexOf(stop, StringComparison.Ordinal);

        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 40 };
        options.StopSequences.Add(stop);
        ChatCompletion stopped = await chat.CompleteChatAsync(messages, options);

        Assert.Equal(text[..cut], stopped.Content.Count == 0 ? string.Empty : stopped.Content[0].Text);
        Assert.Equal(OpenAI.Chat.ChatFinishReason.Stop, stopped.FinishReason);
    }

    [Fact]
    public async Task CompleteChat_ForcedToolCall_IsReturnedAndItsAnswerMapsToTheSameConversationAsInProcess()
    {
        var chat = _server.OpenAIChat();
        var tool = ChatTool.CreateFunctionTool("add", "Adds two integers.", BinaryData.FromString(AddSchema));
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 64, Tools = { tool }, ToolChoice = ChatToolChoice.CreateFunctionChoice("add") };
        var messages = new List<OpenAI.Chat.ChatMessage> { new UserChatMessage("Add 2 and 3.") };

        ChatCompletion call = await chat.CompleteChatAsync(messages, options);

        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, call.FinishReason);
        var toolCall = Assert.Single(call.ToolCalls);
        Assert.Equal("add", toolCall.FunctionName);
        Assert.False(string.IsNullOrEmpty(toolCall.Id));
        using var arguments = JsonDocument.Parse(toolCall.FunctionArguments);
        TestTools.AssertValid(AddSchema, arguments.RootElement);

        // The answer turn: the call and its result go back; the server must hand the client the same conversation
        // (FunctionCallContent + FunctionResultContent) as an in-process caller would.
        messages.Add(new AssistantChatMessage(call));
        messages.Add(new ToolChatMessage(toolCall.Id, "5"));
        var answerOptions = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 12, Tools = { tool }, ToolChoice = ChatToolChoice.CreateNoneChoice() };
        ChatCompletion answer = await chat.CompleteChatAsync(messages, answerOptions);

        var arguments2 = JsonSerializer.Deserialize<Dictionary<string, object?>>(toolCall.FunctionArguments.ToString());
        AI.ChatMessage[] history =
        [
            new(ChatRole.User, "Add 2 and 3."),
            new(ChatRole.Assistant, [new FunctionCallContent(toolCall.Id, "add", arguments2)]),
            new(ChatRole.Tool, [new FunctionResultContent(toolCall.Id, "5")]),
        ];
        var local = await _server.Local.GetResponseAsync(history, new ChatOptions
        {
            Temperature = 0,
            MaxOutputTokens = 12,
            Tools = [TestTools.Declare("add", "Adds two integers.", AddSchema)],
            ToolMode = ChatToolMode.None,
        });

        Assert.NotEqual(OpenAI.Chat.ChatFinishReason.ToolCalls, answer.FinishReason);
        Assert.Empty(answer.ToolCalls);
        Assert.Equal(local.Text, answer.Content[0].Text);
    }

    [Fact]
    public async Task CompleteChat_JsonSchema_OutputParsesAndMatchesTheSchema()
    {
        const string Schema = """
            {"type":"object","properties":{"mood":{"type":"string","enum":["happy","sad"]},"score":{"type":"integer","minimum":0,"maximum":9}},"required":["mood","score"],"additionalProperties":false}
            """;
        var options = new ChatCompletionOptions
        {
            Temperature = 0,
            MaxOutputTokenCount = 64,
            ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat("mood", BinaryData.FromString(Schema), jsonSchemaIsStrict: true),
        };

        ChatCompletion result = await _server.OpenAIChat().CompleteChatAsync([new UserChatMessage("How do you feel?")], options);

        Assert.Equal(OpenAI.Chat.ChatFinishReason.Stop, result.FinishReason);
        using var json = JsonDocument.Parse(result.Content[0].Text);
        TestTools.AssertValid(Schema, json.RootElement);
    }

    [Fact]
    public async Task CompleteChat_FourConcurrentRequests_EqualTheSameRequestsOneAfterAnother()
    {
        var chat = _server.OpenAIChat();
        string[] prompts = ["Tell me a story.", "What is ONNX?", "Name three colours.", "Why is the sky blue?"];
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 24 };
        var sequential = new List<string>();
        foreach (string prompt in prompts)
        {
            ChatCompletion one = await chat.CompleteChatAsync([new UserChatMessage(prompt)], options);
            sequential.Add(one.Content[0].Text);
        }

        var concurrent = await Task.WhenAll(prompts.Select(async p => (await chat.CompleteChatAsync([new UserChatMessage(p)], options)).Value.Content[0].Text));

        Assert.Equal(sequential, concurrent);
        Assert.Equal(4, sequential.Distinct().Count());
    }
}
