using System.Text;
using System.Text.Json;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Runtime;

/// <summary>
/// The load-time settings the SDK controls, written as a genai_config.json overlay. A null property
/// keeps the model's own value. <see cref="Default"/> holds the settings measured best on CPU
/// (docs/benchmarks.md, "Decode speed and tuning"); the chat client and benchmarks load through it.
/// </summary>
internal sealed record RuntimeTuning
{
    /// <summary>
    /// Gets the measured defaults: one intra-op thread per logical processor. ONNX Runtime's own default counts
    /// physical cores, which on the 2-vCPU reference machine is one thread: mini-int4 decoded 10 tokens/s with it
    /// and 17 with two. The static batch stays at onnxruntime-genai's 4 (8 gave no more throughput), and the KV
    /// buffer is sized per request by the chat client (prompt + output + reuse headroom), not here.
    /// </summary>
    public static RuntimeTuning Default { get; } = new() { IntraOpThreads = Environment.ProcessorCount };

    /// <summary>Gets the ONNX Runtime intra-op thread count (<c>model.decoder.session_options.intra_op_num_threads</c>); null lets ONNX Runtime choose.</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>Gets the cap on <c>search.max_length</c>, which sizes the shared KV buffer of every generator.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Gets the batching engine's static batch size (<c>engine.static_batching.max_batch_size</c>; onnxruntime-genai's default is 4).</summary>
    public int? MaxBatchSize { get; init; }

    /// <summary>Returns the overlay JSON, or null when nothing is overridden.</summary>
    public string? ToOverlayJson()
    {
        if (IntraOpThreads is null && MaxLength is null && MaxBatchSize is null)
        {
            return null;
        }

        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            if (IntraOpThreads is int threads)
            {
                w.WriteStartObject("model");
                w.WriteStartObject("decoder");
                w.WriteStartObject("session_options");
                w.WriteNumber("intra_op_num_threads", threads);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            if (MaxLength is int maxLength)
            {
                w.WriteStartObject("search");
                w.WriteNumber("max_length", maxLength);
                w.WriteEndObject();
            }

            if (MaxBatchSize is int batch)
            {
                w.WriteStartObject("engine");
                w.WriteStartObject("static_batching");
                w.WriteNumber("max_batch_size", batch);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Creates an onnxruntime-genai <see cref="Config"/> for <paramref name="modelPath"/> with these settings applied.</summary>
    /// <exception cref="OnnxRuntimeGenAIException">The folder has no valid genai_config.json, or the overlay is rejected.</exception>
    /// <summary>
    /// The defaults for a model folder: <see cref="Default"/>, less the thread count when the folder's
    /// genai_config.json sets its own (the model's author knows better than the SDK's guess).
    /// </summary>
    public static RuntimeTuning ForFolder(string modelPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(modelPath, "genai_config.json")));
            bool ownThreads = document.RootElement.TryGetProperty("model", out var model)
                && model.TryGetProperty("decoder", out var decoder)
                && decoder.TryGetProperty("session_options", out var session)
                && session.TryGetProperty("intra_op_num_threads", out _);
            return ownThreads ? Default with { IntraOpThreads = null } : Default;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // The loader reports a missing or broken genai_config.json with its own clear message.
            return Default;
        }
    }

    /// <summary>Overlays these settings on <paramref name="config"/>.</summary>
    public void ApplyTo(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (ToOverlayJson() is { } overlay)
        {
            config.Overlay(overlay);
        }
    }

    public Config CreateConfig(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var config = new Config(modelPath);
        try
        {
            ApplyTo(config);
            return config;
        }
        catch
        {
            config.Dispose();
            throw;
        }
    }
}
