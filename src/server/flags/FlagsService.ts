// Feature flags per subject on the server (roblox-sdk-docs "Feature flags"; posthog-protocol §9, §10,
// §12): preloads a player's flags when they join, keeps them per distinct id until the player leaves,
// and answers reads without ever yielding, from local evaluation (with featureFlagsSecureKey) or the
// last /flags answer. Loads of one subject are coalesced; /flags and definitions requests draw from
// the SDK's HTTP budget; `$feature_flag_called` goes out once per (distinct id, flag, value, groups).
//
// PostHogServer.Init creates it, registers it with PlayersBridge (attach) and starts the definitions
// polling (start); Shutdown stops it.

import { RunService } from "@rbxts/services";
import { buildDefaultPersonProperties } from "../../core/flags/buildDefaultPersonProperties";
import {
	buildFeatureFlagCalledProperties,
	FeatureFlagCall,
	isMinimalFlagCalledEvent,
	MINIMAL_FLAG_CALLED_PROPERTIES,
} from "../../core/flags/buildFeatureFlagCalledProperties";
import { buildFlagsRequest } from "../../core/flags/buildFlagsRequest";
import {
	evaluateFlagLocally,
	LocalEvaluationCache,
	LocalEvaluationInput,
	LocalFlagResult,
} from "../../core/flags/evaluateFlagLocally";
import { FeatureFlagCalledTracker } from "../../core/flags/FeatureFlagCalledTracker";
import { fetchFlags } from "../../core/flags/fetchFlags";
import { FlagDefinition, FlagDefinitions, FlagValue } from "../../core/flags/FlagDefinition";
import { FlagDefinitionsPoller } from "../../core/flags/FlagDefinitionsPoller";
import { SharedDefinitions } from "../../core/flags/SharedDefinitions";
import { CachedFlag, PlayerFlagCache } from "../../core/flags/PlayerFlagCache";
import { Cancel, HttpClient } from "../../core/platform";
import { Completion } from "../../engine/Completion";
import { lookupCountryCode, readJoinFacts } from "../../engine/playerFacts";
import { PlayersBridge } from "../../engine/PlayersBridge";
import { KnownSubject, ServerRuntime } from "../ServerRuntime";
import { FeatureFlag } from "./FeatureFlag";
import { FeatureFlagOptions } from "./FeatureFlagOptions";

/** Longest a join waits for the player's country before loading their flags without it. */
export const FLAGS_COUNTRY_WAIT_SECONDS = 2;
/** Longest a join waits for the first flag definitions (local evaluation) before asking PostHog. */
export const FIRST_DEFINITIONS_WAIT_SECONDS = 3;
/** Most subjects other than connected players (UserIds, strings, the server) whose flag state is kept. */
export const MAX_AD_HOC_FLAG_SUBJECTS = 1000;
/** Local results are reused this long at most, so relative date filters ("-7d") stay current. */
const LOCAL_RESULTS_MAX_AGE_SECONDS = 60;

const BUDGET_ERROR = "the SDK's HTTP budget (maxRequestsPerMinute) is used up";

/** One subject's flag inputs and loads. Players' records live from join to leave. */
interface SubjectFlags {
	readonly distinctId: string;
	/** The connected player this record belongs to; undefined for other subjects. */
	readonly player?: Player;
	/** Player.AccountAge and subscription, read when the record is created. */
	readonly accountAgeDays?: number;
	readonly hasRobloxSubscription?: boolean;
	countryCode?: string;
	/** SetPersonPropertiesForFlags and Identify's $set, merged. */
	readonly personOverrides: Record<string, unknown>;
	/** SetGroupPropertiesForFlags and Group's properties, per group type. */
	readonly groupOverrides: Record<string, Record<string, unknown>>;
	/** Bumped whenever an input of evaluation changes, so loads and local results know they are stale. */
	inputsVersion: number;
	/** For non-player records: the sequence number of their last use (see FlagsService.useAdHoc). */
	lastUse?: number;
	localResults?: LocalResults;
	running?: Load;
	/** A load asked for while `running` was already using older inputs: it starts when that ends. */
	queued?: Completion<boolean>;
}

interface AdHocUse {
	readonly distinctId: string;
	readonly sequence: number;
}

interface Load {
	readonly done: Completion<boolean>;
	readonly inputsVersion: number;
}

