using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// What one request needs for tools and structured output, derived from its <see cref="ChatOptions"/>: the extra system
/// text, the guidance, how to rewrite the history, and how to read the answer back.
/// </summary>
/// <remarks>Immutable and safe to share across threads; <see cref="CreateStreamParser"/> hands out one parser per generation.</remarks>
internal sealed class ToolCallingPlan
{
    private readonly ChatOptions? _options;
    private readonly Phi3InvalidToolCalls _invalidCalls;
    private readonly Dictionary<string, ToolDefinition> _checked;

    private ToolCallingPlan(ChatOptions? options, Phi3InvalidToolCalls invalidCalls, IReadOnlyList<ToolDefinition> tools, IReadOnlyList<ToolDefinition> callable, ChatToolMode mode, int maxParallelCalls, ToolGuidance? guidance, string? systemAddition, IReadOnlyList<SchemaRelaxation> relaxations)
    {
        _options = options;
        _invalidCalls = invalidCalls;
        Tools = tools;
        Callable = callable;
        Mode = mode;
        MaxParallelCalls = maxParallelCalls;
        Guidance = guidance;
        SystemAddition = systemAddition;
        Relaxations = relaxations;
        ResponseFormat = options?.ResponseFormat;
        CallableNames = callable.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var relaxedTools = relaxations.Select(r => r.Owner).OfType<string>().ToHashSet(StringComparer.Ordinal);
        _checked = callable.Where(t => relaxedTools.Contains(t.Name)).ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Gets every tool of the request.</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; }

    /// <summary>Gets the tools a call may name (none under <see cref="ChatToolMode.None"/>).</summary>
    public IReadOnlyList<ToolDefinition> Callable { get; }

    /// <summary>Gets the names of <see cref="Callable"/>.</summary>
    public IReadOnlySet<string> CallableNames { get; }

    /// <summary>Gets the effective tool mode (<see cref="ChatToolMode.Auto"/> when the options name none).</summary>
    public ChatToolMode Mode { get; }

    /// <summary>Gets the most calls one answer may hold: 1 when <see cref="ChatOptions.AllowMultipleToolCalls"/> is <see langword="false"/>.</summary>
    public int MaxParallelCalls { get; }

    /// <summary>Gets the guidance to set, or <see langword="null"/> for unconstrained text.</summary>
    public ToolGuidance? Guidance { get; }

    /// <summary>Gets the text appended to the system prompt, or <see langword="null"/>.</summary>
    public string? SystemAddition { get; }

    /// <summary>Gets the schema keywords of the callable tools and the response format that the grammar does not enforce.</summary>
    public IReadOnlyList<SchemaRelaxation> Relaxations { get; }

    /// <summary>Gets the tools left out of the request (name, why): a schema that cannot be used, a name an earlier tool has, or a tool that is not a function (a hosted tool).</summary>
    public IReadOnlyList<(string Tool, string Reason)> Skipped { get; private init; } = [];

    /// <summary>Gets how much of the response-format schema the grammar enforces.</summary>
    public ToolSchemaFallback ResponseFallback { get; private init; }

    /// <summary>Gets the request's response format.</summary>
    public ChatResponseFormat? ResponseFormat { get; }

    /// <summary>Gets whether the answer may be a tool call.</summary>
    public bool AllowsCalls => Callable.Count > 0;

