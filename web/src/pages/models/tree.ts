// Project files grouped by folder, for the file tree; a search keeps the files whose path contains it.

export interface TreeFolder {
  name: string;
  /** The folder's path, ending with `/` (`models/staging/`); "" for the root. */
  path: string;
  folders: TreeFolder[];
  files: TreeFile[];
  /** Files in this folder and below. */
  count: number;
}

export interface TreeFile { name: string; path: string }

/** A tree of `paths` (sorted, folders before files); with `search`, only files whose path contains it (case-insensitive). */
export function buildTree(paths: readonly string[], search = ""): TreeFolder {
  const root: TreeFolder = { name: "", path: "", folders: [], files: [], count: 0 };
  const needle = search.trim().toLowerCase();
  const index = new Map<string, TreeFolder>([["", root]]);
  for (const path of paths) {
    if (needle && !path.toLowerCase().includes(needle)) continue;
    const parts = path.split("/");
    let folder = root;
    let prefix = "";
    for (const part of parts.slice(0, -1)) {
      prefix += `${part}/`;
      let next = index.get(prefix);
      if (!next) {
        next = { name: part, path: prefix, folders: [], files: [], count: 0 };
        index.set(prefix, next);
        folder.folders.push(next);
      }
      folder = next;
    }
    folder.files.push({ name: parts[parts.length - 1], path });
  }
  const finish = (f: TreeFolder): number => {
    f.folders.sort((a, b) => a.name.localeCompare(b.name));
    f.files.sort((a, b) => a.name.localeCompare(b.name));
    f.count = f.files.length + f.folders.reduce((n, c) => n + finish(c), 0);
    return f.count;
  };
  finish(root);
  return root;
}

/** The folders (first path segments) that hold model files: those of the listed nodes, and the usual ones. */
export function modelRoots(nodePaths: readonly string[]): string[] {
  const roots = new Set(["models", "seeds", "macros", "tests", "snapshots"]);
  for (const p of nodePaths) {
    const first = p.split("/")[0];
    if (first && p.includes("/")) roots.add(first);
  }
  return [...roots];
}

/** The folders new models may go in: those holding models now, and `models`. */
export function modelFolders(nodes: readonly { type: string; path: string }[]): string[] {
  const roots = new Set(["models"]);
  for (const n of nodes) if (n.type === "model" && n.path.includes("/")) roots.add(n.path.split("/")[0]);
  return [...roots];
}

/** Project files that belong to models: under a model root, with a model file's extension. */
export function modelFiles(paths: readonly string[], roots: readonly string[]): string[] {
  return paths.filter((p) => roots.includes(p.split("/")[0]) && /\.(sql|ya?ml|csv|md)$/i.test(p));
}
