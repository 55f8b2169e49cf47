// `npm test`: the type check, ESLint, Prettier's check and the test suite, run at the same
// time (the first three are single-threaded and the suite alone leaves cores idle, so
// together they finish in about the CPU time divided by the cores). Each step is a
// package.json script. The suite's report is printed as it comes; each other step's output
// when the step ends, between two lines of the report. Exit code 0 when every step passed.
import { spawn } from "node:child_process";

const STEPS = ["typecheck", "lint", "format:check", "test:unit"];
const STREAMED = "test:unit";

const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The streamed step's output not printed yet, per stream: the end of its last line. */
const partial = { stdout: "", stderr: "" };
/** Other steps' output, waiting for the streamed step to end a line. */
const blocks = [];
const midLine = () => partial.stdout !== "" || partial.stderr !== "";

function print(text) {
  if (midLine()) blocks.push(text);
  else process.stdout.write(text);
}

function stream(name, chunk) {
  const text = partial[name] + chunk;
  const end = text.lastIndexOf("\n") + 1;
  process[name].write(text.slice(0, end));
  partial[name] = text.slice(end);
  if (!midLine()) for (const block of blocks.splice(0)) process.stdout.write(block);
}

function runStep(name) {
  return new Promise((resolve) => {
    const begin = Date.now();
    const child = spawn("npm", ["run", "-s", name], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    for (const out of ["stdout", "stderr"]) {
      child[out]
        .setEncoding("utf8")
        .on("data", (chunk) => (name === STREAMED ? stream(out, chunk) : (output += chunk)));
    }
    child.on("close", (code, signal) => {
      const result = { name, ok: code === 0, status: signal ?? code, ms: Date.now() - begin };
      if (name === STREAMED) {
        for (const out of ["stdout", "stderr"]) if (partial[out] !== "") stream(out, "\n");
      } else {
        const state = result.ok ? "ok" : `FAILED (${result.status})`;
        const body = output.trim() === "" ? "" : `${output.trimEnd()}\n`;
        print(`── npm run ${name}: ${state}, ${seconds(result.ms)}\n${body}`);
      }
      resolve(result);
    });
  });
}

process.stdout.write(`npm test: ${STEPS.join(", ")}, at the same time\n`);
const results = await Promise.all(STEPS.map(runStep));
const summary = results.map((r) => `${r.name} ${r.ok ? "ok" : "FAILED"} ${seconds(r.ms)}`);
process.stdout.write(
  `\nnpm test: ${summary.join(", ")}; ${seconds(Date.now() - started)} in all\n`,
);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
