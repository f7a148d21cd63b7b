namespace Nagare.Runtime.Generation;

/// <summary>A row of a masking sheet: matching columns are hashed in the model; the clear values go to the secret model.</summary>
/// <param name="Table">Glob over <c>schema.table</c> (or the table name).</param>
/// <param name="Column">Glob over column names.</param>
/// <param name="Method"><c>sha256</c> (default), <c>md5</c> or <c>redact</c> (NULL).</param>
/// <param name="Origin">Where the rule was written.</param>
public sealed record MaskRule(string Table, string Column, string Method, RuleOrigin Origin);
