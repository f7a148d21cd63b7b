// Writes a gzip and a brotli copy beside each text file of the build (NAME.gz, NAME.br), once, at build time:
// `nagare serve` sends the copy the browser accepts, so pages load compressed without compressing per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Plugin } from "vite";

const compressible = /\.(js|mjs|css|html|svg|json|txt|map)$/;
const smallest = 1024;

function files(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Compresses every compressible file of the output folder once the bundle is written. */
export function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "nagare-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      for (const file of files(outDir)) {
        if (!compressible.test(file) || statSync(file).size < smallest) continue;
        const bytes = readFileSync(file);
        writeFileSync(file + ".gz", gzipSync(bytes, { level: 9 }));
        writeFileSync(file + ".br", brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
      }
    },
  };
}
