using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// Checks up front that onnxruntime-genai's guidance compiles a plan's grammar (it compiles only when a
/// <see cref="Generator"/> is created), and when it does not, finds and names the tool whose schema is at fault.
/// </summary>
/// <remarks>Thread-safe. Grammars that compiled once are remembered per model and not checked again (<see cref="GuidanceCompiler"/>).</remarks>
internal static class ToolGuidanceValidator
{
    /// <summary>Throws when the plan's guidance does not compile on <paramref name="model"/>.</summary>
    /// <param name="model">The native model (its tokenizer takes part in the compilation).</param>
    /// <param name="plan">The plan.</param>
    /// <exception cref="Phi3ToolSchemaException">A tool's schema, or the response-format schema, does not compile; the message names it and quotes guidance.</exception>
    public static void EnsureCompiles(Model model, ToolCallingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Guidance is not { } guidance || TryCompile(model, guidance) is not { } failure)
        {
            return;
        }

        foreach (var tool in plan.Callable)
        {
            var alone = ToolGrammarBuilder.BuildCallsSchema([tool], 1);
            if (TryCompile(model, new ToolGuidance(ToolGuidance.JsonSchemaType, alone.ToJsonString())) is { } toolFailure)
            {
                throw new Phi3ToolSchemaException(tool.Name,
                    $"The parameter schema of tool '{tool.Name}' cannot be used for constrained decoding: {toolFailure.Message} Fix the schema (or the function signature it was generated from).",
                    toolFailure);
            }
        }

        if (ToolGrammarBuilder.BuildResponseSchema(plan.ResponseFormat) is { } response
            && TryCompile(model, new ToolGuidance(ToolGuidance.JsonSchemaType, response.ToJsonString())) is { } responseFailure)
        {
            throw new Phi3ToolSchemaException(null,
                $"The JSON response-format schema cannot be used for constrained decoding: {responseFailure.Message} Fix the schema or the type it was generated from.",
                responseFailure);
        }

        throw new Phi3ToolSchemaException(null,
            $"The tool-calling grammar for tools {string.Join(", ", plan.Callable.Select(t => $"'{t.Name}'"))} does not compile: {failure.Message}",
            failure);
    }

    private static OnnxRuntimeGenAIException? TryCompile(Model model, ToolGuidance guidance) =>
        GuidanceCompiler.TryCompile(model, guidance.Type, guidance.Data);
}
