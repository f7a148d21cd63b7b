using Nagare.Cli;

return await NagareCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
