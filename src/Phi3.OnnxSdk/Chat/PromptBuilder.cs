using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// Builds the Phi-3 chat prompt as token ids: <c>&lt;|system|&gt;</c>, <c>&lt;|user|&gt;</c> and <c>&lt;|assistant|&gt;</c>
/// turns closed by <c>&lt;|end|&gt;</c>, then <c>&lt;|assistant|&gt;</c>. Control tokens come only from roles; text is
/// encoded as plain text. The role tokens' rstrip absorbs the newline after them (and any leading whitespace of the
/// text), so the ids equal those of the model card's format through the real tokenizer. An empty system message is
/// left out, as the model's chat template leaves it out (the template is quoted in PromptTemplateConformanceTests).
/// </summary>
internal sealed class PromptBuilder
{
    private readonly PlainTextEncoder _encoder;
    private readonly int _system;
    private readonly int _user;
    private readonly int _assistant;
    private readonly int _end;
    private readonly int _bos;

    public PromptBuilder(PlainTextEncoder encoder, int bosTokenId)
    {
        _encoder = encoder;
        _bos = bosTokenId;
        _system = encoder.EncodeSpecial("<|system|>");
        _user = encoder.EncodeSpecial("<|user|>");
        _assistant = encoder.EncodeSpecial("<|assistant|>");
        _end = encoder.EncodeSpecial("<|end|>");
    }

    /// <summary>Builds the prompt ids; image contents go to <paramref name="images"/>, which stands them in by their placeholder ids.</summary>
    /// <exception cref="ArgumentException">A message is <see langword="null"/>, or an image is not readable or does not fit.</exception>
    /// <exception cref="NotSupportedException">A message has an unknown role or content the model cannot take (an image, on a text model).</exception>
    public int[] Build(IEnumerable<ChatMessage> messages, string? instructions, Vision.ImagePlaceholders? images = null)
    {
        var ids = new List<int>(256);
        if (_encoder.AddsBos)
        {
            ids.Add(_bos);
        }

        if (!string.IsNullOrEmpty(instructions))
        {
            AppendTurn(ids, _system, instructions);
        }

        foreach (var message in messages)
        {
            if (message is null)
            {
                throw new ArgumentException("The messages contain a null entry.", nameof(messages));
            }

            int role = RoleToken(message.Role);
            if (images is not null && message.Contents.Any(Vision.ImageContentReader.IsImage))
            {
                AppendTurnWithImages(ids, role, message, images);
                continue;
            }

            string text = TextOf(message);
            if (role == _system && text.Length == 0)
            {
                // As the public Phi-3 template: `message['role'] == 'system' and message['content']` skips an empty
                // system message (whitespace-only text is kept, as there).
                continue;
            }

            AppendTurn(ids, role, text);
        }

        ids.Add(_assistant);
        return [.. ids];
    }

    private void AppendTurn(List<int> ids, int role, string text)
    {
        ids.Add(role);
        ids.AddRange(_encoder.Encode(text.TrimStart()));
        ids.Add(_end);
    }

    /// <summary>
    /// Appends a turn whose contents hold images: the text runs between them are encoded as plain text (the first one
    /// trimmed at its start, as any turn's text), each image becomes its placeholder ids, and a newline follows each
    /// image, as in Phi-3-vision's prompt format (<c>&lt;|image_1|&gt;\n</c>).
    /// </summary>
    private void AppendTurnWithImages(List<int> ids, int role, ChatMessage message, Vision.ImagePlaceholders images)
    {
        ids.Add(role);
        var text = new System.Text.StringBuilder();
        bool afterImage = false;
        foreach (var content in message.Contents)
        {
            if (content is TextContent piece)
            {
                text.Append(piece.Text);
            }
            else if (Vision.ImageContentReader.IsImage(content))
            {
                ids.AddRange(_encoder.Encode(afterImage ? text.ToString() : text.ToString().TrimStart()));
                text.Clear().Append('\n');
                images.Append(ids, content, message.Role);
                afterImage = true;
            }
            else if (content is not UsageContent)
            {
                throw Unsupported(message, content);
            }
        }

        ids.AddRange(_encoder.Encode(text.ToString()));
        ids.Add(_end);
    }

    private int RoleToken(ChatRole role)
    {
        if (role == ChatRole.System)
        {
            return _system;
        }

        if (role == ChatRole.User)
        {
            return _user;
        }

        if (role == ChatRole.Assistant)
        {
            return _assistant;
        }

        throw new NotSupportedException($"The chat role '{role.Value}' is not supported by Phi-3; use system, user or assistant messages.");
    }

    private static string TextOf(ChatMessage message)
    {
        string? single = null;
        System.Text.StringBuilder? many = null;
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    if (single is null)
                    {
                        single = text.Text ?? string.Empty;
                    }
                    else
                    {
                        (many ??= new System.Text.StringBuilder(single)).Append(text.Text);
                    }

                    break;
                case UsageContent:
                    // Metadata from an earlier response, not part of the conversation.
                    break;
                default:
                    throw Unsupported(message, content);
            }
        }

        return many?.ToString() ?? single ?? string.Empty;
    }

    private static NotSupportedException Unsupported(ChatMessage message, AIContent content) =>
        new($"A {message.Role.Value} message contains {content.GetType().Name}, which this Phi-3 model cannot take; send text contents (and images, to a vision model) only.");
}
