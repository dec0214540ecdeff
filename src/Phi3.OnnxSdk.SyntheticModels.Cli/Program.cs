using Phi3.OnnxSdk.SyntheticModels.Cli;

return await BuildTestModelCommand.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
