using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text;
using Nagare.Templating;

namespace Nagare.Runtime.Generation;

/// <summary>
/// The Jinja templates generation renders, each parsed once: a user folder's files where present, the built-in
/// defaults otherwise. Besides the context, templates can call <c>source(schema, table)</c>, <c>ref(name)</c> and
/// <c>config(key=value, ...)</c>, which print the dbt call for the generated model, and <c>quote(name)</c> and
/// <c>literal(text)</c> for DuckDB identifiers and strings.
/// </summary>
public sealed class GenerationTemplates
{
    /// <summary>Names of the templates, as files in a templates folder.</summary>
    public static ImmutableArray<string> Names { get; } =
        ["model.sql.j2", "model.yml.j2", "secret.sql.j2", "secret.yml.j2", "sources.yml.j2", "company.sql.j2", "company.yml.j2", "macros.j2"];

    private const string ResourcePrefix = "Nagare.Runtime.Generation.Templates.";

    private readonly Dictionary<string, (Template Template, string Origin)> _templates = new(StringComparer.Ordinal);

    private GenerationTemplates(TemplateEnvironment environment) => Environment = environment;

    /// <summary>The environment templates are parsed in.</summary>
    public TemplateEnvironment Environment { get; }

    /// <summary>Loads templates, preferring files in <paramref name="directories"/> (first folder that has a file wins).</summary>
    /// <param name="directories">Folders with <c>*.j2</c> files and how to name them in messages; may be empty.</param>
    /// <exception cref="GenerationException">An unknown template file, or a template with a syntax error (named with line and column).</exception>
    public static GenerationTemplates Load(IReadOnlyList<(string Path, string Display)> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var environment = new TemplateEnvironment(new TemplateOptions { TrimBlocks = true, LstripBlocks = true });
        RegisterFunctions(environment);
        var templates = new GenerationTemplates(environment);
        foreach (var (path, display) in directories)
        {
            if (!Directory.Exists(path))
            {
                throw new GenerationException($"No templates folder at '{display}'.") { Hint = "Create it with 'nagare generate --init-templates --templates DIR'." };
            }

            foreach (var file in Directory.EnumerateFiles(path, "*.j2"))
            {
                var name = Path.GetFileName(file);
                if (!Names.Contains(name))
                {
                    throw new GenerationException(RuleSetLoader.Join(display, name), 1, 1, $"unknown template '{name}'; expected one of {string.Join(", ", Names)}");
                }
            }
        }

        // Macros first, so every other template can call them.
        foreach (var name in Names.OrderBy(n => n == "macros.j2" ? 0 : 1))
        {
            var (source, origin) = Find(name, directories);
            var template = Parse(environment, source, origin);
            if (name == "macros.j2")
            {
                environment.AddMacros(template);
            }

            templates._templates[name] = (template, origin);
        }

        return templates;
    }

    /// <summary>The built-in text of a template.</summary>
    public static string BuiltIn(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var stream = typeof(GenerationTemplates).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new GenerationException($"No built-in template '{name}'.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Writes the built-in templates into <paramref name="directory"/>, keeping files that exist.</summary>
    /// <returns>The files written (names), then the files kept.</returns>
    public static (ImmutableArray<string> Written, ImmutableArray<string> Kept) WriteBuiltIns(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var written = ImmutableArray.CreateBuilder<string>();
        var kept = ImmutableArray.CreateBuilder<string>();
        foreach (var name in Names)
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                kept.Add(name);
                continue;
            }

            File.WriteAllText(path, BuiltIn(name), new UTF8Encoding(false));
            written.Add(name);
        }

        return (written.ToImmutable(), kept.ToImmutable());
    }

    /// <summary>Where a template came from: its file, or <c>built-in:NAME</c>.</summary>
    public string Origin(string name) => _templates[name].Origin;

    /// <summary>Renders a template with the given context.</summary>
    public string Render(string name, IReadOnlyDictionary<string, object?> context)
    {
        var template = _templates[name].Template;
        return template.Render(context);
    }

    /// <summary>Python's repr of a value, as dbt's Jinja prints arguments.</summary>
    internal static string Repr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
        IDictionary d => "{" + string.Join(", ", d.Keys.Cast<object?>().Select(k => Repr(k) + ": " + Repr(d[k!]))) + "}",
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Repr)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Repr(value.ToString()),
    };

    /// <summary>Text as a YAML scalar: plain when that reads back as the same string, else double-quoted.</summary>
    internal static string YamlScalar(string text)
    {
        var plain = text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '_')
            && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or ' ' or '(' or ')' or ',')
            && !text.EndsWith(' ') && !text.Contains(" #", StringComparison.Ordinal)
            && !(text.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" or "null" or "y" or "n");
        return plain ? text : "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    private static (string Source, string Origin) Find(string name, IReadOnlyList<(string Path, string Display)> directories)
    {
        foreach (var (path, display) in directories)
        {
            var file = Path.Combine(path, name);
            if (File.Exists(file))
            {
                return (File.ReadAllText(file, Encoding.UTF8), RuleSetLoader.Join(display, name));
            }
        }

        return (BuiltIn(name), "built-in:" + name);
    }

    private static Template Parse(TemplateEnvironment environment, string source, string origin)
    {
        try
        {
            return environment.Parse(source, origin);
        }
        catch (TemplateException e)
        {
            throw new GenerationException(origin, e.Line, e.Column, e.Description);
        }
    }

    private static void RegisterFunctions(TemplateEnvironment environment)
    {
        environment.RegisterFunction("source", args =>
            "{{ source(" + Repr(TemplateArguments.ToText(args.Get(0, "source_name"))) + ", " + Repr(TemplateArguments.ToText(args.Get(1, "table_name"))) + ") }}");
        environment.RegisterFunction("ref", args =>
            "{{ ref(" + Repr(TemplateArguments.ToText(args.Get(0, "name"))) + ") }}");
        environment.RegisterFunction("config", args =>
            "{{ config(" + string.Join(", ", args.Keyword.Where(k => k.Value is not null).Select(k => k.Key + "=" + Repr(k.Value))) + ") }}");
        environment.RegisterFunction("quote", args => SqlText.Identifier(TemplateArguments.ToText(args.Get(0, "name"))));
        environment.RegisterFunction("literal", args => SqlText.Literal(TemplateArguments.ToText(args.Get(0, "text"))));
        environment.RegisterFilter("yaml", args => YamlScalar(TemplateArguments.ToText(args.Get(0, "value"))));
    }
}