/** Local results for one set of inputs and definitions (dependencies included), reused by reads. */
interface LocalResults {
	readonly definitions: FlagDefinitions;
	readonly inputsVersion: number;
	readonly os?: string;
	readonly deviceType?: string;
	readonly createdAt: number;
	readonly input: LocalEvaluationInput;
	readonly results: LocalEvaluationCache;
}

type EvaluationInputs = Pick<LocalEvaluationInput, "groups" | "personProperties" | "groupProperties">;

type FlagRead =
	| { kind: "value"; value: FlagValue; payload?: unknown; call: FeatureFlagCall }
	/** No value; `isLoaded`: a load succeeded, so the flag does not exist for this subject. */
	| { kind: "missing"; isLoaded: boolean; call: FeatureFlagCall }
	/** Nothing was ever loaded or evaluated for the subject. */
	| { kind: "notLoaded" };

function isEnabledValue(value: FlagValue): boolean {
	return typeIs(value, "string") ? value !== "" : value;
}

function assign(target: Record<string, unknown>, source: Readonly<Record<string, unknown>> | undefined) {
	if (source === undefined) return;
	for (const [key, value] of pairs(source)) target[key] = value;
}

interface MutableInputs {
	groups: Record<string, string> | undefined;
	personProperties: Record<string, unknown>;
	groupProperties: Record<string, Record<string, unknown>>;
}

/**
 * A read's options over the subject's inputs: its person properties win; its groups replace the
 * subject's group of the same type (whose properties then no longer apply); its group properties
 * merge over the rest.
 */
function applyCallInputs(inputs: MutableInputs, call: FeatureFlagOptions, sendDefaults: boolean): EvaluationInputs {
	const { personProperties, groupProperties } = inputs;
	assign(personProperties, call.personProperties);
	let groups = inputs.groups;
	if (call.groups !== undefined) {
		groups ??= {};
		for (const [groupType, groupKey] of pairs(call.groups)) {
			const previousKey = groups[groupType];
			if (previousKey !== undefined && previousKey !== groupKey) delete groupProperties[groupType];
			const properties = groupProperties[groupType] ?? {};
			if (sendDefaults) properties.$group_key = groupKey;
			groupProperties[groupType] = properties;
			groups[groupType] = groupKey;
		}
	}
	if (call.groupProperties !== undefined) {
		for (const [groupType, overrides] of pairs(call.groupProperties)) {
			const properties = groupProperties[groupType] ?? {};
			assign(properties, overrides);
			groupProperties[groupType] = properties;
		}
	}
	return { groups, personProperties, groupProperties };
}

/** `read` after an evaluation that got no answer (`errorCode`): the subject's loaded value, carrying the error. */
function withError(read: FlagRead, key: string, errorCode: string): FlagRead {
	if (read.kind === "notLoaded") {
		return {
			kind: "missing",
			isLoaded: false,
			call: { flagKey: key, value: undefined, locallyEvaluated: false, error: errorCode },
		};
	}
	const previous = read.call.error;
	return { ...read, call: { ...read.call, error: previous === undefined ? errorCode : `${previous},${errorCode}` } };
}

/** The subject's groups with a read's groups on top (for `$groups` and the dedupe of `$feature_flag_called`). */
function groupsWithCall(
	groups: Readonly<Record<string, string>> | undefined,
	call: FeatureFlagOptions | undefined,
): Readonly<Record<string, string>> | undefined {
	if (call?.groups === undefined) return groups;
	const merged: Record<string, string> = groups === undefined ? {} : table.clone(groups);
	for (const [groupType, groupKey] of pairs(call.groups)) merged[groupType] = groupKey;
	return merged;
}

export class FlagsService {
	private readonly cache = new PlayerFlagCache();
	private readonly tracker = new FeatureFlagCalledTracker();
	private readonly records = new Map<string, SubjectFlags>();
	/** Uses of non-player records, oldest first; an entry is stale once its record was used again. */
	private adHocUses = new Array<AdHocUse>();
	private adHocHead = 0;
	private adHocSequence = 0;
	private adHocCount = 0;
	/** Every request goes through here: it takes from the shared HTTP budget or fails without sending. */
	private readonly http: HttpClient;
	private readonly poller?: FlagDefinitionsPoller;
	/** Shares the polls with the experience's other servers (shareFlagDefinitions). */
	private readonly shared?: SharedDefinitions;
	/** Completes when the first definitions poll ended (whatever its outcome). */
	private readonly firstPoll = new Completion<boolean>();
	private cancelPoll?: Cancel;
	private isStopped = false;

