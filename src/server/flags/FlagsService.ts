// Feature flags per subject on the server (roblox-sdk-docs "Feature flags"; posthog-protocol §9, §10,
// §12): preloads a player's flags when they join, keeps them per distinct id until the player leaves,
// and answers reads without ever yielding, from local evaluation (with featureFlagsSecureKey) or the
// last /flags answer. Loads of one subject are coalesced; /flags and definitions requests draw from
// the SDK's HTTP budget; `$feature_flag_called` goes out once per (distinct id, flag, value, groups).
//
// PostHogServer.Init creates it, registers it with PlayersBridge (attach) and starts the definitions
// polling (start); Shutdown stops it. The parts: DefinitionsSync (definitions), SubjectFlagRecords
// (per-subject state), FlagLoader (loads), LocalEvaluator and CallEvaluation (reads with options).

import {
	buildFeatureFlagCalledProperties,
	isMinimalFlagCalledEvent,
	MINIMAL_FLAG_CALLED_PROPERTIES,
} from "../../core/flags/buildFeatureFlagCalledProperties";
import { FeatureFlagCalledTracker } from "../../core/flags/FeatureFlagCalledTracker";
import { FlagValue } from "../../core/flags/FlagDefinition";
import { lookupCountryCode } from "../../engine/playerFacts";
import { PlayersBridge } from "../../engine/PlayersBridge";
import { KnownSubject, ServerRuntime } from "../ServerRuntime";
import { CallEvaluation } from "./CallEvaluation";
import { DefinitionsSync } from "./DefinitionsSync";
import { assign, assignGroup, groupsWithCall } from "./evaluationInputs";
import { FeatureFlag } from "./FeatureFlag";
import { FeatureFlagOptions } from "./FeatureFlagOptions";
import { FlagLoader } from "./FlagLoader";
import { FlagRead, loadedRead, localRead } from "./FlagRead";
import { FlagsRequester } from "./FlagsRequester";
import { LocalEvaluator } from "./LocalEvaluator";
import { SubjectFlagRecords } from "./SubjectFlagRecords";

/** Longest a join waits for the player's country before loading their flags without it. */
export const FLAGS_COUNTRY_WAIT_SECONDS = 2;
/** Longest a join waits for the first flag definitions (local evaluation) before asking PostHog. */
export const FIRST_DEFINITIONS_WAIT_SECONDS = 3;

function isEnabledValue(value: FlagValue): boolean {
	return typeIs(value, "string") ? value !== "" : value;
}

export class FlagsService {
	private readonly tracker = new FeatureFlagCalledTracker();
	private readonly records: SubjectFlagRecords;
	private readonly definitions: DefinitionsSync;
	private readonly localEvaluator: LocalEvaluator;
	private readonly loader: FlagLoader;
	private readonly callEvaluation: CallEvaluation;

	constructor(private readonly runtime: ServerRuntime) {
		const requester = new FlagsRequester(runtime);
		this.records = new SubjectFlagRecords(runtime);
		this.definitions = new DefinitionsSync(runtime, requester.http);
		this.localEvaluator = new LocalEvaluator(runtime, this.records);
		this.loader = new FlagLoader(runtime, this.records, this.definitions, this.localEvaluator, requester);
		this.callEvaluation = new CallEvaluation(runtime, this.records, this.definitions, requester, (subject, key) =>
			this.read(subject, key),
		);
	}

	/** Registers the join (preload) and leave (drop) listeners. */
	attach(bridge: PlayersBridge) {
		bridge.onJoin((player) => this.playerJoined(player));
		bridge.onLeave((player) => this.records.dropPlayer(player));
	}

	/** Starts polling the flag definitions (with featureFlagsSecureKey). */
	start() {
		this.definitions.start();
	}

	/**
	 * At server close: stops sharing the flag definitions and hands the lease to another server now,
	 * rather than when it runs out. YIELDS for one storage call at most; never throws.
	 */
	handOverDefinitions() {
		this.definitions.handOver();
	}

	/** Stops polling and forgets every subject (Shutdown). Loads in flight finish without storing. */
	stop() {
		// Records first: ending the first poll's wait resumes the waiting joins at once, and they must
		// find the records stopped.
		this.records.stop();
		this.definitions.stop();
		this.tracker.reset();
	}

	/**
	 * IsFeatureEnabled: never yields without `options` (see CallEvaluation). `defaultValue` answers
	 * while nothing is loaded.
	 */
	isFeatureEnabled(
		subject: KnownSubject,
		key: string,
		defaultValue: boolean | undefined,
		options?: FeatureFlagOptions,
	): boolean {
		const read = this.readOrEvaluate(subject, key, options);
		this.reportCall(subject, read, options);
		if (read.kind === "value") return isEnabledValue(read.value);
		if (read.kind === "missing" && read.isLoaded) return false;
		return defaultValue ?? false;
	}

	/** GetFeatureFlag: never yields without `options` (see CallEvaluation); a flag without a value reads as false. */
	getFeatureFlag(subject: KnownSubject, key: string, options?: FeatureFlagOptions): FeatureFlag {
		const read = this.readOrEvaluate(subject, key, options);
		this.reportCall(subject, read, options);
		if (read.kind !== "value") return { key, value: false, isEnabled: false };
		const value = read.value;
		return {
			key,
			value,
			isEnabled: isEnabledValue(value),
			variant: typeIs(value, "string") ? value : undefined,
			payload: read.payload,
		};
	}

	/** GetFeatureFlagPayload: never yields without `options` (see CallEvaluation), sends no event. */
	getFeatureFlagPayload(subject: KnownSubject, key: string, options?: FeatureFlagOptions): unknown {
		const read = this.readOrEvaluate(subject, key, options);
		return read.kind === "value" ? read.payload : undefined;
	}

