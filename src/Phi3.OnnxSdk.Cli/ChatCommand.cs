using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Provisioning;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// The chat: loads the model (a local folder, or resolved and downloaded), then answers one question
/// (<c>phi3 "question"</c>) or every line of stdin, keeping the conversation. Answers stream to stdout, one
/// newline after each; statistics and notices go to stderr. Ctrl+C stops the answer in progress.
/// </summary>
internal sealed class ChatCommand
{
    private readonly CliArguments _args;
    private readonly TextReader _input;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly InterruptHandler _interrupts;
    private readonly List<ChatMessage> _history = [];
    private string? _system;

    public ChatCommand(CliArguments args, TextReader input, TextWriter output, TextWriter error, InterruptHandler interrupts)
    {
        _args = args;
        _input = input;
        _output = output;
        _error = error;
        _interrupts = interrupts;
        _system = string.IsNullOrWhiteSpace(args.System) ? null : args.System;
    }

    public async Task<int> RunAsync()
    {
        using var client = await LoadAsync().ConfigureAwait(false);
        if (_args.Question is { } question)
        {
            return await AnswerAsync(client, question).ConfigureAwait(false) ? ExitCodes.Success : ExitCodes.Cancelled;
        }

        // While the first message is typed, set up the memory its answer needs (Phi3ChatClient.WarmUpAsync).
        _ = WarmUpQuietlyAsync(client);
        bool terminal = !Console.IsInputRedirected && !Console.IsOutputRedirected;
        if (terminal)
        {
            _error.WriteLine(ConsoleStyle.Dim("Type a message and press Enter. /reset, /system <text>, /exit; Ctrl+C stops an answer."));
        }

        while (true)
        {
            if (terminal)
            {
                _output.Write("> ");
            }

            string? line = await _input.ReadLineAsync().ConfigureAwait(false);
            if (line is null)
            {
                return ExitCodes.Success;
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('/'))
            {
                if (!RunSlashCommand(line))
                {
                    return ExitCodes.Success;
                }

                continue;
            }

            try
            {
                await AnswerAsync(client, line).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                // A turn the model cannot take (for example a conversation longer than the context): say so, keep the chat.
                _error.WriteLine($"phi3: {ErrorText.OneLine(ex.Message)}");
            }
        }
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
                _error.WriteLine(ConsoleStyle.Dim("(conversation cleared)"));
                return true;
            case "/SYSTEM":
                _system = rest.Length == 0 ? null : rest;
                _error.WriteLine(ConsoleStyle.Dim(_system is null ? "(system prompt cleared)" : "(system prompt set)"));
                return true;
            case "/HELP":
                _error.WriteLine(ConsoleStyle.Dim("/reset forgets the conversation; /system <text> sets the system prompt (/system alone clears it); /exit quits."));
                return true;
            default:
                _error.WriteLine($"phi3: unknown command '{line.Split(' ')[0]}'; use /reset, /system <text>, /exit or /help");
                return true;
        }
    }

    private async Task<Phi3ChatClient> LoadAsync()
    {
        var options = _args.ToPhi3Options();
        var progress = new SetupProgressReporter(_error, ConsoleStyle.ErrorIsTerminal);
        var token = _interrupts.Begin();
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var client = await Phi3ModelProvisioner.CreateChatClientAsync(options, progress, cancellationToken: token).ConfigureAwait(false);
            if (_args.Question is null)
            {
                _error.WriteLine(ConsoleStyle.Dim(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Loaded {client.Metadata.DefaultModelId} in {stopwatch.Elapsed.TotalSeconds:0.0} s")));
            }

            return client;
        }
        finally
        {
            progress.Complete();
            _interrupts.End();
        }
    }

    /// <summary>Streams the answer to <paramref name="question"/>; returns <see langword="false"/> when Ctrl+C stopped it.</summary>
    private async Task<bool> AnswerAsync(Phi3ChatClient client, string question)
    {
        var user = new ChatMessage(ChatRole.User, question);
        List<ChatMessage> messages = [];
        if (_system is not null)
        {
            messages.Add(new ChatMessage(ChatRole.System, _system));
        }

        messages.AddRange(_history);
        messages.Add(user);

        var answer = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        TimeSpan? firstToken = null;
        long? outputTokens = null;
        var token = _interrupts.Begin();
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync(messages, cancellationToken: token).ConfigureAwait(false))
            {
                if (update.Text is { Length: > 0 } text)
                {
                    firstToken ??= stopwatch.Elapsed;
                    answer.Append(text);
                    _output.Write(text);
                }

                foreach (var usage in update.Contents.OfType<UsageContent>())
                {
                    outputTokens = usage.Details.OutputTokenCount;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The partial answer and the question are dropped from the conversation.
            _output.WriteLine();
            _output.Flush();
            _error.WriteLine(ConsoleStyle.Dim("(answer stopped)"));
            return false;
        }
        finally
        {
            _interrupts.End();
        }

        _output.WriteLine();
        _output.Flush();
        _history.Add(user);
        _history.Add(new ChatMessage(ChatRole.Assistant, answer.ToString()));
        if (!_args.NoStats)
        {
            var stats = new AnswerStats(firstToken ?? stopwatch.Elapsed, stopwatch.Elapsed, outputTokens ?? 0);
            _error.WriteLine(ConsoleStyle.Dim(stats.ToString()));
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
