// `npm test`: the type check, ESLint, Prettier's check and the test suite, run at the same
// time (the first three are single-threaded and the suite alone leaves cores idle, so
// together they finish in about the CPU time divided by the cores). Each step is a
// package.json script. The suite's report is streamed; the other steps' output is printed
// when they finish. Exit code: 0 when every step passed, else 1.
import { spawn } from "node:child_process";

const STEPS = ["typecheck", "lint", "format:check", "test:unit"];
const STREAMED = "test:unit";

const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function runStep(name) {
  return new Promise((resolve) => {
    const begin = Date.now();
    const child = spawn("npm", ["run", "-s", name], {
      stdio: name === STREAMED ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("close", (code, signal) => {
      const result = { name, ok: code === 0, status: signal ?? code, ms: Date.now() - begin };
      if (name !== STREAMED) {
        const head = `\n── npm run ${name}: ${result.ok ? "ok" : `FAILED (${result.status})`}, ${seconds(result.ms)}`;
        process.stdout.write(`${head}\n${output.trimEnd()}${output.trim() ? "\n" : ""}`);
      }
      resolve(result);
    });
  });
}

process.stdout.write(`npm test: ${STEPS.join(", ")}, in parallel\n`);
const results = await Promise.all(STEPS.map(runStep));
const summary = results.map((r) => `${r.name} ${r.ok ? "ok" : "FAILED"} ${seconds(r.ms)}`);
process.stdout.write(
  `\nnpm test: ${summary.join(", ")}; ${seconds(Date.now() - started)} in all\n`,
);
process.exit(results.every((r) => r.ok) ? 0 : 1);
