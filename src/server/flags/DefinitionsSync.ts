// The flag definitions for local evaluation (with featureFlagsSecureKey): polls them with
// FlagDefinitionsPoller, or shares the polls with the experience's other servers through
// SharedDefinitions (shareFlagDefinitions). Without the key there is nothing to poll and no definitions.

import { RunService } from "@rbxts/services";
import { FlagDefinitions } from "../../core/flags/FlagDefinition";
import { FlagDefinitionsPoller } from "../../core/flags/FlagDefinitionsPoller";
import { SharedDefinitions } from "../../core/flags/SharedDefinitions";
import { Cancel, HttpClient } from "../../core/platform";
import { Completion } from "../../engine/Completion";
import { ServerRuntime } from "../ServerRuntime";

export class DefinitionsSync {
	private readonly poller?: FlagDefinitionsPoller;
	private readonly shared?: SharedDefinitions;
	/** Completes when the first definitions poll ended (whatever its outcome). */
	private readonly firstPoll = new Completion<boolean>();
	private cancelPoll?: Cancel;
	private isStopped = false;

	/** `http` is the budgeted client every flags request goes through. */
	constructor(
		private readonly runtime: ServerRuntime,
		http: HttpClient,
	) {
		const { platform, config } = runtime;
		const secretKey = config.featureFlagsSecureKey;
		if (secretKey === undefined) return;
		this.poller = new FlagDefinitionsPoller(
			{
				host: config.host,
				projectApiKey: config.apiKey,
				secretKey,
				pollIntervalSeconds: config.featureFlagsPollIntervalSeconds,
			},
			{ ...platform, http, logger: runtime.logger },
		);
		// Studio runs one server, which has nobody to share with.
		const storage = platform.storage;
		if (config.shareFlagDefinitions && storage !== undefined && !RunService.IsStudio()) {
			this.shared = new SharedDefinitions(
				this.poller,
				{
					host: config.host,
					projectApiKey: config.apiKey,
					pollIntervalSeconds: config.featureFlagsPollIntervalSeconds,
				},
				{ ...platform, storage, logger: runtime.logger },
			);
		}
	}

	/** The definitions held now, if any. */
	getDefinitions(): FlagDefinitions | undefined {
		return this.poller?.getDefinitions();
	}

	/** When the definitions held were loaded (unix milliseconds). */
	getLoadedAtMillis(): number | undefined {
		return this.poller?.getLoadedAtMillis();
	}

	/** YIELDS until the first poll ended, `timeoutSeconds` at most; returns at once when nothing is polled. */
	waitForFirstPoll(timeoutSeconds: number) {
		if (this.poller !== undefined) this.firstPoll.wait(timeoutSeconds);
	}

	/**
	 * Starts polling. The loop is driven here, not by poller.start(), so joins can wait for the first
	 * poll to end.
	 */
	start() {
		if (this.poller === undefined) return;
		this.runtime.platform.scheduler.spawn(() => this.poll());
	}

	/**
	 * At server close: stops sharing the definitions and hands the lease to another server now, rather
	 * than when it runs out. YIELDS for one storage call at most; never throws.
	 */
	handOver() {
		const shared = this.shared;
		if (shared !== undefined) pcall(() => shared.stop());
	}

	/** Stops polling (Shutdown); the definitions held stay. Wakes the joins waiting for the first poll. */
	stop() {
		this.isStopped = true;
		this.cancelPoll?.();
		this.cancelPoll = undefined;
		const shared = this.shared;
		if (shared !== undefined) this.runtime.platform.scheduler.spawn(() => shared.stop());
		this.firstPoll.complete(false);
	}

	/**
	 * One definitions poll, then the next after the poller's delay (longer while failing); or, when
	 * sharing, one round of SharedDefinitions every interval.
	 */
	private poll() {
		const poller = this.poller;
		if (poller === undefined || this.isStopped) return;
		let delaySeconds: number;
		if (this.shared !== undefined) {
			delaySeconds = this.shared.tick();
		} else {
			poller.pollNow();
			delaySeconds = poller.nextDelaySeconds();
		}
		this.firstPoll.complete(true);
		if (this.isStopped) return;
		this.cancelPoll = this.runtime.platform.scheduler.delay(delaySeconds, () => this.poll());
	}
}
