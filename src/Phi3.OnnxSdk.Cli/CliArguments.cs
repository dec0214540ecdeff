using Phi3.OnnxSdk.Hub;
using Phi3.OnnxSdk.Provisioning;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Cli;

/// <summary>The parsed command line. A <see langword="null"/> property means "not given: use the default".</summary>
internal sealed class CliArguments
{
    public CliCommand Command { get; set; } = CliCommand.Chat;

    /// <summary>Gets or sets the question of a one-shot chat; <see langword="null"/> starts an interactive chat.</summary>
    public string? Question { get; set; }

    public string? ModelPath { get; set; }

    public string? Model { get; set; }

    public string? Variant { get; set; }

    public string? Provider { get; set; }

    public VariantPreference? Preference { get; set; }

    public HardwareProfile? Assume { get; set; }

    public string? System { get; set; }

    public int? MaxTokens { get; set; }

    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    public int? TopK { get; set; }

    public long? Seed { get; set; }

    public string? CacheDirectory { get; set; }

    /// <summary>Gets or sets a catalog file merged over the shipped models.json.</summary>
    public string? CatalogPath { get; set; }

    public bool Offline { get; set; }

    /// <summary>Gets or sets whether cached files are hashed again before they are trusted (<c>--verify-cache</c>).</summary>
    public bool VerifyCache { get; set; }

    /// <summary>Gets or sets whether the snapshot holds copies instead of symbolic links (<c>--copy-files</c>).</summary>
    public bool CopyFiles { get; set; }

    /// <summary>Gets or sets whether downloads go through the page cache instead of directly to the disk (<c>--no-direct-io</c>).</summary>
    public bool NoDirectIO { get; set; }

    public bool NoStats { get; set; }

    /// <summary>Returns the SDK options these arguments describe.</summary>
    public Phi3Options ToPhi3Options() => new()
    {
        ModelPath = ModelPath,
        Model = Model,
        Variant = Variant,
        Provider = Provider,
        Preference = Preference,
        CatalogPath = CatalogPath,
        Hub = new HubClientOptions
        {
            CacheDirectory = CacheDirectory,
            Offline = Offline ? true : null,
            VerifyCachedFiles = VerifyCache ? true : null,
            UseSymbolicLinks = CopyFiles ? false : null,
            UseDirectIO = NoDirectIO ? false : null,
            Logger = StderrWarningLogger.Instance,
        },
        ChatClient = new Phi3ChatClientOptions
        {
            MaxOutputTokens = MaxTokens,
            Temperature = Temperature,
            TopP = TopP,
            TopK = TopK,
            Seed = Seed,
        },
    };
}
