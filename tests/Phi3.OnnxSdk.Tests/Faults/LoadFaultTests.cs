namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>
/// Broken model folders (<see cref="LoadAttacks"/>, run in one child process): a clear <see cref="Phi3ModelException"/>
/// naming the file and the field, at load and before any request, and no native crash at the forced collection after it.
/// </summary>
public sealed class LoadFaultTests(ChildRun<LoadAttacks> run) : IClassFixture<ChildRun<LoadAttacks>>
{
    [Fact]
    public void Load_TokenizerConfigMissing_RefusedAndNoFinalizerCrash() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerConfigMissing));

    [Fact]
    public void Load_TokenizerConfigCorrupt_RefusedAndNoFinalizerCrash() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerConfigCorrupt));

    [Fact]
    public void Load_TokenizerJsonTruncated_RefusedAndNoFinalizerCrash() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerJsonTruncated));

    [Fact]
    public void Load_TokenizerJsonNotATokenizer_RefusedAndNoFinalizerCrash() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerJsonNotATokenizer));

    [Fact]
    public void Load_NativeTokenizerConstructorFails_RefusedAndNoFinalizerCrash() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerClassUnsupported));

    [Fact]
    public void Load_TokenizerOfAThousandEntries_Refused() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerOfAThousandEntries));

    [Fact]
    public void Load_TokenizerLargerThanTheModel_Refused() => run.Result.AssertPassed(nameof(LoadAttacks.TokenizerLargerThanTheModel));

    [Fact]
    public void Load_ConfigVocabSizeOffTheGraph_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigVocabSizeOffTheGraph));

    [Fact]
    public void Load_ConfigHeadSizeOffTheGraph_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigHeadSizeOffTheGraph));

    [Fact]
    public void Load_ConfigKvHeadsOffTheGraph_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigKvHeadsOffTheGraph));

    [Fact]
    public void Load_ConfigMoreLayersThanTheGraph_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigMoreLayersThanTheGraph));

    [Fact]
    public void Load_ConfigFewerLayersThanTheGraph_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigFewerLayersThanTheGraph));

    [Fact]
    public void Load_ConfigPadOutsideTheVocabulary_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigPadOutsideTheVocabulary));

    [Fact]
    public void Load_ConfigEosOutsideTheVocabulary_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigEosOutsideTheVocabulary));

    [Fact]
    public void Load_ConfigContextBeyondTheRotaryCache_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigContextBeyondTheRotaryCache));

    [Fact]
    public void Load_ConfigContextLengthAsString_RefusedNamingFileAndField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigContextLengthAsString));

    [Fact]
    public void Load_ConfigFlagAsString_RefusedNamingField() => run.Result.AssertPassed(nameof(LoadAttacks.ConfigFlagAsString));

    [Fact]
    public void Load_SoundFolderAfterTheFailures_LoadsAndAnswers() => run.Result.AssertPassed(nameof(LoadAttacks.SoundFolderStillLoadsAndAnswers));
}
