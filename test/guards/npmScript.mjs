// Runs one package.json script the way CI does, capturing its output instead of printing it.
import { spawn } from "node:child_process";

/** @returns {Promise<{ ok: boolean, output: string, ms: number }>} */
export function npmScript(cwd, script, ...args) {
	const started = performance.now();
	const extra = args.length > 0 ? ["--", ...args] : [];
	return new Promise((resolve) => {
		const child = spawn("npm", ["run", "--silent", script, ...extra], { cwd });
		let output = "";
		child.stdout.on("data", (chunk) => (output += chunk));
		child.stderr.on("data", (chunk) => (output += chunk));
		child.on("error", (error) => (output += String(error)));
		child.on("close", (code) => {
			// npm's own config warnings say nothing about the check.
			const lines = output.split("\n").filter((line) => !line.startsWith("npm warn"));
			resolve({ ok: code === 0, output: lines.join("\n").trim(), ms: performance.now() - started });
		});
	});
}
