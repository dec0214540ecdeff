using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.SyntheticModels;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

/// <summary>The tiny synthetic Phi-3 model, loaded once, with a raw guided greedy loop.</summary>
public sealed class SyntheticModelFixture : IDisposable
{
    public SyntheticModelFixture()
    {
        Model = new Model(TestModelCache.GetOrBuild("tiny"));
        Tokenizer = new Tokenizer(Model);
    }

    public Model Model { get; }

    public Tokenizer Tokenizer { get; }

    /// <summary>Phi-3 chat text for <paramref name="messages"/> (test-only; the SDK builds token ids).</summary>
    public static string PromptText(IEnumerable<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            string role = message.Role == ChatRole.System ? "system" : message.Role == ChatRole.Assistant ? "assistant" : "user";
            text.Append("<|").Append(role).Append("|>\n").Append(message.Text).Append("<|end|>\n");
        }

        return text.Append("<|assistant|>\n").ToString();
    }

    /// <summary>Generates greedily under <paramref name="guidance"/>; returns the text and whether it stopped before the limit.</summary>
    internal (string Text, bool Finished) Generate(IEnumerable<ChatMessage> messages, ToolGuidance? guidance, int maxNewTokens = 160)
    {
        using var sequences = Tokenizer.Encode(PromptText(messages));
        int promptLength = sequences[0].Length;
        using var parameters = new GeneratorParams(Model);
        parameters.SetSearchOption("max_length", promptLength + maxNewTokens);
        if (guidance is not null)
        {
            parameters.SetGuidance(guidance.Type, guidance.Data, false);
        }

        using var generator = new Generator(Model, parameters);
        generator.AppendTokenSequences(sequences);
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
        }

        int[] output = generator.GetSequence(0).ToArray()[promptLength..];
        int[] eos = Tokenizer.GetEosTokenIds().ToArray();
        bool finished = output.Length < maxNewTokens || (output.Length > 0 && eos.Contains(output[^1]));
        var text = Tokenizer.Decode(output.Where(t => !eos.Contains(t)).ToArray());
        return (text, finished);
    }

    public void Dispose()
    {
        Tokenizer.Dispose();
        Model.Dispose();
    }
}