	/** ReloadFeatureFlags: YIELDS until the subject's flags are loaded; whether that succeeded. */
	reload(subject: KnownSubject): boolean {
		const record = this.records.recordFor(subject);
		if (record === undefined) return false;
		const result = this.loader.requestLoad(record).wait();
		return result.done && result.value;
	}

	/** Merges person properties for the subject's flags; reloads them in the background unless told not to. */
	setPersonProperties(subject: KnownSubject, properties: Record<string, unknown> | undefined, reload: boolean) {
		const record = this.records.recordFor(subject);
		if (record === undefined) return;
		assign(record.personOverrides, properties);
		record.inputsVersion += 1;
		if (reload) this.loader.requestLoad(record);
	}

	/** Merges one group type's properties for the subject's flags; reloads unless told not to. */
	setGroupProperties(
		subject: KnownSubject,
		groupType: string,
		properties: Record<string, unknown> | undefined,
		reload: boolean,
	) {
		const record = this.records.recordFor(subject);
		if (record === undefined) return;
		assignGroup(record.groupOverrides, groupType, properties);
		record.inputsVersion += 1;
		if (reload) this.loader.requestLoad(record);
	}

	/**
	 * Group(subject, type, key, properties?) ran; the subject's groups already say `groupKey`, and said
	 * `previousKey` before. The properties describe that group for flag evaluation; those set for
	 * another group of the type are dropped. A subject whose flags were loaded gets them reloaded when
	 * anything changed.
	 */
	onGroup(
		subject: KnownSubject,
		groupType: string,
		groupKey: string,
		previousKey: string | undefined,
		properties: Record<string, unknown> | undefined,
	) {
		const isNewGroup = previousKey !== groupKey;
		if (!isNewGroup && properties === undefined) return;
		// Without properties to keep and without a record, nothing was loaded: the membership itself
		// lives in the subject's state.
		if (properties === undefined && !this.records.has(subject.distinctId)) return;
		const record = this.records.recordFor(subject);
		if (record === undefined) return;
		if (isNewGroup && previousKey !== undefined) delete record.groupOverrides[groupType];
		if (properties !== undefined) assignGroup(record.groupOverrides, groupType, properties);
		record.inputsVersion += 1;
		const isLoaded = this.records.cache.get(record.distinctId) !== undefined;
		if (isLoaded || record.running !== undefined) this.loader.requestLoad(record);
	}

	/** Identify's `$set` also describes the person for flag evaluation (no reload: the next load uses it). */
	onIdentify(subject: KnownSubject, set: Record<string, unknown> | undefined) {
		if (set === undefined) return;
		const record = this.records.recordFor(subject);
		if (record === undefined) return;
		assign(record.personOverrides, set);
		record.inputsVersion += 1;
	}

	/** Join listener (own thread): the country first, then the preload. */
	private playerJoined(player: Player) {
		const { records } = this;
		const record = records.recordFor({ kind: "player", distinctId: tostring(player.UserId), player });
		if (record === undefined) return;
		if (this.runtime.config.sendDefaultPersonPropertiesForFlags) {
			lookupCountryCode(player, FLAGS_COUNTRY_WAIT_SECONDS, (countryCode) => {
				if (countryCode === undefined || countryCode === record.countryCode || !records.isLive(record)) return;
				record.countryCode = countryCode;
				record.inputsVersion += 1;
			});
		}
		if (!this.runtime.config.preloadFeatureFlags || !records.isLive(record)) return;
		this.definitions.waitForFirstPoll(FIRST_DEFINITIONS_WAIT_SECONDS);
		if (records.isLive(record)) this.loader.requestLoad(record);
	}

	/** The subject's value of `key` now: local evaluation first, then the last load. Never yields. */
	private read(subject: KnownSubject, key: string): FlagRead {
		const distinctId = subject.distinctId;
		const definitions = this.definitions.getDefinitions();
		const definition = definitions?.flagsByKey.get(key);
		if (definitions !== undefined && definition !== undefined) {
			const result = this.localEvaluator.evaluate(distinctId, definitions, definition);
			if (result.kind === "value") {
				return localRead(result, definitions, definition, this.definitions.getLoadedAtMillis());
			}
		}
		return loadedRead(this.records.cache.get(distinctId), key, definitions);
	}

	private readOrEvaluate(subject: KnownSubject, key: string, options: FeatureFlagOptions | undefined): FlagRead {
		return options === undefined ? this.read(subject, key) : this.callEvaluation.evaluate(subject, key, options);
	}

	/**
	 * `$feature_flag_called` for a value read, once per (distinct id, flag, value, groups); a read's
	 * own groups count, and are the event's `$groups`.
	 */
	private reportCall(subject: KnownSubject, read: FlagRead, options?: FeatureFlagOptions) {
		if (!this.runtime.config.sendFeatureFlagEvents || read.kind === "notLoaded") return;
		const state = this.runtime.states.get(subject.distinctId);
		if (state?.optedOut) return;
		const call = read.call;
		const groups = groupsWithCall(state?.groups, options);
		const isNew = this.tracker.shouldCapture({
			distinctId: subject.distinctId,
			flagKey: call.flagKey,
			value: call.value,
			groups,
		});
		if (!isNew) return;
		const sdkProperties = buildFeatureFlagCalledProperties(call);
		if (options?.groups !== undefined && groups !== undefined && next(groups)[0] !== undefined) {
			sdkProperties.$groups = table.clone(groups);
		}
		this.runtime.capture(subject, "$feature_flag_called", undefined, {
			sdkProperties,
			keepOnly: isMinimalFlagCalledEvent(call) ? MINIMAL_FLAG_CALLED_PROPERTIES : undefined,
		});
	}
}
