using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// The chat on a loaded model: one answer (<c>phi3 chat "question"</c>) or a conversation, one message at a time
/// from <see cref="IChatInput"/>. Answers stream to stdout with one newline after each; statistics, notices and the
/// token-limit flag go to stderr. Ctrl+C stops the answer in progress.
/// </summary>
internal sealed class ChatSession
{
    private const string Commands = "/reset forgets the conversation; /system <text> sets the system prompt (/system alone clears it); /exit quits. " +
        "A line ending in \\ continues on the next; Up and Down recall earlier messages; Ctrl+C stops an answer.";

    private readonly CliContext _context;
    private readonly Phi3ChatClient _client;
    private readonly int _maxTokens;
    private readonly bool _stats;
    private readonly List<ChatMessage> _history = [];
    private string? _system;

    public ChatSession(CliContext context, Phi3ChatClient client, string? system, int? maxTokens, bool stats)
    {
        _context = context;
        _client = client;
        _system = string.IsNullOrWhiteSpace(system) ? null : system;
        _maxTokens = maxTokens ?? 1024;
        _stats = stats;
    }

    private CliConsole Console => _context.Console;

    /// <summary>Answers <paramref name="question"/>; returns the exit code.</summary>
    public async Task<int> AnswerOnceAsync(string question) =>
        await AnswerAsync(question).ConfigureAwait(false) ? ExitCodes.Success : ExitCodes.Cancelled;

    /// <summary>Runs the conversation until the input ends or <c>/exit</c>; returns the exit code.</summary>
    public async Task<int> RunAsync(IChatInput input, string modelName)
    {
        ArgumentNullException.ThrowIfNull(input);

        // While the first message is typed, set up the memory its answer needs (Phi3ChatClient.WarmUpAsync).
        _ = WarmUpQuietlyAsync(_client);
        if (Console.IsInteractive)
        {
            Console.Note($"Chatting with {modelName}. Type a message and press Enter; /help lists the commands, /exit quits.");
        }

        while (await input.ReadMessageAsync(CancellationToken.None).ConfigureAwait(false) is { } message)
        {
            string text = message.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (text.StartsWith('/') && !text.Contains('\n', StringComparison.Ordinal))
            {
                if (!RunSlashCommand(text))
                {
                    break;
                }

                continue;
            }

            try
            {
                await AnswerAsync(text).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                // A turn the model cannot take (for example a conversation longer than the context): say so, keep the chat.
                Console.Fail(ErrorText.Describe(ex));
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>Runs a /command; returns <see langword="false"/> for /exit.</summary>
    private bool RunSlashCommand(string line)
    {
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        string command = (space < 0 ? line : line[..space]).ToUpperInvariant();
        string rest = space < 0 ? string.Empty : line[(space + 1)..].Trim();
        switch (command)
        {
            case "/EXIT" or "/QUIT":
                return false;
            case "/RESET":
                _history.Clear();
                Console.Note("(conversation cleared)");
                return true;
            case "/SYSTEM":
                _system = rest.Length == 0 ? null : rest;
                Console.Note(_system is null ? "(system prompt cleared)" : "(system prompt set)");
                return true;
            case "/HELP" or "/?":
                Console.Note(Commands);
                return true;
            default:
                Console.Fail($"unknown chat command '{line.Split(' ')[0]}'; use /help, /reset, /system <text> or /exit");
                return true;
        }
    }

    /// <summary>Streams the answer to <paramref name="question"/>; returns <see langword="false"/> when Ctrl+C stopped it.</summary>
    private async Task<bool> AnswerAsync(string question)
    {
        var user = new ChatMessage(ChatRole.User, question);
        List<ChatMessage> messages = [];
        if (_system is not null)
        {
            messages.Add(new ChatMessage(ChatRole.System, _system));
        }

        messages.AddRange(_history);
        messages.Add(user);

        var output = Console.Output;
        var answer = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        TimeSpan? firstToken = null;
        long? outputTokens = null;
        ChatFinishReason? finish = null;
        var token = _context.Interrupts.Begin();
        try
        {
            await foreach (var update in _client.GetStreamingResponseAsync(messages, cancellationToken: token).ConfigureAwait(false))
            {
                if (update.Text is { Length: > 0 } text)
                {
                    firstToken ??= stopwatch.Elapsed;
                    answer.Append(text);
                    output.Write(text);
                }

                finish = update.FinishReason ?? finish;
                foreach (var usage in update.Contents.OfType<UsageContent>())
                {
                    outputTokens = usage.Details.OutputTokenCount;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The partial answer and the question are dropped from the conversation.
            output.WriteLine();
            output.Flush();
            Console.Note("(answer stopped)");
            return false;
        }
        finally
        {
            _context.Interrupts.End();
        }

        output.WriteLine();
        output.Flush();
        _history.Add(user);
        _history.Add(new ChatMessage(ChatRole.Assistant, answer.ToString()));
        if (finish == ChatFinishReason.Length)
        {
            Console.Note(string.Create(CultureInfo.InvariantCulture, $"(the answer stopped at the limit of {_maxTokens} tokens; --max-tokens raises it)"));
        }

        if (_stats)
        {
            Console.Note(new AnswerStats(firstToken ?? stopwatch.Elapsed, stopwatch.Elapsed, outputTokens ?? 0).ToString());
        }

        return true;
    }

    /// <summary>Warms the client's first-request buffers in the background; a failure only means the first answer waits longer.</summary>
    private static async Task WarmUpQuietlyAsync(Phi3ChatClient client)
    {
        try
        {
            await client.WarmUpAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: the client disposed on exit, or memory refused now, surfaces (if at all) on the real request.
        }
    }
}
