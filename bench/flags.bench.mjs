// `npm run bench` (or `node bench/flags.bench.mjs [--no-build]`): what feature flags cost the server,
// measured on the compiled SDK in luau-web inside the emulated engine, like the specs:
// - real microseconds per flag read (median of rounds): values cached from /flags, and local
//   evaluation (featureFlagsSecureKey), reused and from scratch;
// - /flags requests per 100 player joins with and without local evaluation (virtual clock).
// The Luau half is src/__tests__/bench/flagsBench.ts. Each part runs in a fresh VM (see
// capture.bench.mjs for why).
import { buildTestPlace, runBenchParts, writeJsonIfAsked } from "./benchHarness.mjs";

const PARTS = [
	"readRemote",
	"readRemoteGetFeatureFlag",
	"readRemoteNoEvents",
	"readLocal",
	"readLocalGetFeatureFlag",
	"readLocalFresh",
	"joinsRemote",
	"joinsLocal",
	"joinsLocalUndecided",
];

buildTestPlace();

const { meta, results } = await runBenchParts("the flags benchmark", "flagsBench", "runFlagsBench", PARTS);

// `--json file` (bench/run.mjs's table): write the results there instead of printing them.
if (writeJsonIfAsked({ meta, results })) process.exit(0);

const us = (value) => `${value.toFixed(1).padStart(6)} µs`;
console.log(`Feature flags benchmark (luau-web; median of ${meta.rounds} rounds of ${meta.readsPerRound} reads)`);
console.log("Server cost per flag read, one player, 10 flags, real time (never yields):");
const readRow = (label, value) => console.log(`  ${label.padEnd(57)} ${us(value)}`);
readRow("values from /flags: IsFeatureEnabled", results.readRemote);
readRow("values from /flags: GetFeatureFlag", results.readRemoteGetFeatureFlag);
readRow("values from /flags: IsFeatureEnabled, no events", results.readRemoteNoEvents);
readRow("local evaluation: IsFeatureEnabled", results.readLocal);
readRow("local evaluation: GetFeatureFlag", results.readLocalGetFeatureFlag);
readRow("local evaluation from scratch (an input just changed)", results.readLocalFresh);
console.log(
	"  Reads after the first of each value send no event (deduplicated), so they cost a lookup; local results\n" +
		"  are reused until the player's properties, groups or the definitions change (or after 60 s).",
);
console.log(`/flags requests for ${meta.joins} player joins (2 s apart; default 30 s definitions polling):`);
const joinRow = (label, row) =>
	console.log(
		`  ${label.padEnd(57)} ${String(row.flagsRequests).padStart(4)} /flags, ` +
			`${String(row.definitionsRequests).padStart(2)} definitions polls; ${row.playersWithFlags} players read shop-v2 on`,
	);
joinRow("without local evaluation (preload from /flags)", results.joinsRemote);
joinRow("with local evaluation, every flag decidable", results.joinsLocal);
joinRow("with local evaluation, one flag needs an unknown property", results.joinsLocalUndecided);
