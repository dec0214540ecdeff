using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// Checks up front that onnxruntime-genai's guidance compiles a plan's grammar (it compiles only when a
/// <see cref="Generator"/> is created). When it does not, each callable tool is compiled alone and the schema of each
/// tool that fails is relaxed further (<see cref="ToolSchemaFallback"/>) until it compiles, so that one tool's schema
/// never fails a request: the other tools keep their whole grammar.
/// </summary>
/// <remarks>
/// Thread-safe. The outcome for a grammar is remembered per model (without keeping the model alive) and not worked out
/// again; grammars that compile are remembered by <see cref="GuidanceCompiler"/>.
/// </remarks>
internal static class ToolGuidanceValidator
{
    private const int MaxRemembered = 256;
    private static readonly ToolSchemaFallback[] s_ladder = [ToolSchemaFallback.Full, ToolSchemaFallback.WithoutPatterns, ToolSchemaFallback.AnyObject];
    private static readonly ConditionalWeakTable<Model, ConcurrentDictionary<string, IReadOnlyList<(string Tool, ToolSchemaFallback Fallback, string Error)>>> s_outcomes = new();

    /// <summary>Returns <paramref name="plan"/> when its guidance compiles on <paramref name="model"/>, or the plan with the failing tools' schemas relaxed.</summary>
    /// <param name="model">The native model (its tokenizer takes part in the compilation).</param>
    /// <param name="plan">The plan.</param>
    /// <param name="fallbacks">The tools whose schema had to be relaxed beyond <see cref="ToolSchemaFallback.Full"/>, with the guidance error; empty when none.</param>
    /// <returns>A plan whose guidance compiles.</returns>
    /// <exception cref="Phi3ToolSchemaException">The response-format schema does not compile (the message quotes guidance).</exception>
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
            return known.Count == 0 ? plan : plan.WithFallbacks(known.ToDictionary(f => f.Tool, f => f.Fallback, StringComparer.Ordinal));
        }

        var failure = TryCompile(model, guidance);
        var relaxed = new Dictionary<string, ToolSchemaFallback>(StringComparer.Ordinal);
        var found = new List<(string, ToolSchemaFallback, string)>();
        var result = plan;
        if (failure is not null)
        {
            foreach (var tool in plan.Callable)
            {
                string? firstError = null;
                foreach (var level in s_ladder)
                {
                    var alone = ToolGrammarBuilder.BuildCallsSchema([tool with { Fallback = level }], 1);
                    if (TryCompile(model, new ToolGuidance(ToolGuidance.JsonSchemaType, alone.ToJsonString())) is not { } error)
                    {
                        if (level != ToolSchemaFallback.Full)
                        {
                            relaxed[tool.Name] = level;
                            found.Add((tool.Name, level, firstError!));
                        }

                        break;
                    }

                    firstError ??= error.Message;
                }
            }

            result = relaxed.Count == 0 ? plan : plan.WithFallbacks(relaxed);
            if (result.Guidance is { } retried && TryCompile(model, retried) is { } still)
            {
                ThrowForResponseFormat(model, plan);
                throw new Phi3ToolSchemaException(null,
                    $"The tool-calling grammar for tools {string.Join(", ", plan.Callable.Select(t => $"'{t.Name}'"))} does not compile: {still.Message}",
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

    private static void ThrowForResponseFormat(Model model, ToolCallingPlan plan)
    {
        if (ToolGrammarBuilder.BuildResponseSchema(plan.ResponseFormat, new List<SchemaRelaxation>()) is { } response
            && TryCompile(model, new ToolGuidance(ToolGuidance.JsonSchemaType, response.ToJsonString())) is { } responseFailure)
        {
            throw new Phi3ToolSchemaException(null,
                $"The JSON response-format schema cannot be used for constrained decoding: {responseFailure.Message} Fix the schema or the type it was generated from.",
                responseFailure);
        }
    }

    private static OnnxRuntimeGenAIException? TryCompile(Model model, ToolGuidance guidance) =>
        GuidanceCompiler.TryCompile(model, guidance.Type, guidance.Data);
}
