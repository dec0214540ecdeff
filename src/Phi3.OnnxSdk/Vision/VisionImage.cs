namespace Phi3.OnnxSdk.Vision;

/// <summary>
/// An image checked and decoded in managed-safe code and freshly encoded as an 8-bit RGBA PNG, the only form the SDK
/// hands onnxruntime-genai (whose JPEG path exits the process on bad bytes; docs/vision.md, "Bad bytes").
/// </summary>
/// <param name="Png">The PNG bytes.</param>
/// <param name="Width">The width in pixels.</param>
/// <param name="Height">The height in pixels.</param>
/// <param name="Tokens">The prompt positions the image takes (<see cref="VisionTokenRule"/>).</param>
/// <param name="Hash">The SHA-256 of the PNG bytes, hex: equal pixels give equal hashes, whatever the source format.</param>
internal sealed record VisionImage(byte[] Png, int Width, int Height, int Tokens, string Hash);
