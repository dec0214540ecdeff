using System.CommandLine;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// <c>phi3 chat ["question"]</c>: loads the model (a local folder, or resolved and downloaded), then answers the
/// question and exits, or, without one, chats until the input ends. Plain <c>phi3</c> is the interactive chat too;
/// a bare word is never taken as a question (<see cref="UsageErrors"/>). <c>--image</c> adds files to the question;
/// <c>--placement</c> and <c>--remote-endpoint</c> run it on an OpenAI-compatible endpoint instead.
/// </summary>
internal sealed class ChatCommand : IPhi3Command
{
    public int Order => 0;

    public Command Create(CliContext context)
    {
        var command = new Command("chat", "Chat with the model: one answer to the question given, or a conversation (one message per line when stdin is redirected).");
        var question = new Argument<string[]>("question")
        {
            Description = "The question, quoted; without one the chat is interactive.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        command.Arguments.Add(question);
        var image = new Option<string[]>("--image")
        {
            Description = "An image file for the question (repeatable); in the chat, /image <file> adds one to the next message.",
            HelpName = "file",
            Arity = ArgumentArity.OneOrMore,
        };
        command.Options.Add(image);
        var (model, generation) = AddOptions(command);
        command.SetAction((result, _) =>
        {
            string[] words = result.GetValue(question) ?? [];
            string? text = words.Length == 0 ? null : string.Join(' ', words);
            if (text is not null && string.IsNullOrWhiteSpace(text))
            {
                throw new CliUsageException("the question is empty");
            }

            string[] files = result.GetValue(image) ?? [];
            if (files.Length > 0 && text is null)
            {
                throw new CliUsageException("--image goes with a question (phi3 chat --image <file> \"question\"); in the chat, /image <file> adds one to the next message");
            }

            // Read before the model loads: a file that is not there is a usage error at once.
            var images = files.Select(ImageFile.Load).ToList();
            return RunAsync(context, result, model, generation, text, images);
        });
        return command;
    }

    /// <summary>Makes plain <c>phi3</c> (no command) the interactive chat, with the chat's options.</summary>
    public static void MakeDefault(RootCommand root, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(root);
        var (model, generation) = AddOptions(root);
        root.SetAction((result, _) => RunAsync(context, result, model, generation, question: null, images: []));
    }

    private static (ModelOptions Model, GenerationOptions Generation) AddOptions(Command command)
    {
        var model = new ModelOptions();
        model.AddTo(command, localModel: true, plan: false, remote: true);
        var generation = new GenerationOptions();
        generation.AddTo(command);
        return (model, generation);
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult result, ModelOptions model, GenerationOptions generation, string? question, IReadOnlyList<DataContent> images)
    {
        var clientOptions = generation.ToClientOptions(result);
        var options = model.ToPhi3Options(result, context.Logger, clientOptions);
        var client = await context.RunCancellableAsync(token => ModelLoader.LoadPlacedAsync(context, options, announce: question is null, token)).ConfigureAwait(false);
        using (client)
        {
            var session = new ChatSession(context, client, result.GetValue(generation.System), clientOptions, stats: !result.GetValue(generation.NoStats));
            if (question is not null)
            {
                return await session.AnswerOnceAsync(question, images).ConfigureAwait(false);
            }

            var console = context.Console;
            IChatInput input = console.IsInteractive && TerminalChatInput.IsSupported(console.OutputConsole)
                ? new TerminalChatInput(console.OutputConsole)
                : new LineChatInput(console.Input);
            return await session.RunAsync(input, client.GetService<ChatClientMetadata>()?.DefaultModelId ?? "the model").ConfigureAwait(false);
        }
    }
}
