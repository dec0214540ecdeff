using System.Diagnostics;
using Phi3.OnnxSdk.SyntheticModels.Onnx;
using Phi3.OnnxSdk.SyntheticModels.Tokenizer;

namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// Builds synthetic Phi-3 models: the real Phi-3 architecture, operators, I/O names,
/// genai_config.json and tokenizer, with random weights from a seed. The same options give
/// byte-identical files.
/// </summary>
/// <remarks>Thread-safe: builds into different folders may run concurrently.</remarks>
public static class SyntheticModelBuilder
{
    /// <summary>The ONNX file name in the model folder.</summary>
    public const string OnnxFileName = "model.onnx";

    /// <summary>The external weights file name, used when <see cref="SyntheticModelOptions.ExternalData"/> is set.</summary>
    public const string ExternalDataFileName = "model.onnx.data";

    /// <summary>The vision graph of a vision model (<see cref="SyntheticModelOptions.Vision"/> set).</summary>
    public const string VisionFileName = "vision.onnx";

    /// <summary>The embedding graph of a vision model (<see cref="SyntheticModelOptions.Vision"/> set).</summary>
    public const string EmbeddingFileName = "embedding.onnx";

    /// <summary>
    /// Gets the cache folder for downloaded vocabulary and built test models:
    /// <c>PHI3_TEST_MODEL_CACHE</c>, else <c>$XDG_CACHE_HOME/phi3-onnxsdk</c>, else
    /// <c>~/.cache/phi3-onnxsdk</c>.
    /// </summary>
    public static string DefaultCacheFolder
    {
        get
        {
            if (Environment.GetEnvironmentVariable("PHI3_TEST_MODEL_CACHE") is { Length: > 0 } explicitFolder)
            {
                return Path.GetFullPath(explicitFolder);
            }

            string cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cacheHome, "phi3-onnxsdk");
        }
    }

    /// <summary>Builds a model into <paramref name="outputFolder"/> (created if missing; existing model files are replaced).</summary>
    /// <param name="outputFolder">Where to write the model.</param>
    /// <param name="options">The model shape and seed.</param>
    /// <param name="progress">Receives a line per build step; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the build between steps.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="ArgumentException">The options describe no valid model.</exception>
    /// <exception cref="IOException">The output folder cannot be created or written.</exception>
    public static async Task<SyntheticModelInfo> BuildAsync(
        string outputFolder,
        SyntheticModelOptions options,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var stopwatch = Stopwatch.StartNew();

        string folder = Path.GetFullPath(outputFolder);
        try
        {
            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".write-test-{Environment.ProcessId}");
            await File.WriteAllBytesAsync(probe, [], cancellationToken).ConfigureAwait(false);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException or NotSupportedException)
        {
            throw new IOException($"Cannot write the model to '{folder}': {ex.Message}", ex);
        }

        progress?.Report("fetching the Llama-2 vocabulary");
        var vocabulary = await LlamaVocabularySource.GetAsync(DefaultCacheFolder, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var files = new List<string>();
        progress?.Report($"building the {options.Preset} graph ({options.Layers} layers, hidden {options.HiddenSize}, {options.Precision})");
        WriteGraph(folder, OnnxFileName, $"phi3-synthetic-{options.Preset}", options, files, g => new Phi3GraphBuilder(options, g).Build(progress));
        if (options.Vision is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report($"building the vision and embedding graphs (patch width {options.Vision.ClipHiddenSize})");
            WriteGraph(folder, EmbeddingFileName, $"phi3-synthetic-{options.Preset}-embedding", options, files, g => new EmbeddingGraphBuilder(options, g).Build());
            WriteGraph(folder, VisionFileName, $"phi3-synthetic-{options.Preset}-vision", options, files, g => new VisionGraphBuilder(options, g).Build());
        }

        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report("writing genai_config.json and the tokenizer");
        await File.WriteAllBytesAsync(Path.Combine(folder, "genai_config.json"), GenAIConfigWriter.Create(options, OnnxFileName), cancellationToken).ConfigureAwait(false);
        Phi3TokenizerWriter.WriteAll(folder, vocabulary, options.ContextLength);
        files.AddRange(["genai_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"]);
        if (options.Vision is not null)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, ProcessorConfigWriter.FileName), ProcessorConfigWriter.Create(), cancellationToken).ConfigureAwait(false);
            files.Add(ProcessorConfigWriter.FileName);
        }

        long total = files.Sum(f => new FileInfo(Path.Combine(folder, f)).Length);
        return new SyntheticModelInfo(folder, options, files, total, stopwatch.Elapsed);
    }

    /// <summary>Writes one graph as <paramref name="fileName"/>, with its weights in <c>{fileName}.data</c> when external.</summary>
    private static void WriteGraph(string folder, string fileName, string graphName, SyntheticModelOptions options, List<string> files, Action<OnnxGraph> build)
    {
        string dataFileName = fileName + ".data";
        string dataPath = Path.Combine(folder, dataFileName);
        files.Add(fileName);
        using (var data = options.ExternalData ? new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20) : null)
        {
            if (data is null)
            {
                File.Delete(dataPath);
            }
            else
            {
                files.Add(dataFileName);
            }

            var graph = new OnnxGraph(graphName, data, data is null ? null : dataFileName);
            build(graph);
            using var output = new FileStream(Path.Combine(folder, fileName), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            OnnxModelWriter.Write(graph, output, "Phi3.OnnxSdk.SyntheticModels", $"{options.Preset};seed={options.Seed}");
        }
    }
}
