namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>What a child process of the fault suite did: its exit, its output, and the status of each attack it ran.</summary>
public sealed class ChildResult
{
    internal const string RunPrefix = "RUN ";
    internal const string PassPrefix = "PASS ";
    internal const string FailPrefix = "FAIL ";

    internal ChildResult(int? exitCode, string stdout, string stderr, TimeSpan timeout)
    {
        ExitCode = exitCode;
        Stdout = stdout;
        Stderr = stderr;
        Timeout = timeout;
    }

    /// <summary>Gets the exit code, or <see langword="null"/> when the child was killed after <see cref="Timeout"/>.</summary>
    public int? ExitCode { get; }

    public string Stdout { get; }

    public string Stderr { get; }

    public TimeSpan Timeout { get; }

    private IEnumerable<string> Lines => Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Fails the calling test unless the child ran <paramref name="attack"/> and it passed; says why otherwise (crash, hang, failure).</summary>
    public void AssertPassed(string attack)
    {
        if (Lines.Contains(PassPrefix + attack))
        {
            return;
        }

        string what = Lines.Contains(FailPrefix + attack)
            ? "failed"
            : Lines.LastOrDefault(l => l.StartsWith(RunPrefix, StringComparison.Ordinal)) == RunPrefix + attack
                ? $"did not finish: the child {Exit()} while it ran"
                : $"never ran: the child {Exit()} before it";
        Assert.Fail($"Attack '{attack}' {what}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    /// <summary>Describes how the child ended.</summary>
    public string Exit() => ExitCode switch
    {
        null => $"hung (killed after {Timeout.TotalSeconds:F0} s)",
        0 => "exited normally",
        1 => "exited with failures",
        > 128 and < 160 => $"was killed by signal {ExitCode - 128}{((ExitCode - 128) switch { 6 => " (SIGABRT)", 11 => " (SIGSEGV)", _ => string.Empty })}: a native crash",
        _ => $"exited with code {ExitCode}",
    };
}
