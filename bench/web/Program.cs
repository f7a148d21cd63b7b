using System.Globalization;
using Nagare.Bench.Web;

// Measures the web UI's targets in a real browser against real `nagare serve` processes and prints Markdown
// (progress goes to stderr). bench/web/run.sh prepares the projects and the database and calls this.
//
//   Nagare.Bench.Web --cli nagare.dll --web web/dist --app PROJECT [--connection pg] [--discover-seconds S]
//                    [--models PROJECT] [--model NAME] [--runs 7] [--cases home,picker,lineage]
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Required(string key) => options.TryGetValue(key, out var value) ? value : throw new ArgumentException($"--{key} is required");
var cli = Required("cli");
var web = Required("web");
var runs = int.Parse(options.GetValueOrDefault("runs", "7"), CultureInfo.InvariantCulture);
var cases = options.GetValueOrDefault("cases", "home,picker,lineage").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
var serverStart = TimeSpan.FromSeconds(120);

await using var browser = await Browser.LaunchAsync();
Console.WriteLine($"Chromium {browser.Version}, headless, on the same machine as the server.");
Console.WriteLine();

if (cases.Contains("home") || cases.Contains("picker"))
{
    await using var app = await ServedNagare.StartAsync(cli, web, Required("app"), serverStart);
    if (cases.Contains("home"))
    {
        Console.Error.WriteLine("[web] home");
        Console.WriteLine(await HomeCase.RunAsync(browser, app, runs));
    }

    if (cases.Contains("picker"))
    {
        var seconds = double.Parse(options.GetValueOrDefault("discover-seconds", "NaN"), CultureInfo.InvariantCulture);
        Console.WriteLine(await PickerCase.RunAsync(browser, app, options.GetValueOrDefault("connection", "pg"), Math.Min(runs, 3), seconds));
    }
}

if (cases.Contains("lineage"))
{
    await using var models = await ServedNagare.StartAsync(cli, web, Required("models"), serverStart);
    Console.WriteLine(await LineageCase.RunAsync(browser, models, options.GetValueOrDefault("model"), Math.Min(runs, 5)));
}
