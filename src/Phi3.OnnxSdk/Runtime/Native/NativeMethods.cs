using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>
/// P/Invoke declarations for the parts of the onnxruntime-genai C API (<c>ort_genai_c.h</c>, 0.18.0)
/// that the managed package does not wrap: the Engine / Request / Turn batching API. The C types are
/// given in comments. Every function returning <c>OgaResult*</c> is checked through
/// <see cref="NativeError.ThrowIfFailed(IntPtr)"/>. Engine, event buffer, request-cancel and run calls
/// must stay on the thread that created the engine.
/// </summary>
internal static partial class NativeMethods
{
    /// <summary>The native library name, as the managed onnxruntime-genai package loads it.</summary>
    public const string LibraryName = "onnxruntime-genai";

    // const char* OgaResultGetError(const OgaResult* result)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaResultGetError(IntPtr result);

    // void OgaDestroyResult(OgaResult* result)
    [LibraryImport(LibraryName)]
    public static partial void OgaDestroyResult(IntPtr result);

    // OgaResult* OgaCreateEngine(OgaModel* model, OgaEngine** out)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaCreateEngine(IntPtr model, out IntPtr engine);

    // void OgaDestroyEngine(OgaEngine* engine)
    [LibraryImport(LibraryName)]
    public static partial void OgaDestroyEngine(IntPtr engine);

    // OgaResult* OgaEngineGetCapabilities(const OgaEngine* engine, OgaEngineCapabilities** out)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaEngineGetCapabilities(OgaEngineHandle engine, out IntPtr capabilities);

    // size_t OgaEngineCapabilitiesGetConfiguredMaxBatchSize(const OgaEngineCapabilities* capabilities)
    [LibraryImport(LibraryName)]
    public static partial nuint OgaEngineCapabilitiesGetConfiguredMaxBatchSize(IntPtr capabilities);

    // void OgaDestroyEngineCapabilities(OgaEngineCapabilities* capabilities)
    [LibraryImport(LibraryName)]
    public static partial void OgaDestroyEngineCapabilities(IntPtr capabilities);

    // OgaResult* OgaCreateEngineEventBuffer(OgaEngine* engine, size_t capacity, OgaEngineEventBuffer** out)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaCreateEngineEventBuffer(OgaEngineHandle engine, nuint capacity, out IntPtr buffer);

    // void OgaDestroyEngineEventBuffer(OgaEngineEventBuffer* buffer)
    [LibraryImport(LibraryName)]
    public static partial void OgaDestroyEngineEventBuffer(IntPtr buffer);

    // OgaResult* OgaEngineRun(OgaEngine* engine, OgaEngineEventBuffer* buffer)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaEngineRun(OgaEngineHandle engine, OgaEventBufferHandle buffer);

    // size_t OgaEngineEventBufferGetCount(const OgaEngineEventBuffer* buffer)
    [LibraryImport(LibraryName)]
    public static partial nuint OgaEngineEventBufferGetCount(OgaEventBufferHandle buffer);

    // const OgaEngineEvent* OgaEngineEventBufferGet(const OgaEngineEventBuffer* buffer, size_t index)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaEngineEventBufferGet(OgaEventBufferHandle buffer, nuint index);

    // OgaResult* OgaEngineEventGetFlags(const OgaEngineEvent* event, OgaEngineEventFlags* out)   (uint32_t)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaEngineEventGetFlags(IntPtr engineEvent, out EngineEventFlags flags);

    // OgaResult* OgaEngineEventGetRequest(const OgaEngineEvent* event, const OgaRequest** out)   (borrowed alias)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaEngineEventGetRequest(IntPtr engineEvent, out IntPtr request);

    // OgaResult* OgaEngineEventGetToken(const OgaEngineEvent* event, int32_t* out)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaEngineEventGetToken(IntPtr engineEvent, out int token);

    // OgaResult* OgaEngineEventGetFinishReason(const OgaEngineEvent* event, OgaFinishReason* out)   (uint32_t)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaEngineEventGetFinishReason(IntPtr engineEvent, out EngineFinishReason reason);

