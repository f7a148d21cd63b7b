// Writes plain data (objects, arrays, strings, numbers, booleans) as YAML the way a person
// would: block style, keys in the order given, strings quoted only when YAML needs it.
// Undefined values and empty objects/arrays given as undefined are left out.

const plain = /^[A-Za-z_/.][A-Za-z0-9_ ./@:-]*$/;
const reserved = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

export function scalar(value: string | number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value !== "string") return String(value);
  if (value === "" || !plain.test(value) || reserved.test(value) || /^\s|\s$|: | #/.test(value) || /^[0-9.+-]/.test(value)) {
    return JSON.stringify(value);
  }
  return value;
}

export function toYaml(value: unknown, indent = 0): string {
  const pad = "  ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}[]\n`;
    return value.map((item) => {
      if (item !== null && typeof item === "object") {
        const inner = toYaml(item, indent + 1).replace(/^\s+/, "");
        return `${pad}- ${inner}`;
      }
      return `${pad}- ${scalar(item as string)}\n`;
    }).join("");
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return `${pad}{}\n`;
    return entries.map(([k, v]) => {
      const key = scalar(k);
      if (typeof v === "string" && v.includes("\n")) {
        return `${pad}${key}: |\n${v.replace(/\n$/, "").split("\n").map((l) => `${pad}  ${l}`).join("\n")}\n`;
      }
      if (Array.isArray(v) && v.length === 0) return `${pad}${key}: []\n`;
      if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0) return `${pad}${key}: {}\n`;
      if (v !== null && typeof v === "object") return `${pad}${key}:\n${toYaml(v, indent + 1)}`;
      return `${pad}${key}: ${scalar(v as string)}\n`;
    }).join("");
  }
  return `${pad}${scalar(value as string)}\n`;
}
