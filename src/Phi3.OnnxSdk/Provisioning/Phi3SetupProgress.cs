using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Provisioning;

/// <summary>A progress report while a client is being set up.</summary>
/// <param name="Stage">The step under way.</param>
/// <param name="Message">A line a person can read, for example the resolver's reason.</param>
/// <param name="Download">Byte counts, rate and time left while <paramref name="Stage"/> is <see cref="Phi3SetupStage.Downloading"/>; otherwise <see langword="null"/>.</param>
public sealed record Phi3SetupProgress(Phi3SetupStage Stage, string Message, DownloadProgress? Download = null);