    // OgaResult* OgaEngineEventGetErrorCode(const OgaEngineEvent* event, OgaErrorCode* out)   (uint32_t)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaEngineEventGetErrorCode(IntPtr engineEvent, out uint errorCode);

    // OgaResult* OgaEngineHasPendingRequests(OgaEngine* engine, bool* out)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaEngineHasPendingRequests(OgaEngineHandle engine, [MarshalAs(UnmanagedType.U1)] out bool pending);

    // OgaResult* OgaCreateRequestOptions(OgaRequestOptions** out)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaCreateRequestOptions(out IntPtr options);

    // void OgaDestroyRequestOptions(OgaRequestOptions* options)
    [LibraryImport(LibraryName)]
    public static partial void OgaDestroyRequestOptions(IntPtr options);

    // OgaResult* OgaRequestOptionsSetMaxSessionTokens(OgaRequestOptions* options, uint64_t max_session_tokens)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaRequestOptionsSetMaxSessionTokens(OgaRequestOptionsHandle options, ulong maxSessionTokens);

    // OgaResult* OgaEngineCreateRequest(OgaEngine* engine, const OgaRequestOptions* options, OgaRequest** out)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaEngineCreateRequest(OgaEngineHandle engine, OgaRequestOptionsHandle options, out IntPtr request);

    // void OgaDestroyRequest(OgaRequest* request)   (may run on any thread)
    [LibraryImport(LibraryName)]
    public static partial void OgaDestroyRequest(IntPtr request);

    // OgaResult* OgaRequestClose(OgaRequest* request)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaRequestClose(OgaRequestHandle request);

    // OgaResult* OgaRequestCreateTurnOptions(OgaRequest* request, OgaTurnOptions** out)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaRequestCreateTurnOptions(OgaRequestHandle request, out IntPtr options);

    // void OgaDestroyTurnOptions(OgaTurnOptions* options)
    [LibraryImport(LibraryName)]
    public static partial void OgaDestroyTurnOptions(IntPtr options);

    // OgaResult* OgaTurnOptionsSetMaxGeneratedTokens(OgaTurnOptions* options, uint64_t max_generated_tokens)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaTurnOptionsSetMaxGeneratedTokens(OgaTurnOptionsHandle options, ulong maxGeneratedTokens);

    // OgaResult* OgaTurnOptionsSetDoSample(OgaTurnOptions* options, bool do_sample)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaTurnOptionsSetDoSample(OgaTurnOptionsHandle options, [MarshalAs(UnmanagedType.U1)] bool doSample);

    // OgaResult* OgaTurnOptionsSetTemperature(OgaTurnOptions* options, float temperature)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaTurnOptionsSetTemperature(OgaTurnOptionsHandle options, float temperature);

    // OgaResult* OgaTurnOptionsSetTopP(OgaTurnOptions* options, float top_p)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaTurnOptionsSetTopP(OgaTurnOptionsHandle options, float topP);

    // OgaResult* OgaTurnOptionsSetTopK(OgaTurnOptions* options, int32_t top_k)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaTurnOptionsSetTopK(OgaTurnOptionsHandle options, int topK);

    // OgaResult* OgaTurnOptionsSetRepetitionPenalty(OgaTurnOptions* options, float repetition_penalty)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaTurnOptionsSetRepetitionPenalty(OgaTurnOptionsHandle options, float repetitionPenalty);

    // OgaResult* OgaRequestBeginTurn(OgaRequest* request, const OgaTurnOptions* turn_options,
    //                                const int32_t* input_ids, uint64_t input_ids_count, uint64_t* out_turn_id)
    [LibraryImport(LibraryName)]
    public static unsafe partial IntPtr OgaRequestBeginTurn(OgaRequestHandle request, OgaTurnOptionsHandle options, int* inputIds, ulong inputIdsCount, out ulong turnId);

    // OgaResult* OgaRequestCancelTurn(OgaRequest* request, uint64_t turn_id, bool* out_cancelled)
    [LibraryImport(LibraryName)]
    public static partial IntPtr OgaRequestCancelTurn(OgaRequestHandle request, ulong turnId, [MarshalAs(UnmanagedType.U1)] out bool cancelled);
}
