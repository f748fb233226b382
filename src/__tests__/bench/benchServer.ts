// What the Luau halves of the benchmarks share: a server with the SDK installed and initialized
// against a fake PostHog (torn down afterwards), and the median of timing samples.

import { createWorld, Peer, World } from "../support/emulator";
import { FakePostHog } from "../support/fakePostHog";
import { PostHogApi, startSdkServer, testOptions } from "../support/sdk";

export function median(values: ReadonlyArray<number>): number {
	const sorted = [...values];
	sorted.sort((a, b) => a < b);
	return sorted[math.floor(sorted.size() / 2)];
}

export interface BenchServerOptions {
	/** Init options on top of the test key and the fake's host. */
	init: Record<string, unknown>;
	/** Configures the fake before Init (flags, definitions). */
	prepareFake?: (fake: FakePostHog) => void;
	/** World time to run after Init, before `body`. @default 0 */
	settleSeconds?: number;
}

/** Runs `body` with a fresh world whose server has the SDK initialized; always destroys both after. */
export function withBenchServer<T>(
	options: BenchServerOptions,
	body: (world: World, PostHog: PostHogApi, fake: FakePostHog, server: Peer) => T,
): T {
	const world = createWorld();
	const fake = FakePostHog.create();
	try {
		options.prepareFake?.(fake);
		const { PostHog, server } = startSdkServer(world);
		PostHog.Init(testOptions(fake, options.init));
		if (options.settleSeconds !== undefined) world.runFor(options.settleSeconds);
		return body(world, PostHog, fake, server);
	} finally {
		world.destroy();
		fake.close();
	}
}
