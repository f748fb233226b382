// Per-player flag values (keyed by distinct id) between loads, so reads never wait on the network.
// A complete /flags answer replaces the player's values (flags that disappeared are dropped); a
// partial one (errorsWhileComputingFlags, failed flags) updates what it returned and keeps the
// last good value of everything else; an error keeps everything. Pure.

import { FlagValue } from "./FlagDefinition";
import { FlagsResponse } from "./parseFlagsResponse";

export interface CachedFlag {
	value: FlagValue;
	/** Decoded payload for this value. */
	payload?: unknown;
	id?: number;
	version?: number;
	/** The reason's description, for `$feature_flag_reason`. */
	reason?: string;
	hasExperiment?: boolean;
	locallyEvaluated: boolean;
}

export interface PlayerFlags {
	flags: Map<string, CachedFlag>;
	/** From the last /flags answer applied. */
	requestId?: string;
	evaluatedAt?: number;
	minimalFlagCalledEvents: boolean;
	/** Unix milliseconds of the last load that brought values (remote or local). */
	loadedAtMillis?: number;
	/** `$feature_flag_error` of the last load: set when it failed or was partial, cleared by a complete one. */
	lastError?: string;
}

export interface ApplyRemoteOptions {
	/** The `flag_keys_to_evaluate` of the request: only these keys can be dropped. All keys when undefined. */
	requestedKeys?: ReadonlyArray<string>;
	nowMillis: number;
}

export class PlayerFlagCache {
	private readonly players = new Map<string, PlayerFlags>();

	/** The player's flags, or undefined before their first load. */
	get(distinctId: string): Readonly<PlayerFlags> | undefined {
		return this.players.get(distinctId);
	}

	getFlag(distinctId: string, flagKey: string): Readonly<CachedFlag> | undefined {
		return this.players.get(distinctId)?.flags.get(flagKey);
	}

	/** Whether any load (remote or local) has brought values for the player. */
	hasLoaded(distinctId: string): boolean {
		return this.players.get(distinctId)?.loadedAtMillis !== undefined;
	}

	/** Applies a parsed /flags answer (not a quota-limited one: that is an error, see recordError). */
	applyRemote(distinctId: string, response: FlagsResponse, options: ApplyRemoteOptions) {
		const player = this.entry(distinctId);
		const isComplete = !response.errorsWhileComputingFlags && response.failedKeys.size() === 0;
		if (isComplete) {
			const stale = new Array<string>();
			const keys = options.requestedKeys;
			if (keys === undefined) {
				for (const [key] of player.flags) if (!response.flags.has(key)) stale.push(key);
			} else {
				for (const key of keys) if (!response.flags.has(key)) stale.push(key);
			}
			for (const key of stale) player.flags.delete(key);
		}
		for (const [key, flag] of response.flags) {
			player.flags.set(key, {
				value: flag.value,
				payload: flag.payload,
				id: flag.id,
				version: flag.version,
				reason: flag.reasonDescription,
				hasExperiment: flag.hasExperiment,
				locallyEvaluated: false,
			});
		}
		player.requestId = response.requestId;
		player.evaluatedAt = response.evaluatedAt;
		player.minimalFlagCalledEvents = response.minimalFlagCalledEvents;
		player.loadedAtMillis = options.nowMillis;
		player.lastError = isComplete ? undefined : "errors_while_computing_flags";
	}

	/** Stores locally evaluated values (they replace remote ones for the same keys). */
	applyLocal(distinctId: string, flags: ReadonlyMap<string, CachedFlag>, nowMillis: number) {
		const player = this.entry(distinctId);
		for (const [key, flag] of flags) player.flags.set(key, flag);
		player.loadedAtMillis = nowMillis;
	}

	/** A load failed (`errorCode` is a `$feature_flag_error` code): every value is kept. */
	recordError(distinctId: string, errorCode: string) {
		this.entry(distinctId).lastError = errorCode;
	}

	/** Drops a player's values (they left). */
	remove(distinctId: string) {
		this.players.delete(distinctId);
	}

	clear() {
		this.players.clear();
	}

	private entry(distinctId: string): PlayerFlags {
		let player = this.players.get(distinctId);
		if (player === undefined) {
			player = { flags: new Map(), minimalFlagCalledEvents: false };
			this.players.set(distinctId, player);
		}
		return player;
	}
}
