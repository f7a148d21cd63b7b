using System.Buffers;
using System.Text.Json;
using Nagare.Core.Json;

namespace Nagare.Runtime.Notifications;

/// <summary>The JSON bodies posted to webhooks and Slack (field names are the receivers' contract: see docs/notifications.md).</summary>
internal static class NoticeJson
{
    /// <summary>The webhook body: every field of the notice, snake_case, times in UTC (ISO 8601).</summary>
    public static byte[] Webhook(Notice notice)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, JsonFormat.Writer))
        {
            w.WriteStartObject();
            w.WriteString("kind", notice.EventName);
            w.WriteString("pipeline", notice.Pipeline);
            w.WriteNumber("run_id", notice.RunId);
            w.WriteString("logical_date", notice.LogicalDate);
            w.WriteString("state", notice.RunState);
            WriteTime(w, "at", notice.At);
            WriteTime(w, "deadline", notice.Deadline);
            WriteTime(w, "expected_finish", notice.ExpectedFinish);
            w.WriteString("step", notice.Step);
            w.WriteString("error", notice.Error);
            w.WriteString("summary", notice.Summary);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The Slack incoming-webhook body: <c>{"text": summary}</c>.</summary>
    public static byte[] Slack(Notice notice)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, JsonFormat.Writer))
        {
            w.WriteStartObject();
            w.WriteString("text", notice.Summary);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            // A UTC DateTime is written with "Z", which every receiver's parser reads.
            w.WriteString(name, t.UtcDateTime);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
