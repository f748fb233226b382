// `npm run adapter -- --port 8080 [--bind 0.0.0.0] [--sdk auto|model|test] [--allow-host mock-server]...
// [--quiet]`: the PostHog compliance adapter (adapter.mjs) as a command. See adapter/README.md.
import { parseArgs } from "node:util";
import { createAdapter } from "./adapter.mjs";

const { values } = parseArgs({
	options: {
		port: { type: "string", default: "8080" },
		bind: { type: "string", default: "0.0.0.0" },
		sdk: { type: "string", default: "auto" },
		"allow-host": { type: "string", multiple: true, default: [] },
		quiet: { type: "boolean", default: false },
	},
});

const adapter = await createAdapter({
	sdk: values.sdk,
	allowHosts: values["allow-host"],
	echoWorldOutput: !values.quiet,
});
const port = await adapter.listen(Number(values.port), values.bind);
console.log(`PostHog compliance adapter on http://${values.bind}:${port}, SDK build ${adapter.build.label}`);
if (values["allow-host"].length > 0) console.log(`HTTP beyond loopback allowed to: ${values["allow-host"].join(", ")}`);
for (const signal of ["SIGINT", "SIGTERM"]) {
	process.once(signal, async () => {
		await adapter.close();
		process.exit(0);
	});
}
