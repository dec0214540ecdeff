namespace Phi3.OnnxSdk.Cli;

/// <summary>The command line is wrong: an unknown flag, a missing or bad value, a flag that does not apply.</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException()
    {
    }

    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