    /// <summary>Builds the plan of a request.</summary>
    /// <param name="options">The request options; <see langword="null"/> means none.</param>
    /// <param name="maxParallelCalls">The most calls per answer when <see cref="ChatOptions.AllowMultipleToolCalls"/> allows several.</param>
    /// <param name="fallbacks">Tools whose schema guidance cannot compile whole, by name, and how far each is relaxed.</param>
    /// <param name="invalidCalls">What the stream parser does with a call whose arguments break its tool's schema.</param>
    /// <param name="responseFallback">How much of the response-format schema the grammar enforces.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="Phi3ToolSchemaException">
    /// The response-format schema cannot be used, or the tool <see cref="ChatToolMode.RequireSpecific"/> names has a schema
    /// that cannot be used or a name another tool has (the message names it). Other unusable tools are left out (<see cref="Skipped"/>).
    /// </exception>
    /// <exception cref="ArgumentException">The tool mode requires a tool that is not offered, or a call while no tool can be used.</exception>
    public static ToolCallingPlan Create(ChatOptions? options, int maxParallelCalls = ToolCallFormat.DefaultMaxParallelCalls, IReadOnlyDictionary<string, ToolSchemaFallback>? fallbacks = null, Phi3InvalidToolCalls invalidCalls = Phi3InvalidToolCalls.Drop, ToolSchemaFallback responseFallback = ToolSchemaFallback.Full)
    {
        var mode = options?.ToolMode ?? ChatToolMode.Auto;
        var skipped = new List<(string Tool, string Reason)>();
        var tools = options?.Tools is { Count: > 0 } list
            ? ToolDefinition.FromTools(list, (mode as RequiredChatToolMode)?.RequiredFunctionName, skipped)
            : [];
        if (tools.Count == 0 && skipped.Count > 0 && mode is RequiredChatToolMode)
        {
            throw new ArgumentException(
                $"ToolMode requires a tool call, but no tool of the request can be used: {string.Join("; ", skipped.Select(s => s.Reason))}",
                nameof(options));
        }

        if (fallbacks is { Count: > 0 })
        {
            tools = [.. tools.Select(t => fallbacks.TryGetValue(t.Name, out var fallback) ? t with { Fallback = fallback } : t)];
        }

        int max = options?.AllowMultipleToolCalls == false ? 1 : maxParallelCalls;
        var responseFormat = options?.ResponseFormat;
        var guidance = ToolGrammarBuilder.Build(tools, mode, responseFormat, max, responseFallback);
        var callable = tools.Count == 0 || mode is NoneChatToolMode ? [] : ToolGrammarBuilder.SelectCallable(tools, mode);

        var relaxations = new List<SchemaRelaxation>();
        foreach (var tool in callable)
        {
            ToolGrammarBuilder.BuildArgumentsSchema(tool, relaxations);
        }

        var parts = new List<string>();
        if (callable.Count > 0)
        {
            parts.Add(ToolPromptRenderer.RenderToolInstructions(callable, mode, max, relaxations));
        }

        if (mode is not RequiredChatToolMode && ToolGrammarBuilder.BuildResponseSchema(responseFormat) is { } shown)
        {
            var formatRelaxations = new List<SchemaRelaxation>();
            ToolGrammarBuilder.BuildResponseSchema(responseFormat, formatRelaxations, responseFallback);
            parts.Add(ToolPromptRenderer.RenderResponseFormatInstructions(shown, formatRelaxations));
            relaxations.AddRange(formatRelaxations);
        }

        return new ToolCallingPlan(options, invalidCalls, tools, callable, mode, max, guidance, parts.Count == 0 ? null : string.Join("\n\n", parts), relaxations)
        {
            Skipped = skipped,
            ResponseFallback = responseFallback,
        };
    }

    /// <summary>The same request with the given tools' schemas relaxed further (see <see cref="ToolGuidanceValidator"/>).</summary>
    public ToolCallingPlan WithFallbacks(IReadOnlyDictionary<string, ToolSchemaFallback> fallbacks, ToolSchemaFallback? responseFallback = null) =>
        Create(_options, MaxParallelCalls, fallbacks, _invalidCalls, responseFallback ?? ResponseFallback);

    /// <summary>Rewrites the history for the prompt: tool content as text, instructions in the system prompt.</summary>
    public List<ChatMessage> PrepareMessages(IEnumerable<ChatMessage> messages) => ToolHistoryRenderer.Rewrite(messages, SystemAddition);

    /// <summary>Creates the parser that separates streamed text from calls (calls only when <see cref="AllowsCalls"/>).</summary>
    public ToolCallStreamParser CreateStreamParser() => new(CallableNames, CheckArguments, _invalidCalls);

    /// <summary>Creates the check of a JSON answer against the whole response-format schema, or <see langword="null"/> when the grammar enforces all of it.</summary>
    public ResponseFormatCheck? CreateResponseFormatCheck() =>
        ResponseFormatCheck.Create(ResponseFormat, ResponseFallback != ToolSchemaFallback.Full || Relaxations.Any(r => r.Owner is null));

    /// <summary>Reads a complete answer: calls when it is a call turn naming callable tools, else text.</summary>
    /// <param name="text">The generated text.</param>
    /// <param name="calls">The calls, or empty.</param>
    /// <returns>Whether the answer is a call turn.</returns>
    public bool TryParseCalls(string text, out IReadOnlyList<FunctionCallContent> calls)
    {
        calls = [];
        return AllowsCalls && ToolCallParser.TryParse(text, CallableNames, out calls, CheckArguments);
    }

    /// <summary>
    /// Checks parsed arguments against the tool's whole schema when the grammar relaxed part of it; guidance enforced
    /// the rest, so tools without relaxations are not checked again.
    /// </summary>
    /// <returns>The violations, or empty; a schema too complex to check gives one violation that says so.</returns>
    internal IReadOnlyList<string> CheckArguments(string toolName, JsonElement arguments)
    {
        if (!_checked.TryGetValue(toolName, out var tool))
        {
            return [];
        }

        try
        {
            return JsonSchemaValidator.Validate(tool.Parameters, arguments);
        }
        catch (ArgumentException ex)
        {
            return [$"/: the arguments could not be checked: {ex.Message}"];
        }
    }
}
