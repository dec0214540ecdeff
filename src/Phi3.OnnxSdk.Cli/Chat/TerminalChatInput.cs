using RadLine;
using Spectre.Console;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Messages typed on a terminal, read with RadLine's line editor: Left/Right/Home/End edit the line, Up and Down
/// recall earlier messages, Enter sends, and a line ending in <c>\</c> (or Shift+Enter where the terminal reports
/// it, or a paste) continues on a new line; Ctrl+Up/Down move between those lines; Ctrl+D on an empty line ends the
/// chat.
/// </summary>
internal sealed class TerminalChatInput : IChatInput
{
    private readonly LineEditor _editor;

    public TerminalChatInput(IAnsiConsole console)
    {
        _editor = new LineEditor(console)
        {
            MultiLine = true,
            Prompt = new LineEditorPrompt("[green]>[/]", "[grey]·[/]"),
        };

        var keys = _editor.KeyBindings;
        keys.Clear();
        keys.Add<SubmitCommand>(ConsoleKey.Enter);
        keys.Add(ConsoleKey.Enter, () => new SendOrContinueCommand());
        keys.Add<NewLineCommand>(ConsoleKey.Enter, ConsoleModifiers.Shift);
        keys.Add<PreviousHistoryCommand>(ConsoleKey.UpArrow);
        keys.Add<NextHistoryCommand>(ConsoleKey.DownArrow);
        keys.Add<MoveUpCommand>(ConsoleKey.UpArrow, ConsoleModifiers.Control);
        keys.Add<MoveDownCommand>(ConsoleKey.DownArrow, ConsoleModifiers.Control);
        keys.Add<MoveLeftCommand>(ConsoleKey.LeftArrow);
        keys.Add<MoveRightCommand>(ConsoleKey.RightArrow);
        keys.Add<PreviousWordCommand>(ConsoleKey.LeftArrow, ConsoleModifiers.Control);
        keys.Add<NextWordCommand>(ConsoleKey.RightArrow, ConsoleModifiers.Control);
        keys.Add<MoveHomeCommand>(ConsoleKey.Home);
        keys.Add<MoveEndCommand>(ConsoleKey.End);
        keys.Add<MoveFirstLineCommand>(ConsoleKey.PageUp);
        keys.Add<MoveLastLineCommand>(ConsoleKey.PageDown);
        keys.Add<BackspaceCommand>(ConsoleKey.Backspace);
        keys.Add<DeleteCommand>(ConsoleKey.Delete);
        keys.Add(ConsoleKey.D, ConsoleModifiers.Control, () => new EndOfInputCommand());
    }

    /// <summary>Gets whether RadLine can edit lines on <paramref name="console"/> (an interactive ANSI terminal).</summary>
    public static bool IsSupported(IAnsiConsole console) => LineEditor.IsSupported(console);

    /// <summary>Gets whether a typed line asks for another line instead of sending (it ends in <c>\</c>).</summary>
    public static bool ContinuesOnNextLine(string line) => line.EndsWith('\\');

    public Task<string?> ReadMessageAsync(CancellationToken cancellationToken) => _editor.ReadLine(cancellationToken);

    /// <summary>Enter: sends the message, or starts a new line when this one ends in a backslash (which is dropped).</summary>
    private sealed class SendOrContinueCommand : LineEditorCommand
    {
        public override void Execute(LineEditorContext context)
        {
            var line = context.Buffer;
            if (ContinuesOnNextLine(line.Content))
            {
                line.Clear(line.Length - 1, 1);
                line.Move(line.Length);
                context.Submit(SubmitAction.NewLine);
                return;
            }

            context.Submit(SubmitAction.Submit);
        }
    }

    /// <summary>Ctrl+D: ends the chat when the message is empty, as at the end of piped input.</summary>
    private sealed class EndOfInputCommand : LineEditorCommand
    {
        public override void Execute(LineEditorContext context)
        {
            if (context.Buffer.Length == 0)
            {
                context.Submit(SubmitAction.Cancel);
            }
        }
    }
}
