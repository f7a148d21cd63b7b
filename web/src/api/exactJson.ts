// JSON from the API, with numbers a JavaScript number cannot hold exactly kept as their text. A BIGINT id beyond
// 2^53 or a DECIMAL(38,10) would otherwise be shown rounded (9007199254740993 as 9007199254740992).

/** The longest run of number characters a double always holds exactly (15 significant digits). */
const LONG_NUMBER = /[0-9.]{16}/;

/**
 * Parses `text` as JSON. A number with more than 15 significant digits whose shortest double form is not the same
 * text (a big integer, a long decimal) becomes a string of its digits; every other number stays a number.
 */
export function parseExactJson(text: string): unknown {
  return JSON.parse(LONG_NUMBER.test(text) ? quoteInexactNumbers(text) : text);
}

function quoteInexactNumbers(text: string): string {
  let out = "";
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the string, escapes included.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) break;
        else i++;
      }
      i++;
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) i++;
        else break;
      }
      const token = text.slice(start, i);
      if (inexact(token)) {
        out += text.slice(copied, start) + '"' + token + '"';
        copied = i;
      }
      continue;
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function inexact(token: string): boolean {
  const exponent = token.search(/[eE]/);
  const mantissa = exponent < 0 ? token : token.slice(0, exponent);
  const digits = mantissa.replace(/[-.]/g, "").replace(/^0+/, "");
  const significant = mantissa.includes(".") ? digits.replace(/0+$/, "").length || digits.length : digits.length;
  return significant > 15 && String(Number(token)) !== token;
}
