using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// What one request needs for tools and structured output, derived from its <see cref="ChatOptions"/>: the extra system
/// text, the guidance, how to rewrite the history, and how to read the answer back.
/// </summary>
/// <remarks>Immutable and safe to share across threads; <see cref="CreateStreamParser"/> hands out one parser per generation.</remarks>
internal sealed class ToolCallingPlan
{
    private ToolCallingPlan(IReadOnlyList<ToolDefinition> tools, IReadOnlyList<ToolDefinition> callable, ChatToolMode mode, ToolGuidance? guidance, string? systemAddition, ChatResponseFormat? responseFormat)
    {
        Tools = tools;
        Callable = callable;
        Mode = mode;
        Guidance = guidance;
        SystemAddition = systemAddition;
        ResponseFormat = responseFormat;
        CallableNames = callable.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Gets every tool of the request.</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; }

    /// <summary>Gets the tools a call may name (none under <see cref="ChatToolMode.None"/>).</summary>
    public IReadOnlyList<ToolDefinition> Callable { get; }

    /// <summary>Gets the names of <see cref="Callable"/>.</summary>
    public IReadOnlySet<string> CallableNames { get; }

    /// <summary>Gets the effective tool mode (<see cref="ChatToolMode.Auto"/> when the options name none).</summary>
    public ChatToolMode Mode { get; }

    /// <summary>Gets the guidance to set, or <see langword="null"/> for unconstrained text.</summary>
    public ToolGuidance? Guidance { get; }

    /// <summary>Gets the text appended to the system prompt, or <see langword="null"/>.</summary>
    public string? SystemAddition { get; }

    /// <summary>Gets the request's response format.</summary>
    public ChatResponseFormat? ResponseFormat { get; }

    /// <summary>Gets whether the answer may be a tool call.</summary>
    public bool AllowsCalls => Callable.Count > 0;

    /// <summary>Builds the plan of a request.</summary>
    /// <param name="options">The request options; <see langword="null"/> means none.</param>
    /// <param name="maxParallelCalls">The most calls per answer.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="NotSupportedException">A tool is not a function.</exception>
    /// <exception cref="Phi3ToolSchemaException">A tool or response-format schema is invalid (the message names it).</exception>
    /// <exception cref="ArgumentException">The tool mode requires a tool that is not offered.</exception>
    public static ToolCallingPlan Create(ChatOptions? options, int maxParallelCalls = ToolCallFormat.DefaultMaxParallelCalls)
    {
        var tools = options?.Tools is { Count: > 0 } list ? ToolDefinition.FromTools(list) : [];
        var mode = options?.ToolMode ?? ChatToolMode.Auto;
        var responseFormat = options?.ResponseFormat;
        var guidance = ToolGrammarBuilder.Build(tools, mode, responseFormat, maxParallelCalls);
        var callable = tools.Count == 0 || mode is NoneChatToolMode ? [] : ToolGrammarBuilder.SelectCallable(tools, mode);

        var parts = new List<string>();
        if (callable.Count > 0)
        {
            parts.Add(ToolPromptRenderer.RenderToolInstructions(callable, mode, maxParallelCalls));
        }

        if (ToolGrammarBuilder.BuildResponseSchema(responseFormat) is { } schema && mode is not RequiredChatToolMode)
        {
            parts.Add(ToolPromptRenderer.RenderResponseFormatInstructions(schema));
        }

        return new ToolCallingPlan(tools, callable, mode, guidance, parts.Count == 0 ? null : string.Join("\n\n", parts), responseFormat);
    }

    /// <summary>Rewrites the history for the prompt: tool content as text, instructions in the system prompt.</summary>
    public List<ChatMessage> PrepareMessages(IEnumerable<ChatMessage> messages) => ToolHistoryRenderer.Rewrite(messages, SystemAddition);

    /// <summary>Creates the parser that separates streamed text from calls (calls only when <see cref="AllowsCalls"/>).</summary>
    public ToolCallStreamParser CreateStreamParser() => new(CallableNames);

    /// <summary>Reads a complete answer: calls when it is a call turn naming callable tools, else text.</summary>
    /// <param name="text">The generated text.</param>
    /// <param name="calls">The calls, or empty.</param>
    /// <returns>Whether the answer is a call turn.</returns>
    public bool TryParseCalls(string text, out IReadOnlyList<FunctionCallContent> calls)
    {
        calls = [];
        return AllowsCalls && ToolCallParser.TryParse(text, CallableNames, out calls);
    }
}
