namespace Nagare.Runtime.Configuration;

/// <summary>One entry of <c>targets:</c> in <c>nagare.yml</c>: an environment models are built into.</summary>
/// <param name="Name">Target name (<c>dev</c>, <c>ci</c>, <c>prod</c>…).</param>
/// <param name="Warehouse">Its warehouse file as written (relative to the project), or null for the project's warehouse.</param>
/// <param name="Schema">Schema of models without a layer or custom schema, or null for <see cref="ProjectDefaults.Schema"/>.</param>
/// <param name="SchemaPrefix">Put before every model and seed schema.</param>
/// <param name="SchemaSuffix">Put after every model and seed schema.</param>
/// <param name="Threads">Nodes built at once, or null for the command's default.</param>
/// <param name="Location">Where the target was defined.</param>
public sealed record TargetConfig(string Name, string? Warehouse, string? Schema, string SchemaPrefix, string SchemaSuffix, int? Threads, ConfigLocation Location);
