namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>How a phi3 run ended.</summary>
internal sealed record Phi3Result(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
