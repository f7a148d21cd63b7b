using Nagare.DuckDb;
using Nagare.Templating;

namespace Nagare.Runtime.Models;

/// <summary>Renders what belongs to no single render of a node: project hooks (<c>on-run-start</c>, <c>on-run-end</c>) and materialization blocks.</summary>
internal sealed partial class ModelRenderer
{
    /// <summary>Renders a project hook with the final context (execute = true, run_query) plus <paramref name="extra"/> values.</summary>
    public string RenderProjectHook(string text, ModelNode hook, IReadOnlyDictionary<string, object?> extra, Func<DuckDbConnection> connection)
    {
        var capture = new RenderCapture(hook, true, false);
        var context = new Dictionary<string, object?>(extra, StringComparer.Ordinal)
        {
            ["execute"] = true,
            ["env_var"] = (TemplateFunction)(a => EnvVar(a, capture)),
            ["run_query"] = (TemplateFunction)(a => RunQuery(a, capture, connection)),
        };
        try
        {
            return Environment.Parse(text, hook.Name).Render(context);
        }
        catch (TemplateException e)
        {
            throw new ModelProjectException(e.Message, e);
        }
    }

    /// <summary>Runs a materialization block with <paramref name="context"/>; returns what it passed to <c>return()</c>.</summary>
    public object? CallMaterialization(string macro, IReadOnlyDictionary<string, object?> context)
    {
        try
        {
            return Environment.Call(macro, [], null, context);
        }
        catch (TemplateException e)
        {
            throw new ModelProjectException(e.Message, e);
        }
    }
}
