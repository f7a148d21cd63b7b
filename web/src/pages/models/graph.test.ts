import { describe, expect, it } from "vitest";
import { buildGraph, dependency, neighbourhood, nodeId, type ModelLike } from "./graph";
import { buildTree, modelFiles, modelFolders, modelRoots } from "./tree";

const model = (name: string, deps: string[], type = "model"): ModelLike => ({ name, type, materialized: "view", depends_on: deps });
const ref = (name: string) => `model.shop.${name}`;

/** m0 … m4999: m_i reads m_{i-1} and m_{floor(i/2)} (so m_k feeds m_{k+1}, m_{2k} and m_{2k+1}). */
function synthetic(n: number): ModelLike[] {
  const models: ModelLike[] = [model("m0", ["source.shop.raw.events"])];
  for (let i = 1; i < n; i++) models.push(model(`m${i}`, [...new Set([ref(`m${i - 1}`), ref(`m${Math.floor(i / 2)}`)])]));
  return models;
}

/** The expected neighbourhood by brute force: scan every model each level. */
function bruteForce(models: ModelLike[], focus: string, up: number, down: number): Set<string> {
  const deps = new Map(models.map((m) => [m.name, m.depends_on.map((d) => d.split(".").slice(2).join("."))]));
  const found = new Set([focus]);
  let frontier = new Set([focus]);
  for (let d = 0; d < up; d++) {
    const next = new Set<string>();
    for (const f of frontier) for (const p of deps.get(f) ?? []) if (!found.has(p) && deps.has(p)) next.add(p);
    next.forEach((x) => found.add(x));
    frontier = next;
  }
  frontier = new Set([focus]);
  for (let d = 0; d < down; d++) {
    const next = new Set<string>();
    for (const m of models) if ((deps.get(m.name) ?? []).some((p) => frontier.has(p)) && !found.has(m.name)) next.add(m.name);
    next.forEach((x) => found.add(x));
    frontier = next;
  }
  return found;
}

