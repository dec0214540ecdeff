using Spectre.Console;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// The program's three streams and how to write to them: answers and listings go to stdout as plain text; notices,
/// warnings and errors go to stderr, styled with Spectre.Console on a terminal (dim notices, red errors) and plain
/// when redirected or when <c>NO_COLOR</c> is set. While a live display (the download bar) owns stderr, lines wait
/// and are written when it ends. Thread-safe.
/// </summary>
internal sealed class CliConsole
{
    private readonly object _gate = new();
    private readonly List<(string Markup, string Plain)> _held = [];
    private IAnsiConsole? _error;
    private IAnsiConsole? _output;
    private bool _live;

    public CliConsole(TextReader input, TextWriter output, TextWriter error, bool inputIsTerminal, bool outputIsTerminal, bool errorIsTerminal)
    {
        Input = input;
        Output = output;
        Error = error;
        InputIsTerminal = inputIsTerminal;
        OutputIsTerminal = outputIsTerminal;
        ErrorIsTerminal = errorIsTerminal;
        Styled = errorIsTerminal && Environment.GetEnvironmentVariable("NO_COLOR") is not { Length: > 0 };
    }

    public TextReader Input { get; }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public bool InputIsTerminal { get; }

    public bool OutputIsTerminal { get; }

    public bool ErrorIsTerminal { get; }

    /// <summary>Gets a value indicating whether a person types and reads the chat (line editing, prompts, banner).</summary>
    public bool IsInteractive => InputIsTerminal && OutputIsTerminal;

    /// <summary>Gets a value indicating whether stderr gets colours and live displays.</summary>
    public bool Styled { get; }

    /// <summary>Gets the Spectre.Console view of stderr (progress, colours).</summary>
    public IAnsiConsole ErrorConsole => _error ??= Create(Error);

    /// <summary>Gets the Spectre.Console view of stdout (the line editor).</summary>
    public IAnsiConsole OutputConsole => _output ??= Create(Output);

    /// <summary>Returns the console of the running process.</summary>
    public static CliConsole ForProcess() =>
        new(Console.In, Console.Out, Console.Error, !Console.IsInputRedirected, !Console.IsOutputRedirected, !Console.IsErrorRedirected);

    /// <summary>Writes a line to stdout: <paramref name="markup"/> on a terminal (unless <c>NO_COLOR</c>), else <paramref name="plain"/>.</summary>
    public void WriteLine(string markup, string plain)
    {
        if (OutputIsTerminal && Environment.GetEnvironmentVariable("NO_COLOR") is not { Length: > 0 })
        {
            OutputConsole.MarkupLine(markup);
        }
        else
        {
            Output.WriteLine(plain);
        }
    }

    /// <summary>Writes a dim notice line to stderr.</summary>
    public void Note(string text) => WriteError($"[dim]{Markup.Escape(text)}[/]", text);

    /// <summary>Writes <c>warning: text</c> (yellow on a terminal) to stderr.</summary>
    public void Warn(string text) => WriteError($"[yellow]warning:[/] {Markup.Escape(text)}", $"warning: {text}");

    /// <summary>Writes <c>phi3: text</c>, the one line of a failure (red on a terminal), to stderr.</summary>
    public void Fail(string text) => WriteError($"[bold red]phi3:[/] [red]{Markup.Escape(text)}[/]", $"phi3: {text}");

    /// <summary>Holds stderr lines until <see cref="EndLive"/>: a live display is drawing there.</summary>
    public void BeginLive()
    {
        lock (_gate)
        {
            _live = true;
        }
    }

    /// <summary>Ends a live display and writes the lines held meanwhile.</summary>
    public void EndLive()
    {
        List<(string Markup, string Plain)> held;
        lock (_gate)
        {
            _live = false;
            held = [.. _held];
            _held.Clear();
        }

        foreach (var (markup, plain) in held)
        {
            WriteError(markup, plain);
        }
    }

    private void WriteError(string markup, string plain)
    {
        lock (_gate)
        {
            if (_live)
            {
                _held.Add((markup, plain));
                return;
            }

            if (Styled)
            {
                ErrorConsole.MarkupLine(markup);
            }
            else
            {
                Error.WriteLine(plain);
            }
        }
    }

    private static IAnsiConsole Create(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = InteractionSupport.Detect,
    });
}
