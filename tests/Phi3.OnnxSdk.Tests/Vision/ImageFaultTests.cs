using Phi3.OnnxSdk.Tests.Faults;

namespace Phi3.OnnxSdk.Tests.Vision;

/// <summary>Bad and unusual images through the client (<see cref="ImageAttacks"/>, run in one child process: the runtime's own decoder could end or hang it).</summary>
public sealed class ImageFaultTests(ChildRun<ImageAttacks> run) : IClassFixture<ChildRun<ImageAttacks>>
{
    [Fact]
    public void GetStreamingResponseAsync_RandomBytes_ArgumentException() => run.Result.AssertPassed(nameof(ImageAttacks.RandomBytesRefused));

    [Fact]
    public void GetStreamingResponseAsync_EmptyBytes_ArgumentException() => run.Result.AssertPassed(nameof(ImageAttacks.EmptyBytesRefused));

    [Fact]
    public void GetStreamingResponseAsync_JpegCutAfterHeader_ArgumentExceptionNotAHang() => run.Result.AssertPassed(nameof(ImageAttacks.JpegCutAfterHeaderRefusedNotHung));

    [Fact]
    public void GetStreamingResponseAsync_JpegCutInsideHeader_ArgumentException() => run.Result.AssertPassed(nameof(ImageAttacks.JpegCutInsideHeaderRefused));

    [Fact]
    public void GetResponseAsync_JpegWithCorruptScan_RefusedOrDecodedSafely() => run.Result.AssertPassed(nameof(ImageAttacks.JpegWithCorruptScanRefusedOrDecodedSafely));

    [Fact]
    public void GetStreamingResponseAsync_TruncatedPng_ArgumentException() => run.Result.AssertPassed(nameof(ImageAttacks.TruncatedPngRefused));

    [Fact]
    public void GetStreamingResponseAsync_HugeImageHeader_ArgumentExceptionNamingTheLimit() => run.Result.AssertPassed(nameof(ImageAttacks.HugeImageRefusedFromItsHeader));

    [Fact]
    public void GetStreamingResponseAsync_TooElongatedImage_ArgumentException() => run.Result.AssertPassed(nameof(ImageAttacks.TooElongatedImageRefused));

    [Fact]
    public void GetStreamingResponseAsync_MoreImagesThanTheContext_ArgumentExceptionBeforePrefill() => run.Result.AssertPassed(nameof(ImageAttacks.MoreImagesThanTheContextHoldsRefusedBeforeThePrefill));

    [Fact]
    public void GetStreamingResponseAsync_UnsupportedMediaTypeOrUri_Refused() => run.Result.AssertPassed(nameof(ImageAttacks.UnsupportedMediaTypesRefused));

    [Fact]
    public void GetResponseAsync_JpegBmpGifWebP_DecodedSafelyAndCounted() => run.Result.AssertPassed(nameof(ImageAttacks.JpegBmpGifAndWebPDecodeSafely));

    [Fact]
    public void GetResponseAsync_CmykJpeg_Decoded() => run.Result.AssertPassed(nameof(ImageAttacks.CmykJpegDecodes));

    [Fact]
    public void Dispose_WhileImageRequestsRun_EndsThemWithExceptionsNoCrash() => run.Result.AssertPassed(nameof(ImageAttacks.DisposeWhileImageRequestsRun));
}
