namespace Phi3.OnnxSdk;
