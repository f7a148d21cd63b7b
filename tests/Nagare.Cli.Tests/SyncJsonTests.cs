using System.Collections.Immutable;
using Nagare.Cli.Commands;
using Nagare.Core.Connectors;
using Nagare.Runtime.Replication;

namespace Nagare.Cli.Tests;

/// <summary>The documents <c>nagare sync --json</c> and <c>--dry-run --json</c> print, field by field (scripts read them).</summary>
public sealed class SyncJsonTests
{
    private static readonly ImmutableArray<NameChange> Renames = [new NameChange("public.a", "Col", "Col", "col")];

    [Fact]
    public void ToJson_MergedAndFailedStreams_WritesEveryFieldInOrder()
    {
        var summary = new SyncSummary(
            "nightly",
            [
                new StreamResult("public.a", "raw.a", WriteMode.Merge, 10, 9, 1, 1.23456, StreamStatus.Succeeded, null, 3, 1, new WriteResult(9, 4, 5, 0, 2)),
                new StreamResult("public.b", "raw.b", WriteMode.Append, 0, 0, 0, 0.5, StreamStatus.Failed, "接続できません \"db\""),
            ],
            Renames,
            12.3456);

        var json = SyncCommand.ToJson(summary);

        Assert.Equal(
            """
            {
              "sync": "nightly",
              "succeeded": false,
              "cancelled": false,
              "seconds": 12.346,
              "rows_written": 9,
              "renames": [
                {
                  "stream": "public.a",
                  "column": "Col",
                  "from": "Col",
                  "to": "col"
                }
              ],
              "streams": [
                {
                  "stream": "public.a",
                  "table": "raw.a",
                  "mode": "merge",
                  "rows_read": 10,
                  "rows_written": 9,
                  "rows_rejected": 1,
                  "rows_inserted": 4,
                  "rows_updated": 5,
                  "rows_unchanged": 2,
                  "rows_deleted": 0,
                  "seconds": 1.235,
                  "status": "succeeded",
                  "message": null,
                  "chunks": 3,
                  "chunks_resumed": 1
                },
                {
                  "stream": "public.b",
                  "table": "raw.b",
                  "mode": "append",
                  "rows_read": 0,
                  "rows_written": 0,
                  "rows_rejected": 0,
                  "rows_inserted": null,
                  "rows_updated": null,
                  "rows_unchanged": null,
                  "rows_deleted": null,
                  "seconds": 0.5,
                  "status": "failed",
                  "message": "接続できません \"db\"",
                  "chunks": 0,
                  "chunks_resumed": 0
                }
              ]
            }
            """.ReplaceLineEndings(Environment.NewLine),
            json);
    }

    [Fact]
    public void PreviewJson_ChunkedAndPlainTables_WritesEveryFieldInOrder()
    {
        var preview = new SyncPreview(
            "nightly",
            "pg",
            "warehouse",
            [
                new TablePreview("public.a", "raw.a", WriteMode.Merge, ["id", "k"], "updated_at", "2024-01-01", 123, "merge") { ChunksStaged = 2, Chunking = new ChunkPlan("id", 8) },
                new TablePreview("public.b", "raw.b", WriteMode.FullRefresh, [], null, null, null, "replace"),
            ],
            [])
        {
            FailedSources = [new FailedSource("pg2", "connection refused")],
        };

        var json = SyncCommand.PreviewJson(preview);

        Assert.Equal(
            """
            {
              "sync": "nightly",
              "source": "pg",
              "destination": "warehouse",
              "dry_run": true,
              "renames": [],
              "failed_sources": [
                {
                  "connection": "pg2",
                  "message": "connection refused"
                }
              ],
              "streams": [
                {
                  "stream": "public.a",
                  "table": "raw.a",
                  "mode": "merge",
                  "primary_key": [
                    "id",
                    "k"
                  ],
                  "cursor_column": "updated_at",
                  "cursor": "2024-01-01",
                  "estimated_rows": 123,
                  "action": "merge",
                  "chunks_staged": 2,
                  "chunk_key": "id",
                  "chunks": 8
                },
                {
                  "stream": "public.b",
                  "table": "raw.b",
                  "mode": "full_refresh",
                  "primary_key": [],
                  "cursor_column": null,
                  "cursor": null,
                  "estimated_rows": null,
                  "action": "replace",
                  "chunks_staged": 0,
                  "chunk_key": null,
                  "chunks": null
                }
              ]
            }
            """.ReplaceLineEndings(Environment.NewLine),
            json);
    }
}
