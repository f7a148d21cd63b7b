using System.Collections.Immutable;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Pipelines;

/// <summary>
/// The one-step pipelines behind a sync or a build started on its own through a server (<c>nagare sync</c> and
/// <c>nagare build</c> while <c>nagare serve</c> owns the warehouse, or the API): they run on the server's worker like
/// any run, so they are listed, logged and cancelled like any run. Their names hold a colon, which a pipeline file's
/// name cannot, so they never clash with the project's own pipelines:
/// <c>sync:NAME</c>, <c>sync:NAME:full-refresh</c>, <c>build:</c>, <c>build:full-refresh</c>, <c>test:</c>,
/// <c>activate:NAME</c>, <c>activate:NAME:full-refresh</c> (send the whole result, ignoring what was delivered),
/// <c>activate:NAME:retry-rejected</c> (send only the records the destination rejected before).
/// Each takes one parameter, <c>select</c>: the streams (a sync) or the models (a build) to run; empty for all
/// (an activation ignores it).
/// </summary>
public static class AdHocPipelines
{
    /// <summary>The parameter naming what to run.</summary>
    public const string Select = "select";

    private const string FullRefresh = "full-refresh";

    private const string RetryRejected = "retry-rejected";

    /// <summary>The pipeline that runs sync <paramref name="sync"/>.</summary>
    public static string ForSync(string sync, bool fullRefresh) => fullRefresh ? $"sync:{sync}:{FullRefresh}" : $"sync:{sync}";

    /// <summary>The pipeline that runs activation <paramref name="activation"/>.</summary>
    public static string ForActivation(string activation, bool full, bool retryRejected = false) =>
        full ? $"activate:{activation}:{FullRefresh}" : retryRejected ? $"activate:{activation}:{RetryRejected}" : $"activate:{activation}";

    /// <summary>The pipeline that builds models (or only runs their tests).</summary>
    public static string ForBuild(bool test, bool fullRefresh) => test ? "test:" : fullRefresh ? $"build:{FullRefresh}" : "build:";

    /// <summary>The pipeline named <paramref name="name"/> when it is one of these (and its sync exists), else null.</summary>
    public static PipelineConfig? Resolve(ProjectConfig project, string name)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split(':');
        var location = new ConfigLocation(Path.Combine(project.Root, ProjectConfig.FileName), 1, 1);
        return parts switch
        {
            ["sync", var sync] when project.Syncs.ContainsKey(sync) => Create(name, StepKind.Sync, sync, false, location),
            ["sync", var sync, FullRefresh] when project.Syncs.ContainsKey(sync) => Create(name, StepKind.Sync, sync, true, location),
            ["activate", var activation] when project.Activations.ContainsKey(activation) => Create(name, StepKind.Activate, activation, false, location),
            ["activate", var activation, FullRefresh] when project.Activations.ContainsKey(activation) => Create(name, StepKind.Activate, activation, true, location),
            ["activate", var activation, RetryRejected] when project.Activations.ContainsKey(activation) => Create(name, StepKind.Activate, activation, false, location, retryRejected: true),
            ["build", ""] => Create(name, StepKind.Build, "build", false, location),
            ["build", FullRefresh] => Create(name, StepKind.Build, "build", true, location),
            ["test", ""] => Create(name, StepKind.Test, "test", false, location),
            _ => null,
        };
    }

    private static PipelineConfig Create(string name, StepKind kind, string target, bool fullRefresh, ConfigLocation location, bool retryRejected = false)
    {
        var select = $"{{{{ params.{Select} }}}}";
        var named = kind is StepKind.Sync or StepKind.Activate;
        var step = new StepConfig(target, kind, named ? target : select, [], RetryConfig.None, null, null, null, null, null, location)
        {
            Streams = kind == StepKind.Sync ? select : null,
            FullRefresh = fullRefresh,
            RetryRejected = retryRejected,
        };
        return new PipelineConfig(
            name,
            kind == StepKind.Sync ? $"Sync {target}, started on its own" : kind == StepKind.Activate ? $"Activation {target}, started on its own" : $"{(kind == StepKind.Test ? "Tests of models" : "Models")}, started on their own",
            null,
            [new ParamConfig(Select, ParamType.String, string.Empty, kind == StepKind.Sync ? "Only the streams matching this glob; empty for all." : "Only the models this selector names; empty for all.", location)],
            [step],
            null,
            1,
            WhenRunning.Queue,
            [],
            NotifyConfig.None,
            location);
    }
}
