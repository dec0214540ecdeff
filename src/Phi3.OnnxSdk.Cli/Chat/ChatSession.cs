using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// The chat on a loaded model: one answer (<c>phi3 chat "question"</c>) or a conversation, one message at a time
/// from <see cref="IChatInput"/>. Answers stream to stdout with one newline after each; statistics, notices and the
/// token-limit flag go to stderr. Ctrl+C stops the answer in progress. Images (<c>--image</c>, <c>/image</c>) go into the
/// next user message as <see cref="DataContent"/>, before its text. The client is the local <see cref="Phi3ChatClient"/>
/// or the remote provider (<c>--placement</c>); the generation settings go with every request.
/// </summary>
internal sealed class ChatSession
{
    private const string Commands = "/reset forgets the conversation; /system <text> sets the system prompt (/system alone clears it); " +
        "/image <file> adds an image to the next message; /exit quits. " +
        "A line ending in \\ continues on the next; Up and Down recall earlier messages; Ctrl+C stops an answer.";

    private readonly CliContext _context;
    private readonly IChatClient _client;
    private readonly ChatOptions _options;
    private readonly int _maxTokens;
    private readonly bool _stats;
    private readonly List<ChatMessage> _history = [];
    private readonly List<DataContent> _images = [];
    private string? _system;

    public ChatSession(CliContext context, IChatClient client, string? system, Phi3ChatClientOptions generation, bool stats)
    {
        ArgumentNullException.ThrowIfNull(generation);
        _context = context;
        _client = client;
        _system = string.IsNullOrWhiteSpace(system) ? null : system;
        _options = new ChatOptions
        {
            MaxOutputTokens = generation.MaxOutputTokens,
            Temperature = generation.Temperature,
            TopP = generation.TopP,
            TopK = generation.TopK,
            Seed = generation.Seed,
        };
        _maxTokens = generation.MaxOutputTokens ?? Phi3ChatClientOptions.DefaultMaxOutputTokens;
        _stats = stats;
    }

    private CliConsole Console => _context.Console;

    /// <summary>Answers <paramref name="question"/>, with <paramref name="images"/> in the message; returns the exit code.</summary>
    public async Task<int> AnswerOnceAsync(string question, IReadOnlyList<DataContent>? images = null)
    {
        _images.AddRange(images ?? []);
        return await AnswerAsync(question).ConfigureAwait(false) ? ExitCodes.Success : ExitCodes.Cancelled;
    }

    /// <summary>Runs the conversation until the input ends or <c>/exit</c>; returns the exit code.</summary>
    public async Task<int> RunAsync(IChatInput input, string modelName)
    {
        ArgumentNullException.ThrowIfNull(input);

        // While the first message is typed, set up the memory its answer needs (Phi3ChatClient.WarmUpAsync).
        if (_client.GetService<Phi3ChatClient>() is { } local)
        {
            _ = WarmUpQuietlyAsync(local);
        }

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
                _images.Clear();
                Console.Note("(conversation cleared)");
                return true;
            case "/SYSTEM":
                _system = rest.Length == 0 ? null : rest;
                Console.Note(_system is null ? "(system prompt cleared)" : "(system prompt set)");
                return true;
            case "/IMAGE":
                AttachImage(rest);
                return true;
            case "/HELP" or "/?":
                Console.Note(Commands);
                return true;
            default:
                Console.Fail($"unknown chat command '{line.Split(' ')[0]}'; use /help, /reset, /system <text>, /image <file> or /exit");
                return true;
        }
    }

    /// <summary>Reads an image for the next message; a file that cannot be read is one line, and the chat goes on.</summary>
    private void AttachImage(string path)
    {
        if (path.Length == 0)
        {
            Console.Fail("/image needs a file: /image <file>");
            return;
        }

        try
        {
            var image = ImageFile.Load(path);
            _images.Add(image);
            Console.Note(string.Create(CultureInfo.InvariantCulture, $"(image {image.Name} added to the next message: {_images.Count} waiting)"));
        }
        catch (CliUsageException ex)
        {
            Console.Fail(ErrorText.OneLine(ex.Message));
        }
    }

    /// <summary>Streams the answer to <paramref name="question"/>; returns <see langword="false"/> when Ctrl+C stopped it.</summary>
    private async Task<bool> AnswerAsync(string question)
    {
        // The images go with this message whatever becomes of it: a model that cannot take them refuses this one only.
        var user = new ChatMessage(ChatRole.User, [.. _images, new TextContent(question)]);
        _images.Clear();
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
            await foreach (var update in _client.GetStreamingResponseAsync(messages, _options.Clone(), token).ConfigureAwait(false))
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
