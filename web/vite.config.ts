import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import { precompress } from "./build/precompress.ts";

// The UI is served by `nagare serve` at / and calls only /api/v1. `npm run dev` proxies the
// API to a server started with `nagare serve` (NAGARE_API, default http://127.0.0.1:8181).
export default defineConfig({
  plugins: [react(), precompress()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: { proxy: { "/api": process.env.NAGARE_API ?? "http://127.0.0.1:8181" } },
  test: { environment: "jsdom", include: ["src/**/*.test.{ts,tsx}"], setupFiles: ["src/test-setup.ts"] },
});
