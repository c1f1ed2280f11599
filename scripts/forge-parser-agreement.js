// Reads every file named on stdin with Forge's YAML parser (npm `yaml`, called as
// @forge/manifest calls it: `parse(text)` with default options) and with roa-diff's reader
// (the `yaml_values` example), and prints each file where the two read a different value or
// one of them refuses it, then the counts. Driven by scripts/forge-parser-agreement.sh.
//
//   node forge-parser-agreement.js SCRATCH_DIR YAML_VALUES_BINARY < list-of-files
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const [scratch, binary] = process.argv.slice(2);
const forgeDir = path.join(scratch, "node_modules/@forge/manifest");
// The `yaml` that @forge/manifest itself resolves.
const yaml = require(require.resolve("yaml", { paths: [forgeDir] }));

// Two-file fuzz findings are old<NUL>new: each half is read on its own.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "forge-agreement-"));
const inputs = [];
for (const file of fs.readFileSync(0, "utf8").split("\n").filter(Boolean)) {
  const bytes = fs.readFileSync(file);
  const nul = bytes.indexOf(0);
  if (!/testdata\/fuzz\/(diff_two|render_all)\//.test(file) || nul < 0) {
    inputs.push({ name: file, path: file });
    continue;
  }
  const base = path.join(tmp, file.replace(/\//g, "_"));
  fs.writeFileSync(base + ".old", bytes.subarray(0, nul));
  fs.writeFileSync(base + ".new", bytes.subarray(nul + 1));
  inputs.push({ name: file + " (old)", path: base + ".old" });
  inputs.push({ name: file + " (new)", path: base + ".new" });
}

const run = spawnSync(binary, [], {
  input: inputs.map((i) => i.path).join("\n") + "\n",
  maxBuffer: 1 << 30,
});
if (run.status !== 0) throw new Error(`${binary} failed: ${run.stderr}`);
const roa = run.stdout.toString().split("\n").filter(Boolean).map((l) => JSON.parse(l));

// A canonical text for a value: keys sorted, non-finite floats as YAML writes them.
function canonical(v) {
  if (typeof v === "number" && !Number.isFinite(v)) {
    return JSON.stringify(Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf");
  }
  if (Array.isArray(v)) return "[" + v.map(canonical).join(",") + "]";
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v).sort();
    return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonical(v[k])).join(",") + "}";
  }
  return JSON.stringify(v === undefined ? null : v);
}

// The first place two canonical values differ, for the report.
function firstDifference(a, b, at) {
  if (canonical(a) === canonical(b)) return null;
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], at ? `${at}.${k}` : k);
      if (d) return d;
    }
  }
  const short = (v) => (v === undefined ? "(absent)" : canonical(v).slice(0, 80));
  return `${at || "(root)"}: roa-diff ${short(a)}, Forge ${short(b)}`;
}

// yaml's warnings (unknown tags, ambiguous anchors) do not change its value.
console.warn = () => {};
process.removeAllListeners("warning");
let agree = 0;
const disagreements = [];
inputs.forEach((input, i) => {
  const ours = roa[i];
  let forge;
  try {
    forge = { value: yaml.parse(fs.readFileSync(input.path, "utf8")) };
  } catch (e) {
    forge = { error: String(e.message).split("\n")[0] };
  }
  let why = null;
  if ("error" in ours && "error" in forge) why = null;
  else if ("error" in ours) why = `roa-diff refuses (${ours.error}), Forge reads it`;
  else if ("error" in forge) why = `Forge refuses (${forge.error}), roa-diff reads it`;
  else why = firstDifference(ours.value, forge.value, "");
  if (why) disagreements.push(`${input.name}\t${why}`);
  else agree += 1;
});
for (const d of disagreements) console.log(d);
console.log(`${inputs.length} inputs: ${agree} read alike, ${disagreements.length} differ`);
fs.rmSync(tmp, { recursive: true, force: true });
