namespace Phi3.OnnxSdk.Cli;

/// <summary>The process exit codes of <c>phi3</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The model could not be resolved, downloaded, loaded or run.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong.</summary>
    public const int BadArguments = 2;

    /// <summary>Cancelled with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
