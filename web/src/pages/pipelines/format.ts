import type { Deadline } from "../../api/types";
import { useFormat, useT } from "../../i18n";
import { pipelineMessages } from "./messages";

/** "by 08:00 (Asia/Tokyo) · within 2h 0m" for a deadline. */
export function useDeadlineText(): (deadline: Deadline) => string {
  const t = useT(pipelineMessages);
  const f = useFormat();
  return (d: Deadline) => [
    d.time ? t("deadlineBy", { time: d.time, zone: d.time_zone }) : null,
    d.max_duration_seconds != null ? t("deadlineWithin", { duration: f.duration(d.max_duration_seconds * 1000) }) : null,
  ].filter(Boolean).join(" · ");
}
