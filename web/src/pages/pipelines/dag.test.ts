import { describe, expect, it } from "vitest";
import { dagLayers, layoutDag } from "./dag";

describe("dag layering", () => {
  // extract → (clean, enrich) → publish; audit stands alone; report waits for clean only.
  const steps = [
    { name: "extract", after: [] },
    { name: "audit", after: [] },
    { name: "enrich", after: ["extract"] },
    { name: "clean", after: ["extract"] },
    { name: "publish", after: ["clean", "enrich"] },
    { name: "report", after: ["clean", "nowhere"] },
  ];

  it("puts each step one layer after the last step it waits for", () => {
    expect(Object.fromEntries(dagLayers(steps))).toEqual({ extract: 0, audit: 0, enrich: 1, clean: 1, publish: 2, report: 2 });
  });

  it("lays the layers out left to right, without overlaps, in a stable order", () => {
    const layout = layoutDag(steps, { nodeWidth: 100, nodeHeight: 40, gapX: 50, gapY: 10, pad: 0 });
    expect(layout.layers).toEqual([["extract", "audit"], ["enrich", "clean"], ["publish", "report"]]);
    const node = (name: string) => layout.nodes.find((n) => n.name === name)!;
    expect(node("extract")).toMatchObject({ layer: 0, x: 0, y: 0 });
    expect(node("clean")).toMatchObject({ layer: 1, x: 150, y: 50 });
    expect(node("publish")).toMatchObject({ layer: 2, x: 300 });
    expect(layout.width).toBe(400);
    expect(layout.height).toBe(90);
    for (const a of layout.nodes) for (const b of layout.nodes) {
      if (a !== b && a.layer === b.layer) expect(Math.abs(a.y - b.y)).toBeGreaterThanOrEqual(50);
    }
  });

  it("draws an edge from each step to each step that waits for it, ignoring unknown names", () => {
    const layout = layoutDag(steps, { nodeWidth: 100, nodeHeight: 40, gapX: 50, gapY: 10, pad: 0 });
    expect(layout.edges.map((e) => `${e.from}->${e.to}`).sort()).toEqual(["clean->publish", "clean->report", "enrich->publish", "extract->clean", "extract->enrich"]);
    const e = layout.edges.find((x) => x.from === "extract" && x.to === "clean")!;
    expect([e.x1, e.y1, e.x2, e.y2]).toEqual([100, 20, 150, 70]);
    expect(e.path).toBe("M100,20 C125,20 125,70 150,70");
  });

  it("orders a layer by where the steps it waits for are", () => {
    const layout = layoutDag([
      { name: "a", after: [] }, { name: "b", after: [] },
      { name: "after_b", after: ["b"] }, { name: "after_a", after: ["a"] },
    ]);
    expect(layout.layers[1]).toEqual(["after_a", "after_b"]);
  });

  it("centres a shorter layer and survives a cycle", () => {
    const layout = layoutDag([{ name: "a", after: [] }, { name: "b", after: [] }, { name: "c", after: ["a", "b"] }], { nodeHeight: 40, gapY: 10, pad: 0 });
    expect(layout.nodes.find((n) => n.name === "c")!.y).toBe(25);
    const cyclic = layoutDag([{ name: "x", after: ["y"] }, { name: "y", after: ["x"] }]);
    expect(cyclic.nodes).toHaveLength(2);
  });

  it("lays out nothing for no steps", () => {
    expect(layoutDag([])).toMatchObject({ nodes: [], edges: [], width: 0, height: 0 });
  });
});
