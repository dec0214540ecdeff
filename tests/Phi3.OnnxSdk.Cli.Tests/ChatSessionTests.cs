using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>
/// The chat session in-process over a recording <see cref="IChatClient"/>: images from <c>--image</c> and
/// <c>/image</c> reach the client as <see cref="DataContent"/> in the user message, and a client that refuses them
/// costs one line, not the chat.
/// </summary>
public sealed class ChatSessionTests : IDisposable
{
    private static readonly byte[] s_png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
    private static readonly byte[] s_jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 4, 5, 6];
    private readonly string _folder = Directory.CreateTempSubdirectory("phi3-chat-images-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        _output.Dispose();
        _error.Dispose();
    }

    [Fact]
    public async Task AnswerOnceAsync_WithImages_UserMessageCarriesEachImageAsDataContentBeforeTheText()
    {
        var client = new RecordingChatClient();
        var images = new[] { ImageFile.Load(Write("a.png", s_png)), ImageFile.Load(Write("b.jpg", s_jpeg)) };

        int exit = await RunAsync(client, session => session.AnswerOnceAsync("What is shown?", images));

        Assert.Equal(ExitCodes.Success, exit);
        var user = Assert.Single(Assert.Single(client.Requests));
        Assert.Equal(ChatRole.User, user.Role);
        Assert.Collection(
            user.Contents,
            c => AssertImage(c, s_png, "image/png"),
            c => AssertImage(c, s_jpeg, "image/jpeg"),
            c => Assert.Equal("What is shown?", Assert.IsType<TextContent>(c).Text));
        Assert.Equal(5, client.Options[0]!.MaxOutputTokens);
    }

    [Fact]
    public async Task RunAsync_ImageCommand_AddsTheImageToTheNextMessageOnly()
    {
        var client = new RecordingChatClient();
        string png = Write("cat.png", s_png);

        int exit = await RunAsync(client, session => session.RunAsync(new LineChatInput(new StringReader($"/image {png}\nfirst\nsecond\n")), "m"));

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(2, client.Requests.Count);
        AssertImage(client.Requests[0][^1].Contents[0], s_png, "image/png");
        Assert.Empty(client.Requests[1][^1].Contents.OfType<DataContent>());
        Assert.Single(client.Requests[1].SelectMany(m => m.Contents).OfType<DataContent>());
        Assert.Contains("(image cat.png added to the next message: 1 waiting)", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ImageCommandForAMissingFile_OneLineNamingThePathAndTheChatGoesOn()
    {
        var client = new RecordingChatClient();
        string missing = Path.Combine(_folder, "missing.png");

        int exit = await RunAsync(client, session => session.RunAsync(new LineChatInput(new StringReader($"/image {missing}\n/image\nhello\n")), "m"));

        Assert.Equal(ExitCodes.Success, exit);
        var lines = _error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"phi3: cannot read the image '{missing}': no such file", lines);
        Assert.Contains("phi3: /image needs a file: /image <file>", lines);
        Assert.Empty(Assert.Single(client.Requests).SelectMany(m => m.Contents).OfType<DataContent>());
    }

    [Fact]
    public async Task RunAsync_ClientRefusesImages_OneLineErrorThenTheNextMessageIsAnsweredWithoutThem()
    {
        var client = new RecordingChatClient { RefuseImages = true };
        string png = Write("a.png", s_png);

        int exit = await RunAsync(client, session => session.RunAsync(new LineChatInput(new StringReader($"/image {png}\nfirst\nsecond\n")), "m"));

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains($"phi3: {RecordingChatClient.Refusal}", _error.ToString().Split('\n'));
        Assert.Equal(2, client.Requests.Count);
        Assert.Empty(client.Requests[1].SelectMany(m => m.Contents).OfType<DataContent>());
        Assert.Equal("answer\n", _output.ToString());
    }

    [Fact]
    public async Task AnswerOnceAsync_ClientRefusesImages_Throws()
    {
        var client = new RecordingChatClient { RefuseImages = true };
        var images = new[] { ImageFile.Load(Write("a.png", s_png)) };

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => RunAsync(client, session => session.AnswerOnceAsync("q", images)));

        Assert.Equal(RecordingChatClient.Refusal, ex.Message);
    }

    private static void AssertImage(AIContent content, byte[] bytes, string mediaType)
    {
        var data = Assert.IsType<DataContent>(content);
        Assert.Equal(mediaType, data.MediaType);
        Assert.Equal(bytes, data.Data.ToArray());
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private async Task<int> RunAsync(IChatClient client, Func<ChatSession, Task<int>> run)
    {
        var console = new CliConsole(TextReader.Null, _output, _error, false, false, false);
        using var interrupts = new InterruptHandler(console);
        var session = new ChatSession(new CliContext(console, interrupts), client, system: null, new Phi3ChatClientOptions { MaxOutputTokens = 5 }, stats: false);
        return await run(session);
    }

    /// <summary>Records every request; answers "answer", or refuses images as a text model does.</summary>
    private sealed class RecordingChatClient : IChatClient
    {
        public const string Refusal = "A user message contains DataContent, which this Phi-3 text model cannot take; send text contents only.";

        public List<List<ChatMessage>> Requests { get; } = [];

        public List<ChatOptions?> Options { get; } = [];

        public bool RefuseImages { get; init; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the chat streams");

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            Requests.Add(list);
            Options.Add(options);
            if (RefuseImages && list.SelectMany(m => m.Contents).OfType<DataContent>().Any())
            {
                throw new NotSupportedException(Refusal);
            }

            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "answer");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
