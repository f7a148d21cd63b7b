// State and deadline badges: the shell's `state state-<state>` classes, with names in the current language.
import { useT } from "../../i18n";
import { stateMessages, type StateKey } from "./states";
import "./runs.css";

/** The translated name of a state, a deadline status or a trigger; unknown values are shown as they are. */
export function useStateName(): (value: string) => string {
  const t = useT(stateMessages);
  return (value: string) => (value in stateMessages.en ? t(value as StateKey) : value);
}

export function StateBadge({ state }: { state: string }) {
  const name = useStateName();
  return <span className={`state state-${state}`}>{name(state)}</span>;
}

export function SloBadge({ slo }: { slo: string | null | undefined }) {
  const name = useStateName();
  if (!slo) return null;
  return <span className={`state state-${slo}`}>{name(slo)}</span>;
}
