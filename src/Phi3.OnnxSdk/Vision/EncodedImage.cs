namespace Phi3.OnnxSdk.Vision;

/// <summary>An image as a message carried it: its encoded bytes, the media type it was declared with, and where it came from (for messages).</summary>
/// <param name="Bytes">The encoded bytes (PNG, JPEG, ...), not yet checked.</param>
/// <param name="MediaType">The declared media type, e.g. <c>image/png</c>.</param>
/// <param name="Source">A short description for error messages: "image 2 (DataContent image/png, 1234 bytes)".</param>
internal sealed record EncodedImage(ReadOnlyMemory<byte> Bytes, string MediaType, string Source);
