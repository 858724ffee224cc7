// Test files share a worker's module cache (vitest.config.ts: isolate false), so what one file
// leaves in process state must not reach the next: its environment variables and working
// directory are put back as they were when it started.
import { afterAll } from "vitest";

const env = { ...process.env };
const cwd = process.cwd();

afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
  if (process.cwd() !== cwd) process.chdir(cwd);
});
