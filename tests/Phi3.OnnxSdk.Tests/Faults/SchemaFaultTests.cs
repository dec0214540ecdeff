namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>Self-referencing and exponential schemas end fast (<see cref="SchemaAttacks"/>, run in one child process, each attack bounded).</summary>
public sealed class SchemaFaultTests(ChildRun<SchemaAttacks> run) : IClassFixture<ChildRun<SchemaAttacks>>
{
    [Fact]
    public void Validate_SelfReferencingSchema_RefusedFast() => run.Result.AssertPassed(nameof(SchemaAttacks.ValidatorSelfReferencingSchemasRefusedFast));

    [Fact]
    public void Validate_ExponentialSchema_EndsTooComplex() => run.Result.AssertPassed(nameof(SchemaAttacks.ValidatorExponentialSchemaEndsTooComplex));

    [Fact]
    public void Validate_DeepRecursiveTree_Checked() => run.Result.AssertPassed(nameof(SchemaAttacks.ValidatorDeepRecursiveTreeChecked));

    [Fact]
    public void GetResponseAsync_ExponentialResponseFormat_Ends() => run.Result.AssertPassed(nameof(SchemaAttacks.ClientExponentialResponseFormatEnds));

    [Fact]
    public void GetStreamingResponseAsync_SelfReferencingResponseFormat_RefusedAtTheCall() => run.Result.AssertPassed(nameof(SchemaAttacks.ClientSelfReferencingResponseFormatRefusedAtTheCall));
}
