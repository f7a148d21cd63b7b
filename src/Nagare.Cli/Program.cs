using Nagare.Cli;

NativeMemory.LimitArenas();
return await NagareCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
