using Nagare.Templating;

namespace Nagare.Runtime.Models;

/// <summary>
/// The macros of dbt's <c>dbt</c> namespace (date_trunc, dateadd, type_string…), written for DuckDB in
/// <c>Models/Builtins/*.sql</c> and embedded in the assembly. They are parsed once per process: a compile of
/// thousands of models adds them to its environment without reading or parsing anything.
/// </summary>
internal static class DbtBuiltins
{
    private const string Prefix = "Nagare.Runtime.Models.Builtins.";

    private static readonly Lazy<(IReadOnlyList<Template> Templates, string Checksum)> Parsed = new(Load);

    /// <summary>The parsed macro files.</summary>
    public static IReadOnlyList<Template> Templates => Parsed.Value.Templates;

    /// <summary>Changes when any built-in macro does (part of the compile cache key).</summary>
    public static string Checksum => Parsed.Value.Checksum;

    private static (IReadOnlyList<Template>, string) Load()
    {
        var assembly = typeof(DbtBuiltins).Assembly;
        var environment = new TemplateEnvironment();
        var templates = new List<Template>();
        var all = new System.Text.StringBuilder();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            templates.Add(environment.Parse(text, "dbt/" + name[Prefix.Length..]));
            all.Append(name).Append('\n').Append(text);
        }

        return (templates, ProjectScanner.Hash(all.ToString()));
    }
}
