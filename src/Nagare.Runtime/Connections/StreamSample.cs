using System.Text.Json;
using Nagare.Core.Schema;

namespace Nagare.Runtime.Connections;

/// <summary>The first rows of one stream, as a column mapping shows them before anything is synced.</summary>
/// <param name="Stream">The stream as discovered.</param>
/// <param name="Columns">Every column of the stream, in the order of each row's values.</param>
/// <param name="Rows">
/// At most the requested number of rows, each a list of JSON values in the one JSON form of canonical values
/// (<see cref="Core.Text.ValueFormat"/>): numbers exact, timestamps ISO 8601, bytes base64, lists and structs as JSON.
/// </param>
public sealed record StreamSample(StreamSchema Stream, IReadOnlyList<SampleColumn> Columns, IReadOnlyList<IReadOnlyList<JsonElement>> Rows);
