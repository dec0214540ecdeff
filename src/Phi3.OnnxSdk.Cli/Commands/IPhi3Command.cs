using System.CommandLine;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// One <c>phi3</c> command. <see cref="CliApp"/> finds every implementation in this assembly, so adding a command is
/// adding one file: a class with a parameterless constructor that builds its <see cref="Command"/> (options from
/// <see cref="ModelOptions"/> and <see cref="GenerationOptions"/>, an action that returns an exit code).
/// </summary>
internal interface IPhi3Command
{
    /// <summary>Gets where the command is listed in <c>phi3 --help</c> (lower first).</summary>
    int Order { get; }

    /// <summary>Builds the command; its action runs against <paramref name="context"/>.</summary>
    Command Create(CliContext context);
}
