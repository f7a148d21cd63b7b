import { describe, expect, it } from "vitest";
import { parseExactJson } from "./exactJson";

describe("parseExactJson", () => {
  it("keeps integers beyond 2^53 and long decimals as their text", () => {
    const value = parseExactJson('{"rows":[[9007199254740993,-123456789012345678901234567890,12345678901234567.891,1e400]]}');
    expect(value).toEqual({ rows: [["9007199254740993", "-123456789012345678901234567890", "12345678901234567.891", Infinity]] });
  });

  it("leaves numbers a double holds exactly as numbers", () => {
    const value = parseExactJson('[9007199254740991, -9007199254740991, 0.30000000000000004, 1.5, 1.50, 12345678901234.5, 1E+20, 0, -0.25, 1234567890123456]');
    expect(value).toEqual([9007199254740991, -9007199254740991, 0.30000000000000004, 1.5, 1.5, 12345678901234.5, 1e20, 0, -0.25, 1234567890123456]);
  });

  it("does not touch digits inside strings, escaped quotes included", () => {
    const text = '{"id":"9007199254740993","note":"say \\"12345678901234567890\\" twice","n":12345678901234567890}';
    expect(parseExactJson(text)).toEqual({ id: "9007199254740993", note: 'say "12345678901234567890" twice', n: "12345678901234567890" });
  });

  it("parses text without long numbers as JSON.parse does", () => {
    const text = '{"a":[1,2.5,-3,null,true,"x"],"b":{"c":"\\u00e9"}}';
    expect(parseExactJson(text)).toEqual(JSON.parse(text));
  });
});
