using System.Text.RegularExpressions;
using Phi3.OnnxSdk.Hub;
using Phi3.OnnxSdk.Provisioning;

namespace Phi3.OnnxSdk.Cli.Tests;

public sealed class SetupProgressReporterTests
{
    private static DownloadProgress Progress(long done, int filesDone) => new()
    {
        FilePath = "model.onnx.data",
        TotalBytesDownloaded = done,
        TotalBytes = 2_000_000_000,
        FilesCompleted = filesDone,
        FileCount = 3,
        BytesPerSecond = 50_000_000,
        EstimatedTimeRemaining = TimeSpan.FromSeconds(75),
    };

    [Fact]
    public void FormatBar_HalfDone_ShowsBarPercentSizesRateAndEta()
    {
        Assert.Equal(
            "[##############..............]  50%  1.00 GB/2.00 GB  50.0 MB/s  ETA 1:15  file 1/3",
            SetupProgressReporter.FormatBar(Progress(1_000_000_000, 1)));
    }

    [Fact]
    public void Report_Redirected_PrintsALineEveryTenPercentAndOnceWhenDone()
    {
        using var error = new StringWriter();
        var reporter = new SetupProgressReporter(new CliConsole(TextReader.Null, TextWriter.Null, error, false, false, errorIsTerminal: false));

        reporter.Report(new Phi3SetupProgress(Phi3SetupStage.Downloading, "Fetching x"));
        foreach (long mb in new long[] { 0, 10, 150, 160, 1_000, 1_980, 2_000 })
        {
            reporter.Report(new Phi3SetupProgress(Phi3SetupStage.Downloading, "f", Progress(mb * 1_000_000, 0)));
        }

        reporter.Report(new Phi3SetupProgress(Phi3SetupStage.Downloading, "f", Progress(2_000_000_000, 3)));
        reporter.Report(new Phi3SetupProgress(Phi3SetupStage.Downloading, "f", Progress(2_000_000_000, 3)));
        reporter.Complete();

        var lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Fetching x", lines[0]);
        var percents = lines.Skip(1).Select(l => Regex.Match(l, @"\] +(\d+)%").Groups[1].Value).ToArray();
        Assert.Equal(["0", "50", "99", "100"], percents);
    }
}
