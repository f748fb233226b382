// The feature flag benchmark's Luau half (bench/flags.bench.mjs runs it in the harness): the server's
// real cost per flag read (timed on the harness's wall clock around PostHog:IsFeatureEnabled and
// GetFeatureFlag on a real server peer), for values cached from /flags and for local evaluation, and
// the /flags requests 100 player joins cost with and without local evaluation (virtual clock, fake
// PostHog over loopback). Not a spec.

import { HttpService } from "@rbxts/services";
import { World } from "../support/emulator";
import { FakePostHog } from "../support/fakePostHog";
import { aFlag, definitionsBody, WireFlag } from "../support/flags";
import { PostHogApi } from "../support/sdk";
import { median, withBenchServer } from "./benchServer";

/** Timed rounds after one warm-up round. */
const ROUNDS = 31;
const READS_PER_ROUND = 200;
const JOINS = 100;

/** Ten flags of the usual kinds: on/off, rollouts, targeting by country and account age, variants. */
const FLAG_KEYS = ["shop-v2", "beta", "uk-event", "veteran-bonus", "checkout", "f6", "f7", "f8", "f9", "f10"];

function definitions(): WireFlag[] {
	const checkout: WireFlag = {
		key: "checkout",
		id: 5,
		active: true,
		filters: {
			groups: [{ properties: [], rollout_percentage: 80 }],
			multivariate: {
				variants: [
					{ key: "control", rollout_percentage: 50 },
					{ key: "test", rollout_percentage: 50 },
				],
			},
			payloads: { test: '{"theme":"dark","maxItems":5}' },
		},
	};
	return [
		aFlag("shop-v2", [], 100, 1),
		aFlag("beta", [], 30, 2),
		aFlag("uk-event", [{ key: "country_code", value: ["GB", "IE"], operator: "exact" }], 100, 3),
		aFlag("veteran-bonus", [{ key: "account_age_days", value: 365, operator: "gt" }], 50, 4),
		checkout,
		aFlag("f6", [{ key: "membership_type", value: "Premium" }], 100, 6),
		aFlag("f7", [], 10, 7),
		aFlag("f8", [], 90, 8),
		aFlag("f9", [{ key: "country_code", value: "US", operator: "is_not" }], 100, 9),
		aFlag("f10", [], 0, 10),
	];
}

/** What /flags answers for every player: the same ten flags. */
const REMOTE_FLAGS = {
	"shop-v2": true,
	beta: false,
	"uk-event": false,
	"veteran-bonus": true,
	checkout: { enabled: true, variant: "test", payload: { theme: "dark", maxItems: 5 } },
	f6: false,
	f7: false,
	f8: true,
	f9: true,
	f10: false,
};

function withServer<T>(
	overrides: Record<string, unknown>,
	body: (world: World, PostHog: PostHogApi, fake: FakePostHog) => T,
): T {
	const init = {
		captureLifecycleEvents: false,
		captureErrors: false,
		enableClientRelay: false,
		flushAt: 1_000_000,
		maxQueueSize: 1_000_000,
		flushIntervalSeconds: 3600,
		...overrides,
	};
	const prepareFake = (fake: FakePostHog) => {
		fake.flags({ flags: REMOTE_FLAGS });
		fake.definitions(definitionsBody(definitions()));
	};
	return withBenchServer({ init, prepareFake, settleSeconds: 0.5 }, body);
}

/** Median real microseconds per read of `read(player, key)` for one joined player, flags loaded. */
function readCost(
	overrides: Record<string, unknown>,
	read: (PostHog: PostHogApi, player: Player, key: string) => void,
	beforeRound?: (PostHog: PostHogApi, player: Player) => void,
): number {
	return withServer(overrides, (world, PostHog, fake) => {
		const client = world.joinPlayer({ userId: 501, country: "GB", accountAge: 800 });
		world.runFor(1);
		const isLocal = overrides.featureFlagsSecureKey !== undefined;
		assert(fake.requests("flags").size() === (isLocal ? 0 : 1), "the player's flags are loaded as expected");
		const samples = new Array<number>();
		for (let round = 0; round <= ROUNDS; round++) {
			beforeRound?.(PostHog, client.player);
			const started = os.clock();
			for (let index = 0; index < READS_PER_ROUND; index++) {
				read(PostHog, client.player, FLAG_KEYS[index % FLAG_KEYS.size()]);
			}
			const seconds = os.clock() - started;
			// Round 0 warms up (first evaluation, first $feature_flag_called of each flag).
			if (round > 0) samples.push((seconds / READS_PER_ROUND) * 1e6);
		}
		return median(samples);
	});
}

