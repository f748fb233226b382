// The per-subject flag state of FlagsService: one record of inputs and loads per distinct id, and the
// flag values loaded for it (PlayerFlagCache). A player's record lives from join to leave; other
// subjects (UserIds, strings, the server) never leave, so at most MAX_AD_HOC_FLAG_SUBJECTS of them
// are kept, least recently used out first.

import { LocalEvaluationCache, LocalEvaluationInput } from "../../core/flags/evaluateFlagLocally";
import { FlagDefinitions } from "../../core/flags/FlagDefinition";
import { PlayerFlagCache } from "../../core/flags/PlayerFlagCache";
import { Completion } from "../../engine/Completion";
import { readJoinFacts } from "../../engine/playerFacts";
import { KnownSubject, ServerRuntime } from "../ServerRuntime";
import { assign } from "./evaluationInputs";

/** Most subjects other than connected players (UserIds, strings, the server) whose flag state is kept. */
export const MAX_AD_HOC_FLAG_SUBJECTS = 1000;

/** One subject's flag inputs and loads. Players' records live from join to leave. */
export interface SubjectFlags {
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
	/** For non-player records: the sequence number of their last use (see SubjectFlagRecords.useAdHoc). */
	lastUse?: number;
	localResults?: LocalResults;
	running?: Load;
	/** A load asked for while `running` was already using older inputs: it starts when that ends. */
	queued?: Completion<boolean>;
}

export interface Load {
	readonly done: Completion<boolean>;
	readonly inputsVersion: number;
}

/** Local results for one set of inputs and definitions (dependencies included), reused by reads. */
export interface LocalResults {
	readonly definitions: FlagDefinitions;
	readonly inputsVersion: number;
	readonly os?: string;
	readonly deviceType?: string;
	readonly createdAt: number;
	readonly input: LocalEvaluationInput;
	readonly results: LocalEvaluationCache;
}

interface AdHocUse {
	readonly distinctId: string;
	readonly sequence: number;
}

export class SubjectFlagRecords {
	/** The flag values loaded per distinct id; an entry goes with its subject's record. */
	readonly cache = new PlayerFlagCache();
	private readonly records = new Map<string, SubjectFlags>();
	/** Uses of non-player records, oldest first; an entry is stale once its record was used again. */
	private adHocUses = new Array<AdHocUse>();
	private adHocHead = 0;
	private adHocSequence = 0;
	private adHocCount = 0;
	private stopped = false;

	constructor(private readonly runtime: ServerRuntime) {}

	get(distinctId: string): SubjectFlags | undefined {
		return this.records.get(distinctId);
	}

	has(distinctId: string): boolean {
		return this.records.has(distinctId);
	}

	isStopped(): boolean {
		return this.stopped;
	}

	/** Whether the record is still kept: its player did not leave, it was not evicted, the SDK runs. */
	isLive(record: SubjectFlags): boolean {
		return !this.stopped && this.records.get(record.distinctId) === record;
	}

	/**
	 * The record to keep `subject`'s inputs and loads in, created on first use. Undefined for a player
	 * who is not in the game (or left): nothing is kept for them.
	 */
	recordFor(subject: KnownSubject): SubjectFlags | undefined {
		if (this.stopped) return undefined;
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

	/** The player left: their record and loaded flags go. */
	dropPlayer(player: Player) {
		const record = this.records.get(tostring(player.UserId));
		if (record === undefined || record.player !== player) return;
		this.forget(record);
	}

	/** Forgets every subject (Shutdown); loads in flight then finish without storing. */
	stop() {
		this.stopped = true;
		for (const [, record] of this.records) record.queued?.complete(false);
		this.records.clear();
		this.adHocUses.clear();
		this.adHocHead = 0;
		this.adHocCount = 0;
		this.cache.clear();
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

	/** Drops a kept record with its loaded flags; a load queued for it ends as failed. */
	private forget(record: SubjectFlags) {
		this.records.delete(record.distinctId);
		this.cache.remove(record.distinctId);
		if (record.player === undefined) this.adHocCount -= 1;
		record.queued?.complete(false);
		record.queued = undefined;
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
			this.forget(oldest);
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
}