	constructor(private readonly runtime: ServerRuntime) {
		const { platform, budget, config } = runtime;
		this.http = {
			request(request) {
				return budget.tryTake() ? platform.http.request(request) : { kind: "error", message: BUDGET_ERROR };
			},
		};
		const secretKey = config.featureFlagsSecureKey;
		if (secretKey !== undefined) {
			this.poller = new FlagDefinitionsPoller(
				{
					host: config.host,
					projectApiKey: config.apiKey,
					secretKey,
					pollIntervalSeconds: config.featureFlagsPollIntervalSeconds,
				},
				{ ...platform, http: this.http, logger: runtime.logger },
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
	}

	/** Registers the join (preload) and leave (drop) listeners. */
	attach(bridge: PlayersBridge) {
		bridge.onJoin((player) => this.playerJoined(player));
		bridge.onLeave((player) => this.playerLeft(player));
	}

	/**
	 * Starts polling the flag definitions (with featureFlagsSecureKey). The loop is driven here, not by
	 * poller.start(), so joins can wait for the first poll to end.
	 */
	start() {
		if (this.poller === undefined) return;
		this.runtime.platform.scheduler.spawn(() => this.poll());
	}

	/**
	 * At server close: stops sharing the flag definitions and hands the lease to another server now,
	 * rather than when it runs out. YIELDS for one storage call at most; never throws.
	 */
	handOverDefinitions() {
		const shared = this.shared;
		if (shared !== undefined) pcall(() => shared.stop());
	}

	/** Stops polling and forgets every subject (Shutdown). Loads in flight finish without storing. */
	stop() {
		this.isStopped = true;
		this.cancelPoll?.();
		this.cancelPoll = undefined;
		const shared = this.shared;
		if (shared !== undefined) this.runtime.platform.scheduler.spawn(() => shared.stop());
		this.firstPoll.complete(false);
		for (const [, record] of this.records) record.queued?.complete(false);
		this.records.clear();
		this.adHocUses.clear();
		this.adHocHead = 0;
		this.adHocCount = 0;
		this.cache.clear();
		this.tracker.reset();
	}

	/**
	 * IsFeatureEnabled: never yields without `options` (see evaluate). `defaultValue` answers while
	 * nothing is loaded.
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

	/** GetFeatureFlag: never yields without `options` (see evaluate); a flag without a value reads as false. */
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

	/** GetFeatureFlagPayload: never yields without `options` (see evaluate), sends no event. */
	getFeatureFlagPayload(subject: KnownSubject, key: string, options?: FeatureFlagOptions): unknown {
		const read = this.readOrEvaluate(subject, key, options);
		return read.kind === "value" ? read.payload : undefined;
	}

	/** ReloadFeatureFlags: YIELDS until the subject's flags are loaded; whether that succeeded. */
	reload(subject: KnownSubject): boolean {
		const record = this.recordFor(subject);
		if (record === undefined) return false;
		const result = this.requestLoad(record).wait();
		return result.done && result.value;
	}

	/** Merges person properties for the subject's flags; reloads them in the background unless told not to. */
	setPersonProperties(subject: KnownSubject, properties: Record<string, unknown> | undefined, reload: boolean) {
		const record = this.recordFor(subject);
		if (record === undefined) return;
		assign(record.personOverrides, properties);
		record.inputsVersion += 1;
		if (reload) this.requestLoad(record);
	}

	/** Merges one group type's properties for the subject's flags; reloads unless told not to. */
	setGroupProperties(
		subject: KnownSubject,
		groupType: string,
		properties: Record<string, unknown> | undefined,
		reload: boolean,
	) {
		const record = this.recordFor(subject);
		if (record === undefined) return;
		const overrides = record.groupOverrides[groupType] ?? {};
		assign(overrides, properties);
		record.groupOverrides[groupType] = overrides;
		record.inputsVersion += 1;
		if (reload) this.requestLoad(record);
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
		const record = this.recordFor(subject);
		if (record === undefined) return;
		if (isNewGroup && previousKey !== undefined) delete record.groupOverrides[groupType];
		if (properties !== undefined) {
			const overrides = record.groupOverrides[groupType] ?? {};
			assign(overrides, properties);
			record.groupOverrides[groupType] = overrides;
		}
		record.inputsVersion += 1;
		if (this.cache.get(record.distinctId) !== undefined || record.running !== undefined) this.requestLoad(record);
	}

	/** Identify's `$set` also describes the person for flag evaluation (no reload: the next load uses it). */
	onIdentify(subject: KnownSubject, set: Record<string, unknown> | undefined) {
		if (set === undefined) return;
		const record = this.recordFor(subject);
		if (record === undefined) return;
		assign(record.personOverrides, set);
		record.inputsVersion += 1;
	}

	/** Join listener (own thread): the country first, then the preload. */
	private playerJoined(player: Player) {
		const record = this.recordFor({ kind: "player", distinctId: tostring(player.UserId), player });
		if (record === undefined) return;
		if (this.runtime.config.sendDefaultPersonPropertiesForFlags) {
			lookupCountryCode(player, FLAGS_COUNTRY_WAIT_SECONDS, (countryCode) => {
				if (countryCode === undefined || countryCode === record.countryCode || !this.isLive(record)) return;
				record.countryCode = countryCode;
				record.inputsVersion += 1;
			});
		}
		if (!this.runtime.config.preloadFeatureFlags || !this.isLive(record)) return;
		if (this.poller !== undefined) this.firstPoll.wait(FIRST_DEFINITIONS_WAIT_SECONDS);
		if (this.isLive(record)) this.requestLoad(record);
	}

	/** Leave listener (must not yield): the player's flags and overrides go. */
	private playerLeft(player: Player) {
		const distinctId = tostring(player.UserId);
		const record = this.records.get(distinctId);
		if (record === undefined || record.player !== player) return;
		this.records.delete(distinctId);
		this.cache.remove(distinctId);
		record.queued?.complete(false);
		record.queued = undefined;
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

	private isLive(record: SubjectFlags): boolean {
		return !this.isStopped && this.records.get(record.distinctId) === record;
	}

	/**
	 * The record to keep `subject`'s inputs and loads in, created on first use. Undefined for a player
	 * who is not in the game (or left): nothing is kept for them.
	 */
	private recordFor(subject: KnownSubject): SubjectFlags | undefined {
		if (this.isStopped) return undefined;
		const existing = this.records.get(subject.distinctId);
		if (subject.kind !== "player") {
			const record = existing ?? this.addRecord({ distinctId: subject.distinctId });
			if (record.player === undefined) this.useAdHoc(record);
			return record;
		}
		if (existing?.player === subject.player) return existing;
		if (this.runtime.stateToUpdate(subject) === undefined) return undefined;
		const facts = readJoinFacts(subject.player);
		const record = this.addRecord({
			distinctId: subject.distinctId,
			player: subject.player,
			accountAgeDays: facts.accountAgeDays,
			hasRobloxSubscription: facts.hasRobloxSubscription,
		});
		if (existing !== undefined) {
			if (existing.player === undefined) this.adHocCount -= 1;
			// Calls made with the player's UserId before their join was handled still count.
			assign(record.personOverrides, existing.personOverrides);
			for (const [groupType, overrides] of pairs(existing.groupOverrides)) {
				record.groupOverrides[groupType] = overrides;
			}
		}
		return record;
	}

	private addRecord(
		identity: Pick<SubjectFlags, "distinctId" | "player" | "accountAgeDays" | "hasRobloxSubscription">,
	): SubjectFlags {
		const record: SubjectFlags = {
			...identity,
			personOverrides: {},
			groupOverrides: {},
			inputsVersion: 0,
		};
		this.records.set(record.distinctId, record);
		if (record.player === undefined) this.adHocCount += 1;
		return record;
	}

	/**
	 * Marks a non-player record as just used, and bounds those records (they never leave): past
	 * MAX_AD_HOC_FLAG_SUBJECTS, the least recently used goes.
	 */
	private useAdHoc(record: SubjectFlags) {
		this.adHocSequence += 1;
		record.lastUse = this.adHocSequence;
		this.adHocUses.push({ distinctId: record.distinctId, sequence: this.adHocSequence });
		while (this.adHocCount > MAX_AD_HOC_FLAG_SUBJECTS && this.adHocHead < this.adHocUses.size()) {
			const use = this.adHocUses[this.adHocHead];
			this.adHocHead += 1;
			const oldest = this.records.get(use.distinctId);
			if (oldest === undefined || oldest.player !== undefined || oldest.lastUse !== use.sequence) continue;
			this.records.delete(use.distinctId);
			this.cache.remove(use.distinctId);
			this.adHocCount -= 1;
			oldest.queued?.complete(false);
		}
		if (this.adHocUses.size() > 2 * this.adHocCount + 1024) {
			// Keep only the latest use of each record: what was consumed and stale entries go.
			const kept = new Array<AdHocUse>();
			for (let index = this.adHocHead; index < this.adHocUses.size(); index++) {
				const entry = this.adHocUses[index];
				if (this.records.get(entry.distinctId)?.lastUse === entry.sequence) kept.push(entry);
			}
			this.adHocUses = kept;
			this.adHocHead = 0;
		}
	}

	/** The load in flight when it covers the current inputs, else the next one (started or queued). */
	private requestLoad(record: SubjectFlags): Completion<boolean> {
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
				if (this.isLive(record)) this.startLoad(record, queued);
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
		const { runtime, cache } = this;
		const { clock, json, scheduler } = runtime.platform;
		const distinctId = record.distinctId;
		if (runtime.states.get(distinctId)?.optedOut) {
			runtime.logger.debug("FLAGS_OPTED_OUT", { distinctId });
			return false;
		}
		const inputs = this.evaluationInputs(record, distinctId);
		const definitions = this.poller?.getDefinitions();
		let localCount = 0;
		if (definitions !== undefined) {
			const decided = new Map<string, CachedFlag>();
			let undecided = 0;
			// Through the reads' path, so the reads that follow reuse these results.
			for (const definition of definitions.flags) {
				const result = this.evaluateLocally(distinctId, definitions, definition);
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
		if (runtime.budget.secondsUntilAvailable() > 0) {
			runtime.logger.throttled(
				"debug",
				"FLAGS_BUDGET_EXHAUSTED",
				{ distinctId, perMinute: runtime.budget.getPerMinute() },
				10,
			);
			return false;
		}
		const built = buildFlagsRequest(
			{
				host: runtime.config.host,
				apiKey: runtime.config.apiKey,
				distinctId,
				...inputs,
				geoipDisable: runtime.config.disableGeoip,
			},
			json,
		);
		if (built.kind === "unencodable") {
			runtime.logger.throttled("warn", "FLAGS_PROPERTIES_UNENCODABLE", { distinctId, error: built.error });
			return false;
		}
		const result = fetchFlags(built.request, { http: this.http, scheduler, json });
		// The player left, or the SDK shut down, while the request was out: nothing to store it in.
		if (!this.isLive(record)) return false;
		if (result.kind === "error") {
			cache.recordError(distinctId, result.error);
			runtime.logger.throttled("warn", "FLAGS_REQUEST_FAILED", { distinctId, error: result.error });
			return false;
		}
		cache.applyRemote(distinctId, result.response, { nowMillis: clock.nowMillis() });
		runtime.logger.debug("FLAGS_LOADED", { distinctId, count: result.response.flags.size(), local: localCount });
		return true;
	}

	/**
	 * Person properties (defaults under overrides), groups and group properties of the subject now;
	 * with `call`, a read's options on top (see applyCallInputs).
	 */
	private evaluationInputs(
		record: SubjectFlags | undefined,
		distinctId: string,
		call?: FeatureFlagOptions,
	): EvaluationInputs {
		const sendDefaults = this.runtime.config.sendDefaultPersonPropertiesForFlags;
		const state = this.runtime.states.get(distinctId);
		const personProperties: Record<string, unknown> = {};
		if (sendDefaults) {
			assign(
				personProperties,
				buildDefaultPersonProperties({
					distinctId,
					countryCode: record?.countryCode,
					accountAgeDays: record?.accountAgeDays,
					hasRobloxSubscription: record?.hasRobloxSubscription,
					os: state?.os,
					deviceType: state?.deviceType,
				}),
			);
		}
		assign(personProperties, record?.personOverrides);
		const groups = state?.groups === undefined ? undefined : table.clone(state.groups);
		const groupProperties: Record<string, Record<string, unknown>> = {};
		if (groups !== undefined) {
			for (const [groupType, groupKey] of pairs(groups))
				groupProperties[groupType] = sendDefaults ? { $group_key: groupKey } : {};
		}
		if (record !== undefined) {
			for (const [groupType, overrides] of pairs(record.groupOverrides)) {
				const properties = groupProperties[groupType] ?? {};
				assign(properties, overrides);
				groupProperties[groupType] = properties;
			}
		}
		if (call === undefined) return { groups, personProperties, groupProperties };
		return applyCallInputs({ groups, personProperties, groupProperties }, call, sendDefaults);
	}

	/** The subject's value of `key` now: local evaluation first, then the last load. Never yields. */
	private read(subject: KnownSubject, key: string): FlagRead {
		const distinctId = subject.distinctId;
		const definitions = this.poller?.getDefinitions();
		const definition = definitions?.flagsByKey.get(key);
		if (definitions !== undefined && definition !== undefined) {
			const result = this.evaluateLocally(distinctId, definitions, definition);
			if (result.kind === "value") return this.localRead(result, definitions, definition);
		}
		const loaded = this.cache.get(distinctId);
		if (loaded === undefined) return { kind: "notLoaded" };
		const cached = loaded.flags.get(key);
		if (cached !== undefined) {
			const isRemote = !cached.locallyEvaluated;
			return {
				kind: "value",
				value: cached.value,
				payload: cached.payload,
				call: {
					flagKey: key,
					value: cached.value,
					locallyEvaluated: cached.locallyEvaluated,
					payload: cached.payload,
					requestId: isRemote ? loaded.requestId : undefined,
					evaluatedAt: isRemote ? loaded.evaluatedAt : undefined,
					reason: cached.reason,
					version: cached.version,
					id: cached.id,
					hasExperiment: cached.hasExperiment,
					error: loaded.lastError,
					isMinimalModeRequested: isRemote ? loaded.minimalFlagCalledEvents : definitions?.minimalFlagCalledEvents,
				},
			};
		}
		const isLoaded = loaded.loadedAtMillis !== undefined;
		const errors = new Array<string>();
		if (loaded.lastError !== undefined) errors.push(loaded.lastError);
		if (isLoaded) errors.push("flag_missing");
		return {
			kind: "missing",
			isLoaded,
			call: {
				flagKey: key,
				value: undefined,
				locallyEvaluated: false,
				requestId: loaded.requestId,
				evaluatedAt: loaded.evaluatedAt,
				error: errors.size() > 0 ? errors.join(",") : undefined,
			},
		};
	}

	/** A read from a local evaluation's value. */
	private localRead(
		result: Extract<LocalFlagResult, { kind: "value" }>,
		definitions: FlagDefinitions,
		definition: FlagDefinition,
	): FlagRead {
		return {
			kind: "value",
			value: result.value,
			payload: result.payload,
			call: {
				flagKey: definition.key,
				value: result.value,
				locallyEvaluated: true,
				payload: result.payload,
				id: definition.id,
				hasExperiment: definition.hasExperiment,
				definitionsLoadedAt: this.poller?.getLoadedAtMillis(),
				isMinimalModeRequested: definitions.minimalFlagCalledEvents,
			},
		};
	}

	private readOrEvaluate(subject: KnownSubject, key: string, options: FeatureFlagOptions | undefined): FlagRead {
		return options === undefined ? this.read(subject, key) : this.evaluate(subject, key, options);
	}

	/**
	 * A read with options: `key` evaluated now for the subject's inputs with the call's on top, locally
	 * when the definitions decide it, else (unless onlyEvaluateLocally) by one /flags request for that
	 * key alone (`flag_keys_to_evaluate`), which YIELDS. The answer belongs to this call's inputs, so it
	 * is not stored. When no answer comes (a failure, the budget), the subject's loaded value answers.
	 */
	private evaluate(subject: KnownSubject, key: string, options: FeatureFlagOptions): FlagRead {
		const { runtime } = this;
		const { clock, json, scheduler } = runtime.platform;
		const distinctId = subject.distinctId;
		const inputs = this.evaluationInputs(this.records.get(distinctId), distinctId, options);
		const definitions = this.poller?.getDefinitions();
		const definition = definitions?.flagsByKey.get(key);
		if (definitions !== undefined && definition !== undefined) {
			const input = { ...inputs, distinctId, nowMillis: clock.nowMillis() };
			const result = evaluateFlagLocally(definition, definitions, input);
			if (result.kind === "value") return this.localRead(result, definitions, definition);
		}
		if (options.onlyEvaluateLocally === true) return { kind: "notLoaded" };
		if (runtime.states.get(distinctId)?.optedOut) {
			runtime.logger.debug("FLAGS_OPTED_OUT", { distinctId });
			return { kind: "notLoaded" };
		}
		if (runtime.budget.secondsUntilAvailable() > 0) {
			runtime.logger.throttled(
				"debug",
				"FLAGS_BUDGET_EXHAUSTED",
				{ distinctId, perMinute: runtime.budget.getPerMinute() },
				10,
			);
			return this.read(subject, key);
		}
		const built = buildFlagsRequest(
			{
				host: runtime.config.host,
				apiKey: runtime.config.apiKey,
				distinctId,
				...inputs,
				flagKeys: [key],
				geoipDisable: options.disableGeoip ?? runtime.config.disableGeoip,
			},
			json,
		);
		if (built.kind === "unencodable") {
			runtime.logger.throttled("warn", "FLAGS_PROPERTIES_UNENCODABLE", { distinctId, error: built.error });
			return this.read(subject, key);
		}
		const result = fetchFlags(built.request, { http: this.http, scheduler, json });
		if (this.isStopped) return { kind: "notLoaded" };
		if (result.kind === "error") {
			runtime.logger.throttled("warn", "FLAGS_REQUEST_FAILED", { distinctId, error: result.error });
			return withError(this.read(subject, key), key, result.error);
		}
		const response = result.response;
		const flag = response.flags.get(key);
		if (flag === undefined) {
			// Left out because the server failed it: not an answer.
			if (result.error !== undefined) return withError(this.read(subject, key), key, result.error);
			return {
				kind: "missing",
				isLoaded: true,
				call: {
					flagKey: key,
					value: undefined,
					locallyEvaluated: false,
					requestId: response.requestId,
					evaluatedAt: response.evaluatedAt,
					error: "flag_missing",
				},
			};
		}
		return {
			kind: "value",
			value: flag.value,
			payload: flag.payload,
			call: {
				flagKey: key,
				value: flag.value,
				locallyEvaluated: false,
				payload: flag.payload,
				requestId: response.requestId,
				evaluatedAt: response.evaluatedAt,
				reason: flag.reasonDescription,
				version: flag.version,
				id: flag.id,
				hasExperiment: flag.hasExperiment,
				error: result.error,
				isMinimalModeRequested: response.minimalFlagCalledEvents,
			},
		};
	}

	/**
	 * One flag evaluated locally for the subject's current inputs. A subject with a record reuses its
	 * results (and its flag dependencies') until an input or the definitions change.
	 */
	private evaluateLocally(distinctId: string, definitions: FlagDefinitions, flag: FlagDefinition): LocalFlagResult {
		const record = this.records.get(distinctId);
		const state = this.runtime.states.get(distinctId);
		const now = this.runtime.platform.clock.monotonicSeconds();
		const inputsVersion = record?.inputsVersion ?? 0;
		let reused = record?.localResults;
		const isCurrent =
			reused !== undefined &&
			reused.definitions === definitions &&
			reused.inputsVersion === inputsVersion &&
			reused.os === state?.os &&
			reused.deviceType === state?.deviceType &&
			now - reused.createdAt <= LOCAL_RESULTS_MAX_AGE_SECONDS;
		if (reused === undefined || !isCurrent) {
			reused = {
				definitions,
				inputsVersion,
				os: state?.os,
				deviceType: state?.deviceType,
				createdAt: now,
				input: {
					...this.evaluationInputs(record, distinctId),
					distinctId,
					nowMillis: this.runtime.platform.clock.nowMillis(),
				},
				results: new Map(),
			};
			if (record !== undefined) record.localResults = reused;
		}
		const known = reused.results.get(flag.key);
		if (known !== undefined && known !== "evaluating") return known;
		return evaluateFlagLocally(flag, definitions, reused.input, reused.results);
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
