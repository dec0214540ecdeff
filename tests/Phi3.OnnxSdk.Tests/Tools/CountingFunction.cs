using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Tools;

/// <summary>A function with a given parameter schema that counts its invocations and returns "ok".</summary>
internal sealed class CountingFunction(string name, string schema) : AIFunction
{
    private readonly JsonElement _schema = JsonDocument.Parse(schema).RootElement.Clone();
    private int _invocations;

    public override string Name => name;

    public override string Description => "A tool.";

    public override JsonElement JsonSchema => _schema;

    public int Invocations => Volatile.Read(ref _invocations);

    protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _invocations);
        return ValueTask.FromResult<object?>("ok");
    }
}
