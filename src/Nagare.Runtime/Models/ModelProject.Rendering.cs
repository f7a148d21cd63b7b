using Nagare.Templating;

namespace Nagare.Runtime.Models;

public sealed partial class ModelProject
{
    private static readonly HashSet<string> HookKeys = new(StringComparer.Ordinal) { "pre-hook", "post-hook", "pre_hook", "post_hook", "+pre-hook", "+post-hook", "+pre_hook", "+post_hook" };

    /// <summary>
    /// Renders the Jinja in dbt_project.yml folder configs (<c>+enabled: "{{ var('load_source_data', false) }}"</c>)
    /// with <c>var</c>, <c>env_var</c> and <c>target</c>, as dbt does when it reads the file. Hooks stay as written:
    /// they are rendered when their node runs.
    /// </summary>
    private static YamlMap? RenderConfigs(YamlMap? map, IReadOnlyDictionary<string, object?> vars, ModelTarget target)
    {
        if (map is null)
        {
            return null;
        }

        TemplateEnvironment? environment = null;
        TemplateEnvironment Environment()
        {
            if (environment is null)
            {
                environment = new TemplateEnvironment();
                environment.RegisterFunction("var", a =>
                {
                    var name = TemplateArguments.ToText(a.Get(0, "var_name"));
                    return vars.TryGetValue(name, out var value) ? value
                        : a.Has(1, "default") ? a.Get(1, "default")
                        : throw new ModelProjectException($"dbt_project.yml: required var '{name}' is not set (add it under vars: or pass --vars '{{{name}: ...}}')");
                });
                environment.RegisterFunction("env_var", a => System.Environment.GetEnvironmentVariable(TemplateArguments.ToText(a.Get(0, "var")))
                    ?? (a.Has(1, "default") ? a.Get(1, "default") : throw new ModelProjectException($"dbt_project.yml: environment variable '{TemplateArguments.ToText(a.Get(0, "var"))}' is required but not set")));
                environment.AddGlobal("target", new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = target.Name, ["schema"] = target.Schema, ["type"] = "duckdb" });
            }

            return environment;
        }

        return Render(map);

        YamlMap Render(YamlMap m)
        {
            var result = new YamlMap(m.File, m.Path, m.Line, m.Column);
            foreach (var (key, value) in m)
            {
                var location = m.LocationOf(key);
                var rendered = value switch
                {
                    YamlMap child => Render(child),
                    string s when !HookKeys.Contains(key) && (s.Contains("{{", StringComparison.Ordinal) || s.Contains("{%", StringComparison.Ordinal)) => Typed(RenderText(s, m.KeyPath(key))),
                    _ => value,
                };
                result.Add(key, rendered, location.Line, location.Column);
            }

            return result;
        }

        string RenderText(string text, string key)
        {
            try
            {
                return Environment().Parse(text, $"dbt_project.yml {key}").Render().Trim();
            }
            catch (TemplateException e)
            {
                throw new ModelProjectException(e.Message, e);
            }
        }
    }

    private static object Typed(string text) => text switch
    {
        "True" or "true" => true,
        "False" or "false" => false,
        _ => text,
    };
}
