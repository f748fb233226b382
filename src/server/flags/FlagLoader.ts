// Loads a subject's flags into the cache: every flag the definitions decide is evaluated locally, and
// one /flags request (within the HTTP budget) asks PostHog for the rest. Loads of one subject are
// coalesced: one runs at a time, and a load asked for with newer inputs waits for it.

import { CachedFlag } from "../../core/flags/PlayerFlagCache";
import { Completion } from "../../engine/Completion";
import { ServerRuntime } from "../ServerRuntime";
import { DefinitionsSync } from "./DefinitionsSync";
import { evaluationInputs } from "./evaluationInputs";
import { FlagsRequester } from "./FlagsRequester";
import { LocalEvaluator } from "./LocalEvaluator";
import { Load, SubjectFlagRecords, SubjectFlags } from "./SubjectFlagRecords";

export class FlagLoader {
	constructor(
		private readonly runtime: ServerRuntime,
		private readonly records: SubjectFlagRecords,
		private readonly definitions: DefinitionsSync,
		private readonly localEvaluator: LocalEvaluator,
		private readonly requester: FlagsRequester,
	) {}

	/** The load in flight when it covers the current inputs, else the next one (started or queued). */
	requestLoad(record: SubjectFlags): Completion<boolean> {
		const running = record.running;
		if (running === undefined) return this.startLoad(record, new Completion()).done;
		if (running.inputsVersion === record.inputsVersion) return running.done;
		record.queued ??= new Completion();
		return record.queued;
	}

	private startLoad(record: SubjectFlags, done: Completion<boolean>): Load {
		const load: Load = { done, inputsVersion: record.inputsVersion };
		record.running = load;
		this.runtime.platform.scheduler.spawn(() => {
			const [ok, loaded] = pcall(() => this.load(record));
			if (!ok) {
				this.runtime.logger.throttled("error", "API_INTERNAL_ERROR", {
					method: "feature flag load",
					error: tostring(loaded),
				});
			}
			record.running = undefined;
			const queued = record.queued;
			record.queued = undefined;
			if (queued !== undefined) {
				if (this.records.isLive(record)) this.startLoad(record, queued);
				else queued.complete(false);
			}
			done.complete(ok && loaded === true);
		});
		return load;
	}

	/**
	 * Evaluates every flag it can locally and asks PostHog (one /flags request for all flags) only when
	 * something is left undecided. YIELDS during the request. Returns whether the flags are loaded.
	 */
	private load(record: SubjectFlags): boolean {
		const { runtime } = this;
		const { cache } = this.records;
		const { clock } = runtime.platform;
		const distinctId = record.distinctId;
		if (runtime.states.get(distinctId)?.optedOut) {
			runtime.logger.debug("FLAGS_OPTED_OUT", { distinctId });
			return false;
		}
		const inputs = evaluationInputs(runtime, record, distinctId);
		const definitions = this.definitions.getDefinitions();
		let localCount = 0;
		if (definitions !== undefined) {
			const decided = new Map<string, CachedFlag>();
			let undecided = 0;
			// Through the reads' path, so the reads that follow reuse these results.
			for (const definition of definitions.flags) {
				const result = this.localEvaluator.evaluate(distinctId, definitions, definition);
				if (result.kind !== "value") {
					undecided += 1;
					continue;
				}
				decided.set(definition.key, {
					value: result.value,
					payload: result.payload,
					id: definition.id,
					hasExperiment: definition.hasExperiment,
					locallyEvaluated: true,
				});
			}
			cache.applyLocal(distinctId, decided, clock.nowMillis());
			localCount = decided.size();
			if (undecided === 0) {
				runtime.logger.debug("FLAGS_EVALUATED_LOCALLY", { distinctId, count: localCount });
				return true;
			}
		}
		const result = this.requester.send(distinctId, inputs, { geoipDisable: runtime.config.disableGeoip });
		if (result === undefined) return false;
		// The player left, or the SDK shut down, while the request was out: nothing to store it in.
		if (!this.records.isLive(record)) return false;
		if (result.kind === "error") {
			cache.recordError(distinctId, result.error);
			runtime.logger.throttled("warn", "FLAGS_REQUEST_FAILED", { distinctId, error: result.error });
			return false;
		}
		cache.applyRemote(distinctId, result.response, { nowMillis: clock.nowMillis() });
		runtime.logger.debug("FLAGS_LOADED", { distinctId, count: result.response.flags.size(), local: localCount });
		return true;
	}
}
