using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Chat;

namespace Phi3.OnnxSdk.Tests.Chat;

/// <summary>
/// The client's prompt ids against the public Phi-3 chat template rendered by an independent Jinja implementation
/// (<see cref="HuggingFaceJinja"/>) and tokenized by the model's tokenizer, for a table of conversations.
/// </summary>
[Collection(TinyModelGroup.Name)]
public sealed class PromptTemplateConformanceTests(TinyModelFixture fixture)
{
    /// <summary>
    /// The <c>chat_template</c> of Phi-3-mini-4k/128k-instruct, Phi-3-medium and Phi-3.5-mini (their tokenizer_config.json,
    /// as quoted by the Berkeley function-calling leaderboard's Phi handler, gorilla bfcl/model_handler/oss_model/phi.py;
    /// the earlier revision without the <c>and message['content']</c> test rendered empty system messages).
    /// </summary>
    public const string Phi3ChatTemplate =
        "{% for message in messages %}{% if message['role'] == 'system' and message['content'] %}{{'<|system|>\n' + message['content'] + '<|end|>\n'}}"
        + "{% elif message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}"
        + "{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}";

    /// <summary>Each conversation by name (role, text); <see langword="null"/> text is a message with no contents.</summary>
    private static readonly Dictionary<string, (string Role, string? Text)[]> s_conversations = new()
    {
        ["empty system"] = [("system", ""), ("user", "Hi")],
        ["system without contents"] = [("system", null), ("user", "Hi")],
        ["whitespace-only system"] = [("system", "   "), ("user", "Hi")],
        ["newline-only system"] = [("system", "\n\t\n"), ("user", "Hi")],
        ["empty system mid-conversation"] = [("system", "Be brief."), ("user", "Hi"), ("assistant", "Hello."), ("system", ""), ("user", "Again")],
        ["multi-turn"] = [("system", "You are terse."), ("user", "How are you?"), ("assistant", "Fine, thanks."), ("user", "And now?"), ("assistant", "Still fine."), ("user", "Bye")],
        ["unicode"] = [("user", "héllo 日本 😀 مرحبا ñ"), ("assistant", "Ωmega → ∞"), ("user", "ok")],
        ["leading and trailing whitespace"] = [("system", "  sys  "), ("user", "   hi there   "), ("assistant", "\n\nanswer\n\n"), ("user", "\tq\t")],
        ["newlines inside"] = [("user", "line1\nline2\n\nline3"), ("assistant", "a\n- b\n- c"), ("user", "x\n")],
        ["crlf"] = [("system", "rules\r\n"), ("user", "a\r\nb\r\n"), ("assistant", "c\r\n\r\nd"), ("user", "\r\ne")],
        ["empty user and assistant"] = [("user", ""), ("assistant", ""), ("user", "?")],
        ["trailing space before end"] = [("user", "Hi "), ("assistant", "Yo "), ("user", "ok ")],
    };

    [Fact]
    public async Task Build_ConversationTable_IdsEqualThePublicTemplateRenderedByHuggingFaceJinja()
    {
        var encoder = new PlainTextEncoder(fixture.Model.Tokenizer, fixture.Model.SpecialTokens, fixture.Model.BosTokenId);
        var builder = new PromptBuilder(encoder, fixture.Model.BosTokenId);
        var names = s_conversations.Keys.ToList();

        var rendered = await HuggingFaceJinja.RenderAsync(
            Phi3ChatTemplate,
            names.Select(n => s_conversations[n].Select(m => (m.Role, m.Text ?? string.Empty))),
            new Dictionary<string, object> { ["add_generation_prompt"] = true, ["bos_token"] = "<s>", ["eos_token"] = "<|endoftext|>" });

        Assert.Equal(names.Count, rendered.Count);
        var mismatches = new List<string>();
        for (int i = 0; i < names.Count; i++)
        {
            var messages = s_conversations[names[i]].Select(ToMessage);
            int[] expected = fixture.Encode(rendered[i]);
            int[] actual = builder.Build(messages, null);
            if (!expected.SequenceEqual(actual))
            {
                mismatches.Add($"{names[i]}: template {string.Join(",", expected)} vs client {string.Join(",", actual)}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.DoesNotContain("<|system|>", rendered[names.IndexOf("empty system")], StringComparison.Ordinal);
        Assert.Contains("<|system|>", rendered[names.IndexOf("whitespace-only system")], StringComparison.Ordinal);
    }

    private static ChatMessage ToMessage((string Role, string? Text) message) =>
        message.Text is null ? new ChatMessage(new ChatRole(message.Role), []) : new ChatMessage(new ChatRole(message.Role), message.Text);
}
