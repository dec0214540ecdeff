using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// Checks up front that onnxruntime-genai's guidance compiles a plan's grammar (it compiles only when a
/// <see cref="Generator"/> is created). When it does not, each callable tool is compiled alone and the schema of each
/// tool that fails is relaxed further (<see cref="ToolSchemaFallback"/>) until it compiles, so that one tool's schema
/// never fails a request: the other tools keep their whole grammar. A JSON response-format schema goes down the same
/// ladder; the answer is then checked against the whole schema after generation (<see cref="ResponseFormatCheck"/>).
/// </summary>
/// <remarks>
/// Thread-safe. The outcome for a grammar is remembered per model (without keeping the model alive) and not worked out
/// again; grammars that compile are remembered by <see cref="GuidanceCompiler"/>.
/// </remarks>
internal static class ToolGuidanceValidator
{
    /// <summary>The name under which the response format's fallback is reported (no tool has it: tools with an empty name are left out).</summary>
    public const string ResponseFormatKey = "";

    private const int MaxRemembered = 256;
    private static readonly ToolSchemaFallback[] s_ladder = [ToolSchemaFallback.Full, ToolSchemaFallback.WithoutPatterns, ToolSchemaFallback.AnyObject];
    private static readonly ConditionalWeakTable<Model, ConcurrentDictionary<string, IReadOnlyList<(string Tool, ToolSchemaFallback Fallback, string Error)>>> s_outcomes = new();

    /// <summary>Returns <paramref name="plan"/> when its guidance compiles on <paramref name="model"/>, or the plan with the failing schemas relaxed.</summary>
    /// <param name="model">The native model (its tokenizer takes part in the compilation).</param>
    /// <param name="plan">The plan.</param>
    /// <param name="fallbacks">
    /// The tools (and, under <see cref="ResponseFormatKey"/>, the response format) whose schema had to be relaxed beyond
    /// <see cref="ToolSchemaFallback.Full"/>, with the guidance error; empty when none.
    /// </param>
    /// <returns>A plan whose guidance compiles.</returns>
    /// <exception cref="Phi3ToolSchemaException">The grammar does not compile even with every schema relaxed to any JSON object (the message quotes guidance).</exception>
    public static ToolCallingPlan EnsureCompiles(Model model, ToolCallingPlan plan, out IReadOnlyList<(string Tool, ToolSchemaFallback Fallback, string Error)> fallbacks)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        fallbacks = [];
        if (plan.Guidance is not { } guidance)
        {
            return plan;
        }

        var outcomes = s_outcomes.GetOrCreateValue(model);
        if (outcomes.TryGetValue(guidance.Data, out var known))
        {
            fallbacks = known;
            return known.Count == 0 ? plan : Apply(plan, known);
        }

        var found = new List<(string Tool, ToolSchemaFallback Fallback, string Error)>();
        var result = plan;
        if (TryCompile(model, guidance) is not null)
        {
            foreach (var tool in plan.Callable)
            {
                if (FirstThatCompiles(model, level => ToolGrammarBuilder.BuildCallsSchema([tool with { Fallback = level }], 1)) is { } outcome)
                {
                    found.Add((tool.Name, outcome.Level, outcome.Error));
                }
            }

            if (plan.ResponseFormat is ChatResponseFormatJson
                && FirstThatCompiles(model, level => ToolGrammarBuilder.BuildResponseSchema(plan.ResponseFormat, new List<SchemaRelaxation>(), level)!) is { } response)
            {
                found.Add((ResponseFormatKey, response.Level, response.Error));
            }

            result = found.Count == 0 ? plan : Apply(plan, found);
            if (result.Guidance is { } retried && TryCompile(model, retried) is { } still)
            {
                throw new Phi3ToolSchemaException(null,
                    $"The guidance for tools {string.Join(", ", plan.Callable.Select(t => $"'{t.Name}'"))}{(plan.ResponseFormat is ChatResponseFormatJson ? " and the JSON response format" : string.Empty)} does not compile: {still.Message}",
                    still);
            }
        }

        if (outcomes.Count >= MaxRemembered)
        {
            outcomes.Clear();
        }

        outcomes.TryAdd(guidance.Data, found);
        fallbacks = found;
        return result;
    }

    private static ToolCallingPlan Apply(ToolCallingPlan plan, IReadOnlyList<(string Tool, ToolSchemaFallback Fallback, string Error)> found) =>
        plan.WithFallbacks(
            found.Where(f => f.Tool != ResponseFormatKey).ToDictionary(f => f.Tool, f => f.Fallback, StringComparer.Ordinal),
            found.Where(f => f.Tool == ResponseFormatKey).Select(f => (ToolSchemaFallback?)f.Fallback).FirstOrDefault());

    /// <summary>The first level of the ladder past <see cref="ToolSchemaFallback.Full"/> at which the schema compiles alone, with the error at full; <see langword="null"/> when it compiles whole (or at no level).</summary>
    private static (ToolSchemaFallback Level, string Error)? FirstThatCompiles(Model model, Func<ToolSchemaFallback, System.Text.Json.Nodes.JsonObject> schemaAt)
    {
        string? firstError = null;
        foreach (var level in s_ladder)
        {
            if (TryCompile(model, new ToolGuidance(ToolGuidance.JsonSchemaType, schemaAt(level).ToJsonString())) is not { } error)
            {
                return level == ToolSchemaFallback.Full ? null : (level, firstError!);
            }

            firstError ??= error.Message;
        }

        return null;
    }

    private static OnnxRuntimeGenAIException? TryCompile(Model model, ToolGuidance guidance) =>
        GuidanceCompiler.TryCompile(model, guidance.Type, guidance.Data);
}
