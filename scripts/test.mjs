// `npm test`: the type check and ESLint (`check:code`: one process, one TypeScript program for
// both, scripts/check-code.ts), Prettier's check and the test suite, run at the same time (the
// first two are single-threaded and the suite alone leaves cores idle, so together they
// finish in about the CPU time divided by the cores). Each step is a
// package.json script, run as `npm run` runs it (a shell, node_modules/.bin first on the
// PATH) without starting npm for each (0.15 s of CPU apiece). The suite's report is printed
// as it comes; each other step's output when the step ends, between two lines of the report.
// Exit code 0 when every step passed, 2 when package.json lacks a step's script.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter, resolve } from "node:path";

const STEPS = ["check:code", "format:check", "test:unit"];
const STREAMED = "test:unit";
const { scripts = {} } = JSON.parse(readFileSync("package.json", "utf8"));
const missing = STEPS.filter((name) => typeof scripts[name] !== "string");
if (missing.length > 0) {
  console.error(`npm test: package.json has no script ${missing.join(", ")}`);
  process.exit(2);
}
const PATH = [resolve("node_modules", ".bin"), process.env.PATH].filter(Boolean).join(delimiter);

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
    const child = spawn(scripts[name], {
      shell: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PATH },
    });
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
