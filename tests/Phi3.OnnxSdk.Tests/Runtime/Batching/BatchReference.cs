using System.Threading.Channels;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Tests.Runtime.Batching;

/// <summary>What the batching tests compare against: chat-shaped prompts and the single-Generator greedy tokens.</summary>
internal static class BatchReference
{
    /// <summary>Gets the end tokens of the Phi-3 config (never streamed by a batch).</summary>
    public static readonly int[] EndTokens = [32000, 32001, 32007];

    /// <summary>Gets six prompts of 5 to 16 tokens.</summary>
    public static readonly int[][] Prompts =
    [
        [1, 32010, 15043, 3186, 29991, 32007, 32001],
        [1, 32010, 1128, 526, 366, 29973, 32007, 32001],
        [1, 32010, 450, 4996, 17354, 1701, 29916, 432, 17204, 975, 278, 17366, 11203, 29889, 32007, 32001],
        [1, 32010, 6324, 32007, 32001],
        [1, 32010, 319, 29871, 29906, 29974, 29906, 29922, 32007, 32001],
        [1, 32010, 306, 763, 2301, 1878, 29889, 32007, 32001],
    ];

    /// <summary>The greedy tokens one Generator produces for <paramref name="prompt"/>, end tokens left out.</summary>
    public static int[] Greedy(Model model, int[] prompt, int newTokens)
    {
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", prompt.Length + newTokens);
        using var generator = new Generator(model, parameters);
        generator.AppendTokens(prompt);
        var tokens = new List<int>();
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
            tokens.Add(generator.GetNextTokens()[0]);
        }

        return [.. tokens.Where(t => !EndTokens.Contains(t))];
    }

    /// <summary>Reads a generation's tokens to the end.</summary>
    public static async Task<int[]> ReadAllAsync(ChannelReader<int> reader)
    {
        var tokens = new List<int>();
        await foreach (int token in reader.ReadAllAsync())
        {
            tokens.Add(token);
        }

        return [.. tokens];
    }
}
