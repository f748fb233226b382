// `npm run bench relay` (or `node bench/relay.bench.mjs [--no-build]`): the client relay's costs, measured
// on the compiled SDK in luau-web inside the emulated engine, like the specs:
// - server cost per accepted, rate-limited and invalid relayed message (real microseconds, median
//   of rounds), timed around the relay's OnServerEvent handler;
// - RemoteEvent fires per 1,000 client captures at several capture rates (virtual clock).
// The Luau half is src/__tests__/bench/relayBench.ts. Numbers from luau-web are slower than
// Roblox's Luau (no native code generation); compare them with each other, across commits.
import { buildTestPlace, runBenchFunction, writeJsonIfAsked } from "./benchHarness.mjs";

buildTestPlace();
const result = await runBenchFunction("the relay benchmark", "relayBench", "runRelayBench");
// `--json file` (bench/run.mjs's table): write the results there instead of printing them.
if (writeJsonIfAsked({ result })) process.exit(0);

const us = (value) => `${value.toFixed(1).padStart(6)} µs`;
console.log(
	`Client relay benchmark (luau-web; median of ${result.rounds} rounds of ${result.messagesPerRound} messages)`,
);
console.log("Server cost per relayed message (OnServerEvent handler, real time):");
console.log(`  accepted (capture, 7 properties: validate, build, queue) ${us(result.acceptedMicroseconds)}`);
console.log(`    of which validation (acceptClientEnvelope)              ${us(result.validationMicroseconds)}`);
console.log(`    (PostHog:Capture of the same event on the server)       ${us(result.serverCaptureMicroseconds)}`);
console.log(`  rejected: rate-limited                                  ${us(result.rateLimitedMicroseconds)}`);
console.log(`  rejected: invalid (1,100 properties, $ name, NaN, spoof) ${us(result.invalidMicroseconds)}`);
console.log("RemoteEvent fires per 1,000 client captures:");
for (const row of result.fires) {
	const rate = `${row.capturesPerSecond} captures/s`.padEnd(18);
	console.log(`  ${rate} ${String(row.fires).padStart(4)} fires, ${row.delivered} captures accepted by the server`);
}
