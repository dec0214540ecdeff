namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>Request text, seeds and option values at their edges (<see cref="RequestAttacks"/>, run in one child process).</summary>
public sealed class RequestFaultTests(ChildRun<RequestAttacks> run) : IClassFixture<ChildRun<RequestAttacks>>
{
    [Fact]
    public void GetResponseAsync_NulInMessages_EveryCharacterReachesTheModel() => run.Result.AssertPassed(nameof(RequestAttacks.NulInMessagesReachesTheModel));

    [Fact]
    public void GetStreamingResponseAsync_UnpairedSurrogate_RefusedAtTheCall() => run.Result.AssertPassed(nameof(RequestAttacks.UnpairedSurrogateRefusedAtTheCall));

    [Fact]
    public void GetResponseAsync_AnySeed_Reproduces() => run.Result.AssertPassed(nameof(RequestAttacks.EverySeedReproduces));

    [Fact]
    public void GetResponseAsync_PrefillChunkIntMaxValueOnALaterTurn_Works() => run.Result.AssertPassed(nameof(RequestAttacks.PrefillChunkOfIntMaxValueOnALaterTurn));

    [Fact]
    public void Constructor_OptionsAtTheirLargestValues_Work() => run.Result.AssertPassed(nameof(RequestAttacks.OptionsAtTheirLargestValuesWork));

    [Fact]
    public void Constructor_OptionsOutOfRange_RefusedNamingTheOption() => run.Result.AssertPassed(nameof(RequestAttacks.OptionsOutOfRangeRefusedAtConstruction));

    [Fact]
    public void GetStreamingResponseAsync_TopKAboveVocabularyOrBadGuidance_RefusedAtTheCall() => run.Result.AssertPassed(nameof(RequestAttacks.RequestValuesRefusedAtTheCall));
}