/** Median real microseconds of one flag evaluated from scratch (the first read after an input changed). */
function freshLocalEvaluationCost(): number {
	return withServer({ featureFlagsSecureKey: "phs_bench" }, (world, PostHog) => {
		const client = world.joinPlayer({ userId: 501, country: "GB", accountAge: 800 });
		world.runFor(1);
		const samples = new Array<number>();
		for (let round = 0; round <= ROUNDS * 4; round++) {
			// A new input: every flag's next read evaluates again.
			PostHog.SetPersonPropertiesForFlags(client.player, { round }, false);
			const started = os.clock();
			for (const key of FLAG_KEYS) PostHog.IsFeatureEnabled(client.player, key);
			const seconds = os.clock() - started;
			if (round > 0) samples.push((seconds / FLAG_KEYS.size()) * 1e6);
		}
		return median(samples);
	});
}

interface JoinCost {
	flagsRequests: number;
	definitionsRequests: number;
	/** Players whose "shop-v2" read true right after the joins settled. */
	playersWithFlags: number;
}

/** /flags and definitions requests while JOINS players join, 2 s apart (virtual time). */
function joinCost(overrides: Record<string, unknown>, flags?: WireFlag[]): JoinCost {
	return withServer(overrides, (world, PostHog, fake) => {
		if (flags !== undefined) {
			fake.definitions(definitionsBody(flags));
			world.runFor(31);
		}
		fake.clear();
		for (let index = 1; index <= JOINS; index++) {
			world.joinPlayer({ userId: 10_000 + index, country: index % 3 === 0 ? "GB" : "US" });
			world.runFor(2);
		}
		world.runFor(5);
		let playersWithFlags = 0;
		for (const client of world.clients) if (PostHog.IsFeatureEnabled(client.player, "shop-v2")) playersWithFlags += 1;
		return {
			flagsRequests: fake.requests("flags").size(),
			definitionsRequests: fake.requests("definitions").size(),
			playersWithFlags,
		};
	});
}

/** Runs one named part; returns `{ part, rounds, readsPerRound, joins, result }` as JSON. */
export function runFlagsBench(part: string): string {
	const localEvaluation = { featureFlagsSecureKey: "phs_bench" };
	let result: unknown;
	if (part === "readRemote") result = readCost({}, (PostHog, player, key) => PostHog.IsFeatureEnabled(player, key));
	else if (part === "readRemoteGetFeatureFlag") {
		result = readCost({}, (PostHog, player, key) => PostHog.GetFeatureFlag(player, key));
	} else if (part === "readRemoteNoEvents") {
		result = readCost({ sendFeatureFlagEvents: false }, (PostHog, player, key) =>
			PostHog.IsFeatureEnabled(player, key),
		);
	} else if (part === "readLocal") {
		result = readCost(localEvaluation, (PostHog, player, key) => PostHog.IsFeatureEnabled(player, key));
	} else if (part === "readLocalGetFeatureFlag") {
		result = readCost(localEvaluation, (PostHog, player, key) => PostHog.GetFeatureFlag(player, key));
	} else if (part === "readLocalFresh") result = freshLocalEvaluationCost();
	else if (part === "joinsRemote") result = joinCost({});
	else if (part === "joinsLocal") result = joinCost(localEvaluation);
	else if (part === "joinsLocalUndecided") {
		// One flag targets a property the SDK never has: every join asks /flags for it.
		result = joinCost(localEvaluation, [
			...definitions(),
			aFlag("needs-plan", [{ key: "plan", value: "pro" }], 100, 11),
		]);
	} else error(`unknown benchmark part "${part}"`);
	return HttpService.JSONEncode({ part, rounds: ROUNDS, readsPerRound: READS_PER_ROUND, joins: JOINS, result });
}
