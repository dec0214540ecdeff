using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Vision;

/// <summary>
/// Conversations with an image in a message that Phi-3-vision's format cannot hold it in (every role but a plain user
/// message), shared by the vision-model and text-model tests: each must be refused, never sent with the image dropped.
/// </summary>
internal static class ImageRoleCases
{
    /// <summary>The case names, for theories.</summary>
    public static TheoryData<string> Names { get; } = ["system", "assistant", "tool", "toolWithResult", "assistantWithCall", "userWithResult", "systemWithTools"];

    /// <summary>The role the refusal must name for <paramref name="name"/>.</summary>
    public static string Role(string name) => name switch
    {
        "systemWithTools" => "system",
        "toolWithResult" => "tool",
        "assistantWithCall" => "assistant",
        "userWithResult" => "user",
        _ => name,
    };

    /// <summary>The conversation of <paramref name="name"/>, with <paramref name="image"/> in the message under test, and the options it is sent with.</summary>
    public static (List<ChatMessage> Messages, ChatOptions Options) Build(string name, AIContent image)
    {
        var call = new FunctionCallContent("call-1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" });
        var result = new FunctionResultContent("call-1", "12 degrees and rain");
        var ask = new ChatMessage(ChatRole.User, VisionModelFixture.Question);
        var options = VisionModelFixture.Greedy(1);
        List<ChatMessage> messages = name switch
        {
            "system" => [new(ChatRole.System, [new TextContent("Be brief."), image]), ask],
            "systemWithTools" => [new(ChatRole.System, [new TextContent("Be brief."), image]), ask],
            "assistant" => [ask, new(ChatRole.Assistant, [new TextContent("Here it is."), image]), ask],
            "tool" => [ask, new(ChatRole.Tool, [new TextContent("the tool's picture"), image]), ask],
            "toolWithResult" => [ask, new(ChatRole.Assistant, [call]), new(ChatRole.Tool, [result, image]), ask],
            "assistantWithCall" => [ask, new(ChatRole.Assistant, [call, image]), new(ChatRole.Tool, [result]), ask],
            "userWithResult" => [ask, new(ChatRole.Assistant, [call]), new(ChatRole.User, [result, image])],
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
        if (name == "systemWithTools")
        {
            // Tools add instructions to the system message, which must keep the image for the refusal to see it.
            options.Tools = [Tools.TestTools.Weather];
        }

        return (messages, options);
    }
}
