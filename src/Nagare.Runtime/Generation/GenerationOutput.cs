using System.Collections.Immutable;

namespace Nagare.Runtime.Generation;

/// <summary>What one generation produced, before anything is written.</summary>
/// <param name="Files">Files sorted by path.</param>
/// <param name="Tables">How many tables models were generated for.</param>
/// <param name="Warnings">Things worth a look that did not stop generation (rules that matched nothing).</param>
/// <param name="Selection">The tables generated; generated files of tables outside it are not judged stale.</param>
public sealed record GenerationOutput(ImmutableArray<GeneratedFile> Files, int Tables, ImmutableArray<string> Warnings, TableSelection Selection);
