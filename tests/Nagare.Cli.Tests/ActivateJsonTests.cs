using System.Collections.Immutable;
using System.Text;
using Nagare.Cli.Commands;
using Nagare.Runtime.Activations;

namespace Nagare.Cli.Tests;

/// <summary>The documents <c>nagare activate --json</c> prints, field by field (scripts read them).</summary>
public sealed class ActivateJsonTests
{
    [Fact]
    public void PlanJson_SamplesAndRequests_WritesEveryFieldInOrder()
    {
        var samples = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, ImmutableArray<ImmutableSortedDictionary<string, string?>>>
        {
            ["insert"] = [ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string?> { ["id"] = "1", ["name"] = "顧客 \"A\"", ["note"] = null })],
            ["delete"] = [],
        });
        var plan = new ActivationPlan("contacts", "crm (http)", "upsert", 3, 1, 1, 0, 1, false, true, samples)
        {
            Requests = [new ActivationRequestSample("insert", 1, "POST", "http://127.0.0.1/records", "[{\"id\":1}]"), new ActivationRequestSample("update", 1, "PUT", "http://127.0.0.1/records/2", null)],
        };

        var json = ActivateCommand.PlanJson(plan);

        Assert.Equal(
            """
            {
              "activation": "contacts",
              "destination": "crm (http)",
              "mode": "upsert",
              "dry_run": true,
              "result_rows": 3,
              "inserts": 1,
              "updates": 1,
              "deletes": 0,
              "unchanged": 1,
              "sends_all": false,
              "first_run": true,
              "records_sent": 2,
              "samples": {
                "delete": [],
                "insert": [
                  {
                    "id": "1",
                    "name": "顧客 \"A\"",
                    "note": null
                  }
                ]
              },
              "requests": [
                {
                  "operation": "insert",
                  "records": 1,
                  "method": "POST",
                  "url": "http://127.0.0.1/records",
                  "body": "[{\"id\":1}]"
                },
                {
                  "operation": "update",
                  "records": 1,
                  "method": "PUT",
                  "url": "http://127.0.0.1/records/2",
                  "body": null
                }
              ]
            }
            """.ReplaceLineEndings(Environment.NewLine),
            json);
    }

    [Fact]
    public void PlanJson_NothingChanged_SendsNoRecords()
    {
        var plan = new ActivationPlan("kpis", "pg.public.kpis", "upsert", 5, 0, 0, 0, 5, false, false, ImmutableSortedDictionary<string, ImmutableArray<ImmutableSortedDictionary<string, string?>>>.Empty);

        var json = ActivateCommand.PlanJson(plan);

        Assert.Contains("\"records_sent\": 0,", json, StringComparison.Ordinal);
        Assert.Contains("\"samples\": {},", json, StringComparison.Ordinal);
        Assert.EndsWith("\"requests\": []" + Environment.NewLine + "}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ResultJson_DatabaseDestination_WritesNullForRequestsAndRejections()
    {
        var plan = new ActivationPlan("kpis", "pg.public.kpis", "upsert", 1000, 1000, 0, 0, 0, false, true, ImmutableSortedDictionary<string, ImmutableArray<ImmutableSortedDictionary<string, string?>>>.Empty);
        var result = new ActivationResult(plan, 1000, 0, 0, 0, 0, 0, null, 1.23456);

        var json = ActivateCommand.ResultJson(result);

        Assert.Equal(
            """
            {
              "activation": "kpis",
              "destination": "pg.public.kpis",
              "mode": "upsert",
              "dry_run": false,
              "succeeded": true,
              "result_rows": 1000,
              "inserted": 1000,
              "updated": 0,
              "deleted": 0,
              "rejected": 0,
              "unchanged": 0,
              "sent_whole_result": false,
              "files": 0,
              "bytes": 0,
              "manifest": null,
              "requests": null,
              "rejected_records": null,
              "seconds": 1.235
            }
            """.ReplaceLineEndings(Environment.NewLine),
            json);
    }

    [Fact]
    public void ResultJson_HttpRejections_ListsEachWithItsAnswer()
    {
        var plan = new ActivationPlan("contacts", "crm (http)", "upsert", 2, 2, 0, 0, 0, false, true, ImmutableSortedDictionary<string, ImmutableArray<ImmutableSortedDictionary<string, string?>>>.Empty);
        var receipts = new ActivationReceipts(7);
        receipts.Reject(Record("{\"id\":7}"), 422, "{\"error\":\"bad email\"}", "the API refused the record");
        receipts.Reject(Record("{\"id\":8}"), null, null, "no answer");
        receipts.Attempted(new ActivationExchange(1, 1, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), "POST", "http://127.0.0.1/records", string.Empty, null, 422, null, null, null, 10));
        var result = new ActivationResult(plan, 0, 0, 0, 2, 0, 0, "manifest.json", 0.5) { Receipts = receipts };

        var json = ActivateCommand.ResultJson(result);

        Assert.Contains(
            """
              "manifest": "manifest.json",
              "requests": 1,
              "rejected_records": [
                {
                  "key": "id=7",
                  "operation": "insert",
                  "status": 422,
                  "error": "the API refused the record",
                  "response": "{\"error\":\"bad email\"}"
                },
                {
                  "key": "id=8",
                  "operation": "insert",
                  "status": null,
                  "error": "no answer",
                  "response": null
                }
              ],
              "seconds": 0.5
            }
            """.ReplaceLineEndings(Environment.NewLine),
            json,
            StringComparison.Ordinal);
    }

    private static ActivationRecord Record(string key) =>
        new(ActivationRecords.All, 0, Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes("{}"), "insert");
}
