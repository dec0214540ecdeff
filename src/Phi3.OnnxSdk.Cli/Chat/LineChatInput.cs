using System.Text;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Messages from redirected stdin: one per line, except that a line ending in <c>\</c> continues on the next (the
/// backslash is dropped and the lines are joined with a newline), as in the terminal chat.
/// </summary>
internal sealed class LineChatInput : IChatInput
{
    private readonly TextReader _reader;

    public LineChatInput(TextReader reader) => _reader = reader;

    public async Task<string?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var message = new StringBuilder();
        while (await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (TerminalChatInput.ContinuesOnNextLine(line))
            {
                message.Append(line, 0, line.Length - 1).Append('\n');
                continue;
            }

            return message.Append(line).ToString();
        }

        return message.Length > 0 ? message.ToString() : null;
    }
}
