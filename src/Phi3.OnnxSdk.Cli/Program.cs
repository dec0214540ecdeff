using Phi3.OnnxSdk.Cli;

return await CliApp.RunAsync(args).ConfigureAwait(false);
