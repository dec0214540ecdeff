using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime.Native;

namespace Phi3.OnnxSdk.Runtime;

/// <summary>
/// Compiles guidance (<c>json_schema</c>, <c>regex</c>, <c>lark_grammar</c>) the way a request's generator would, so a
/// grammar onnxruntime-genai cannot compile is refused when the request is made rather than while it is enumerated
/// (onnxruntime-genai compiles only when a <see cref="Generator"/> is created). Guidance that compiled is remembered
/// per model (at most <see cref="MaxRemembered"/> each), without keeping the model alive. Thread-safe; the caller holds
/// a lease on the model.
/// </summary>
internal static class GuidanceCompiler
{
    private const int MaxRemembered = 256;
    private static readonly ConditionalWeakTable<Model, ConcurrentDictionary<(string Type, string Data), bool>> s_compiled = new();

    /// <summary>Returns <see langword="null"/> when the guidance compiles on <paramref name="model"/>, else onnxruntime-genai's error.</summary>
    public static OnnxRuntimeGenAIException? TryCompile(Model model, string type, string data)
    {
        var known = s_compiled.GetOrCreateValue(model);
        if (known.ContainsKey((type, data)))
        {
            return null;
        }

        try
        {
            using var parameters = new GuardedGeneratorParams(model);
            parameters.SetSearchOption("max_length", 8);
            parameters.SetGuidance(type, data, false);
            using var generator = new Generator(model, parameters);
        }
        catch (OnnxRuntimeGenAIException ex)
        {
            return ex;
        }

        if (known.Count >= MaxRemembered)
        {
            known.Clear();
        }

        known.TryAdd((type, data), true);
        return null;
    }
}
