using Nagare.Cli;

AllocatorSettings.LimitArenas();
return await NagareCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
