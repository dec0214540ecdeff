namespace Phi3.OnnxSdk.Cli;

/// <summary>What the command line asks for.</summary>
internal enum CliCommand
{
    /// <summary>Chat: one-shot with a question, interactive without one.</summary>
    Chat,

    /// <summary>List the catalog with the resolver's pick (<c>phi3 models</c>).</summary>
    Models,

    /// <summary>Download the resolved variant (<c>phi3 download</c>).</summary>
    Download,

    /// <summary>Print the usage (<c>--help</c>).</summary>
    Help,

    /// <summary>Print the version (<c>--version</c>).</summary>
    Version,
}
