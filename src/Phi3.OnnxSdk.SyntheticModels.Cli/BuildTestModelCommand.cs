using System.Globalization;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.SyntheticModels.Cli;

/// <summary>
/// <c>build-test-model &lt;output-dir&gt; [preset] [--seed N] [overrides]</c>: writes a synthetic
/// Phi-3 model. Exit codes: 0 built, 1 the build failed, 2 bad arguments.
/// </summary>
internal static class BuildTestModelCommand
{
    public const int Success = 0;
    public const int BuildFailed = 1;
    public const int BadArguments = 2;

    public static string Usage =>
        $"""
        usage: build-test-model <output-dir> [preset] [options]

        presets: {string.Join(", ", SyntheticModelPresets.Names)} (default tiny)

        options:
          --seed N            weight seed (default 1)
          --layers N          decoder layers
          --hidden N          hidden size
          --heads N           attention heads
          --kv-heads N        key/value heads
          --intermediate N    MLP intermediate size
          --context N         context length
          --precision P       fp32 or int4
          --external-data     write weights to model.onnx.data
          --help              show this text
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        SyntheticModelOptions options;
        string folder;
        try
        {
            if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
            {
                (args.Length == 0 ? error : output).WriteLine(Usage);
                return args.Length == 0 ? BadArguments : Success;
            }

            (folder, options) = Parse(args);
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            error.WriteLine($"build-test-model: {ex.Message}");
            error.WriteLine("Run 'build-test-model --help' for usage.");
            return BadArguments;
        }

        try
        {
            var progress = new Progress<string>(line => error.WriteLine($"  {line}"));
            var info = await SyntheticModelBuilder.BuildAsync(folder, options, progress).ConfigureAwait(false);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"built {info.Options.Preset} (seed {info.Options.Seed}) in {info.Folder}: {info.TotalBytes / 1e6:F1} MB in {info.BuildTime.TotalSeconds:F1} s"));
            return Success;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException or InvalidDataException)
        {
            error.WriteLine($"build-test-model: {ex.Message}");
            return BuildFailed;
        }
    }

    internal static (string Folder, SyntheticModelOptions Options) Parse(string[] args)
    {
        string? folder = null;
        string? preset = null;
        var overrides = new List<Func<SyntheticModelOptions, SyntheticModelOptions>>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (folder is null)
                {
                    folder = arg;
                }
                else if (preset is null)
                {
                    preset = arg;
                }
                else
                {
                    throw new ArgumentException($"Unexpected argument '{arg}'.");
                }

                continue;
            }

            if (arg == "--external-data")
            {
                overrides.Add(o => o with { ExternalData = true });
                continue;
            }

            string value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            overrides.Add(arg switch
            {
                "--seed" => o => o with { Seed = ParseLong(arg, value) },
                "--layers" => o => o with { Layers = ParseInt(arg, value) },
                "--hidden" => o => o with { HiddenSize = ParseInt(arg, value) },
                "--heads" => o => o with { NumHeads = ParseInt(arg, value) },
                "--kv-heads" => o => o with { NumKeyValueHeads = ParseInt(arg, value) },
                "--intermediate" => o => o with { IntermediateSize = ParseInt(arg, value) },
                "--context" => o => o with { ContextLength = ParseInt(arg, value) },
                "--precision" => o => o with { Precision = ParsePrecision(value) },
                _ => throw new ArgumentException($"Unknown option '{arg}'."),
            });
        }

        if (folder is null)
        {
            throw new ArgumentException("The output folder is missing.");
        }

        var options = SyntheticModelPresets.Get(preset ?? "tiny");
        foreach (var apply in overrides)
        {
            options = apply(options);
        }

        return (folder, options);
    }

    private static int ParseInt(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result)
            ? result
            : throw new ArgumentException($"{option} needs a whole number, not '{value}'.");

    private static long ParseLong(string option, string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long result)
            ? result
            : throw new ArgumentException($"{option} needs a whole number, not '{value}'.");

    private static SyntheticPrecision ParsePrecision(string value) => value.ToUpperInvariant() switch
    {
        "FP32" => SyntheticPrecision.Fp32,
        "INT4" => SyntheticPrecision.Int4,
        _ => throw new ArgumentException($"--precision must be fp32 or int4, not '{value}'."),
    };
}
