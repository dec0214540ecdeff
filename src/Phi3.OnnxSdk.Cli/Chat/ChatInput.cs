namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Where the chat's messages come from: a terminal (<see cref="TerminalChatInput"/>: line editing, history, several
/// lines) or redirected stdin (<see cref="LineChatInput"/>: one message per line).
/// </summary>
internal interface IChatInput
{
    /// <summary>Reads the next message; <see langword="null"/> at the end of the input.</summary>
    Task<string?> ReadMessageAsync(CancellationToken cancellationToken);
}
