using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// The <c>phi3</c> program: System.CommandLine parses the command line into one of the <see cref="IPhi3Command"/>s
/// (plain <c>phi3</c> is the interactive chat); every failure becomes one line on stderr (<c>phi3: message</c>, red on
/// a terminal) and a non-zero exit code (<see cref="ExitCodes"/>), never a stack trace.
/// </summary>
internal static class CliApp
{
    private const string HelpFooter =
        """
        In the chat:
          /help, /reset (forget the conversation), /system <text> (set the system prompt), /image <file> (add an image to
          the next message), /exit (also end of input).
          Enter sends; a line ending in \ (or Shift+Enter, or a paste) continues on the next line.
          Up and Down recall earlier messages. Ctrl+C stops the answer in progress; twice while idle quits.

        Answers go to stdout; progress, statistics and errors go to stderr.
        Exit codes: 0 done, 1 failed, 2 bad command line, 130 cancelled.
        """;

    public static Task<int> RunAsync(string[] args) => RunAsync(args, CliConsole.ForProcess());

    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        using var interrupts = new InterruptHandler(console);
        var context = new CliContext(console, interrupts);
        var root = BuildRoot(context);
        var result = root.Parse(args);
        var help = root.Options.OfType<HelpOption>().Single();
        if (result.GetResult(help) is not null)
        {
            // Help wins over everything else on the line, as in most tools.
            return help.Action is SynchronousCommandLineAction action ? action.Invoke(result) : ExitCodes.Success;
        }

        if (UsageErrors.Find(result, args) is { } usage)
        {
            console.Fail($"{usage} (see 'phi3 --help')");
            return ExitCodes.BadArguments;
        }

        try
        {
            return await result.InvokeAsync(new InvocationConfiguration
            {
                Output = console.Output,
                Error = console.Error,
                EnableDefaultExceptionHandler = false,

                // Ctrl+C is InterruptHandler's: it stops the answer in progress, not the program.
                ProcessTerminationTimeout = null,
            }).ConfigureAwait(false);
        }
        catch (CliUsageException ex)
        {
            console.Fail(ErrorText.Describe(ex));
            return ExitCodes.BadArguments;
        }
        catch (OperationCanceledException)
        {
            console.Fail("cancelled");
            return ExitCodes.Cancelled;
        }
#pragma warning disable CA1031 // The program's last line of defence: every failure becomes one line, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            console.Fail(ErrorText.Describe(ex));
            return ExitCodes.Failed;
        }
    }

    /// <summary>Builds the command tree: every <see cref="IPhi3Command"/> of this assembly, in <see cref="IPhi3Command.Order"/>.</summary>
    internal static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("phi3: chat with Phi-3 models locally (onnxruntime-genai). Plain 'phi3' starts the interactive chat.");
        var commands = typeof(CliApp).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPhi3Command).IsAssignableFrom(t))
            .Select(t => (IPhi3Command)Activator.CreateInstance(t)!)
            .OrderBy(c => c.Order);
        foreach (var command in commands)
        {
            root.Subcommands.Add(command.Create(context));
        }

        ChatCommand.MakeDefault(root, context);
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new FooterHelpAction((HelpAction)help.Action!, context.Console.Output);
        return root;
    }

    /// <summary>The default help, then the chat keys, streams and exit codes under the root's and the chat's help.</summary>
    private sealed class FooterHelpAction(HelpAction inner, TextWriter output) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int exitCode = inner.Invoke(parseResult);
            if (parseResult.CommandResult.Command is RootCommand || parseResult.CommandResult.Command.Name == "chat")
            {
                output.WriteLine(HelpFooter);
            }

            return exitCode;
        }
    }
}