describe("lineage graph", () => {
  it("reads depends_on unique ids", () => {
    expect(dependency("model.shop.orders")).toEqual({ id: "model:orders", type: "model", name: "orders" });
    expect(dependency("source.shop.raw.orders")).toEqual({ id: "source:raw.orders", type: "source", name: "raw.orders" });
    expect(dependency("seed.shop.raw_orders").id).toBe("seed:raw_orders");
  });

  it("lays out a small neighbourhood left to right around the focus", () => {
    const g = buildGraph([
      model("raw_orders", [], "seed"),
      model("stg_orders", ["seed.shop.raw_orders"]),
      model("stg_payments", ["source.shop.pay.payments"]),
      model("orders", [ref("stg_orders"), ref("stg_payments")]),
      model("revenue", [ref("orders"), ref("stg_payments")]),
      model("report", [ref("revenue")]),
      model("not_null_orders_id", [ref("orders")], "test"),
    ]);
    const hood = neighbourhood(g, nodeId("model", "orders"), 1, 1);
    const byName = new Map(hood.nodes.map((n) => [n.name, n]));
    expect([...byName.keys()].sort()).toEqual(["orders", "revenue", "stg_orders", "stg_payments"]);
    expect(byName.get("orders")).toMatchObject({ layer: 0, x: 0, y: 0, focus: true });
    expect(byName.get("stg_orders")!.layer).toBe(-1);
    expect(byName.get("revenue")!.layer).toBe(1);
    expect(hood.edges.map((e) => e.id).sort()).toEqual(["model:orders->model:revenue", "model:stg_orders->model:orders", "model:stg_payments->model:orders", "model:stg_payments->model:revenue"]);
    // Two levels reach the seed and the source; tests are never part of the graph.
    const wide = neighbourhood(g, nodeId("model", "orders"), 2, 2);
    expect(wide.nodes.map((n) => n.id).sort()).toEqual(["model:orders", "model:report", "model:revenue", "model:stg_orders", "model:stg_payments", "seed:raw_orders", "source:pay.payments"]);
    expect(neighbourhood(g, "model:nope", 2, 2).nodes).toEqual([]);
  });

  it("computes the neighbourhood of one model among 5,000 from adjacency maps, correctly and without the rest", () => {
    const models = synthetic(5000);
    const g = buildGraph(models);
    expect(g.nodes.size).toBe(5001); // and the source
    for (const [focus, up, down] of [["m1000", 2, 2], ["m2500", 3, 1], ["m4999", 2, 0], ["m1", 0, 4], ["m3", 5, 5]] as const) {
      const hood = neighbourhood(g, nodeId("model", focus), up, down);
      const expected = bruteForce(models, focus, up, down);
      expect(new Set(hood.nodes.filter((n) => n.type === "model").map((n) => n.name))).toEqual(expected);
      expect(hood.truncated).toBe(false);
      expect(hood.nodes.length).toBeLessThan(200);
      const at = new Map(hood.nodes.map((n) => [n.id, n]));
      // Every edge joins two drawn nodes and runs left to right.
      for (const e of hood.edges) {
        expect(at.has(e.source) && at.has(e.target)).toBe(true);
        expect(at.get(e.source)!.x).toBeLessThan(at.get(e.target)!.x);
      }
      // Every dependency between drawn nodes is an edge.
      const edgeIds = new Set(hood.edges.map((e) => e.id));
      for (const n of hood.nodes) for (const p of g.parents.get(n.id) ?? []) if (at.has(p)) expect(edgeIds.has(`${p}->${n.id}`)).toBe(true);
      // No two nodes share a place; the focus is at the origin.
      expect(new Set(hood.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(hood.nodes.length);
      expect(at.get(nodeId("model", focus))).toMatchObject({ x: 0, y: 0, focus: true, layer: 0 });
    }
    // m1000: parents m999 and m500; children m1001, m2000, m2001.
    const hood = neighbourhood(g, "model:m1000", 1, 1);
    expect(hood.nodes.filter((n) => n.layer < 0).map((n) => n.name).sort()).toEqual(["m500", "m999"]);
    expect(hood.nodes.filter((n) => n.layer > 0).map((n) => n.name).sort()).toEqual(["m1001", "m2000", "m2001"]);
  });

  it("keeps the nearest nodes of a hub and says it left the others out", () => {
    const models = [model("hub", [])];
    for (let i = 0; i < 5000; i++) models.push(model(`leaf${i}`, [ref("hub")]));
    for (let i = 0; i < 10; i++) models.push(model(`deep${i}`, [ref(`leaf${i}`)]));
    const g = buildGraph(models);
    const hood = neighbourhood(g, "model:hub", 2, 2, { maxNodes: 300 });
    expect(hood.truncated).toBe(true);
    expect(hood.nodes.length).toBe(300);
    expect(hood.nodes.every((n) => n.distance <= 1)).toBe(true);
    const leaf = neighbourhood(g, "model:leaf3", 2, 2);
    expect(leaf.nodes.map((n) => n.name).sort()).toEqual(["deep3", "hub", "leaf3"]);
  });

  it("survives a cycle in a broken project", () => {
    const g = buildGraph([model("a", [ref("c")]), model("b", [ref("a")]), model("c", [ref("b")])]);
    const hood = neighbourhood(g, "model:a", 3, 3);
    expect(hood.nodes.map((n) => n.name).sort()).toEqual(["a", "b", "c"]);
  });
});

describe("file tree", () => {
  it("groups files by folder and filters by the search", () => {
    const paths = ["models/staging/stg_orders.sql", "models/marts/orders.sql", "models/marts/schema.yml", "models/top.sql", "nagare.yml", "seeds/raw.csv", "pipelines/daily.yml"];
    const roots = modelRoots(["models/marts/orders.sql", "seeds/raw.csv"]);
    const files = modelFiles(paths, roots);
    expect(files).toEqual(["models/staging/stg_orders.sql", "models/marts/orders.sql", "models/marts/schema.yml", "models/top.sql", "seeds/raw.csv"]);
    const tree = buildTree(files);
    expect(tree.count).toBe(5);
    expect(tree.folders.map((f) => f.name)).toEqual(["models", "seeds"]);
    const models = tree.folders[0];
    expect(models.folders.map((f) => `${f.path}:${f.count}`)).toEqual(["models/marts/:2", "models/staging/:1"]);
    expect(models.files.map((f) => f.name)).toEqual(["top.sql"]);
    const found = buildTree(files, "ORDERS");
    expect(found.count).toBe(2);
    expect(found.folders.map((f) => f.name)).toEqual(["models"]);
    // New models go where models are, never into seeds/ or macros/.
    expect(modelFolders([{ type: "model", path: "transform/a.sql" }, { type: "seed", path: "seeds/raw.csv" }])).toEqual(["models", "transform"]);
  });
});
