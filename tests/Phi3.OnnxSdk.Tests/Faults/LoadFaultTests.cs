namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>
/// Broken model folders (<see cref="LoadAttacks"/>, run in one child process): a clear <see cref="Phi3ModelException"/>
/// naming the file and the field, at load and before any request, and no native crash at the forced collection after it.
/// </summary>
public sealed class LoadFaultTests(ChildRun<LoadAttacks> run) : IClassFixture<ChildRun<LoadAttacks>>
{
    [Fact]
    public void Constructor_TokenizerConfigMissing_ThrowsPhi3ModelExceptionWithoutNativeCrash() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerConfigMissing));

    [Fact]
    public void Constructor_TokenizerConfigCorrupt_ThrowsPhi3ModelExceptionWithoutNativeCrash() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerConfigCorrupt));

    [Fact]
    public void Constructor_TokenizerJsonTruncated_ThrowsPhi3ModelExceptionWithoutNativeCrash() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerJsonTruncated));

    [Fact]
    public void Constructor_TokenizerJsonNotATokenizer_ThrowsPhi3ModelExceptionWithoutNativeCrash() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerJsonNotATokenizer));

    [Fact]
    public void Constructor_NativeTokenizerConstructorFails_ThrowsPhi3ModelExceptionWithoutNativeCrash() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerClassUnsupported));

    [Fact]
    public void Constructor_TokenizerOfAThousandEntries_Refused() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerOfAThousandEntries));

    [Fact]
    public void Constructor_TokenizerLargerThanTheModel_Refused() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerLargerThanTheModel));

    [Fact]
    public void Constructor_ConfigVocabSizeOffTheGraph_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigVocabSizeOffTheGraph));

    [Fact]
    public void Constructor_ConfigHeadSizeOffTheGraph_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigHeadSizeOffTheGraph));

    [Fact]
    public void Constructor_ConfigKvHeadsOffTheGraph_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigKvHeadsOffTheGraph));

    [Fact]
    public void Constructor_ConfigMoreLayersThanTheGraph_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigMoreLayersThanTheGraph));

    [Fact]
    public void Constructor_ConfigFewerLayersThanTheGraph_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigFewerLayersThanTheGraph));

    [Fact]
    public void Constructor_ConfigPadOutsideTheVocabulary_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigPadOutsideTheVocabulary));

    [Fact]
    public void Constructor_ConfigEosOutsideTheVocabulary_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigEosOutsideTheVocabulary));

    [Fact]
    public void Constructor_ConfigContextBeyondTheRotaryCache_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigContextBeyondTheRotaryCache));

    [Fact]
    public void Constructor_ConfigContextLengthAsString_RefusedNamingFileAndField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigContextLengthAsString));

    [Fact]
    public void Constructor_ConfigFlagAsString_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigFlagAsString));

    [Fact]
    public void Constructor_SoundFolderAfterTheFailures_LoadsAndAnswers() => run.Result.AssertPassed(nameof(LoadAttacks.SoundFolderStillLoadsAndAnswers));
}
