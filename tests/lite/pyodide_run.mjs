// Run a Python file in Pyodide (the Python of xlwings Lite) under Node, offline, with wheels installed from local files.
//   node tests/lite/pyodide_run.mjs HOST_DIR SCRIPT.py WHEEL...
// HOST_DIR is mounted at /host; every wheel is installed by its file with deps=False (never from an index), and the
// script checks what got installed. Any error Pyodide reports, even one it would otherwise pass over, exits 1.
import { loadPyodide } from "pyodide";
import { basename, relative, resolve } from "node:path";

const [hostDir, script, ...wheels] = process.argv.slice(2);
const problems = [];
const started = Date.now();
const py = await loadPyodide({ stdout: (s) => console.log(s), stderr: (s) => console.error(s), errorCallback: (s) => problems.push(s) });
py.FS.mkdir("/host");
py.FS.mount(py.FS.filesystems.NODEFS, { root: hostDir }, "/host");
const micropip = wheels.find((w) => basename(w).startsWith("micropip-"));
await py.loadPackage(micropip, { errorCallback: (s) => problems.push(s) });
if (problems.length) { console.error("Pyodide could not load micropip:", problems.join("\n")); process.exit(1); }
py.globals.set("wheels", wheels.filter((w) => w !== micropip).map((w) => "emfs:/host/" + relative(resolve(hostDir), resolve(w))));
await py.runPythonAsync(`
import micropip
for wheel in wheels.to_py():
    await micropip.install(wheel, deps=False)
`);
console.error(`pyodide: started and installed ${wheels.length} wheels in ${((Date.now() - started) / 1000).toFixed(1)} s`);
try {
  await py.runPythonAsync(`exec(compile(open(${JSON.stringify(script)}).read(), ${JSON.stringify(script)}, "exec"), {"__name__": "__main__"})`);
} catch (err) {
  console.error(String(err));
  process.exit(1);
}
if (problems.length) { console.error("Pyodide reported errors:", problems.join("\n")); process.exit(1); }
process.exit(0);
