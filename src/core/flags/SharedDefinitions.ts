// Shares the flag definitions between the servers of an experience (local evaluation with
// shareFlagDefinitions), so one server per interval asks PostHog instead of every server.
//
// One MemoryStore sorted map entry per project holds a lease and a stamp together:
// { owner, until, version, cleared?, fetchedAt }. Every round (once per poll interval) a server reads
// it. If the lease is free, expired or its own, it takes or renews it atomically (SharedMap.update) and
// is the owner: it polls PostHog (FlagDefinitionsPoller, with the ETag) and, when the definitions
// changed, stores their JSON text in a DataStore ({ version, body, etag, fetchedAt }: bodies can be far
// larger than a MemoryStore item) before writing the new version into the stamp. The others are
// followers: when the stamp's version differs from theirs they read the body from the DataStore and
// parse it like a 200 answer.
//
// Nothing here can stop flags working. A server polls PostHog itself (with the poller's own backoff)
// whenever the shared copy can't be used: a storage call failed, the stamp is older than two
// intervals (the owner is gone or can't reach PostHog), the body in the DataStore is not the stamp's
// version, or no copy appeared within SHARED_STARTUP_WAIT_SECONDS of starting. A dead owner's lease
// runs out after one interval plus a request timeout, and the next server to look takes it.
// Pure: storage, time and randomness come from the platform.

import { Logger } from "../Logger";
import { Clock, RandomSource, Scheduler } from "../platform";
import { DurableStore, ExperienceStorage, SharedMap } from "../storage";
import {
	DefinitionsPollOutcome,
	DEFINITIONS_REQUEST_TIMEOUT_SECONDS,
	FlagDefinitionsPoller,
} from "./FlagDefinitionsPoller";
import { projectTag } from "../projectTag";

/** The MemoryStore sorted map and the DataStore the SDK keeps shared definitions in. */
export const SHARED_DEFINITIONS_MAP = "PostHogFlags";
export const SHARED_DEFINITIONS_STORE = "PostHogFlags";
/** Longest a server that finds no shared copy at startup waits for the owner's first one. */
export const SHARED_STARTUP_WAIT_SECONDS = 10;
/** How often it looks during that wait. */
export const SHARED_STARTUP_CHECK_SECONDS = 1;
/**
 * Followers look this long after the owner's poll should have started, so a change reaches them
 * within about one interval (the owner's poll and its storage writes usually take well under it).
 */
export const SHARED_FOLLOW_LAG_SECONDS = 3;
/** A poll is due this much before its time: rounds and polls drift by the latency of storage calls. */
const DUE_TOLERANCE_SECONDS = 2;
/** Log a sharing failure at most this often (a broken store fails every round). */
const FAILURE_LOG_SECONDS = 600;

/** The map entry: the lease and the stamp of the shared copy. */
export interface SharedStamp {
	/** The server holding the lease (a random id per SDK start). */
	owner: string;
	/** Unix milliseconds when the lease runs out. */
	until: number;
	/** The version of the shared copy; undefined until the first owner stored one. */
	version?: string;
	/** The owner was refused the definitions (401/402/403): nobody should evaluate locally. */
	cleared?: boolean;
	/** Unix milliseconds when the owner last got an answer (200, 304 or a refusal) from PostHog. */
	fetchedAt?: number;
}

/** The DataStore value: the definitions as PostHog sent them. */
export interface SharedCopy {
	version: string;
	body: string;
	etag?: string;
	fetchedAt: number;
}

export interface SharedDefinitionsOptions {
	host: string;
	projectApiKey: string;
	pollIntervalSeconds: number;
}

export interface SharedDefinitionsDeps {
	storage: ExperienceStorage;
	clock: Clock;
	scheduler: Scheduler;
	random: RandomSource;
	logger: Logger;
}

/** Where a project's shared definitions live; two projects in one experience don't meet. */
export function sharedDefinitionsKeys(host: string, projectApiKey: string): { mapKey: string; storeKey: string } {
	const tag = projectTag(host, projectApiKey);
	// Map keys take 128 characters, DataStore keys 50.
	return { mapKey: `definitions:${tag}`, storeKey: `definitions_${tag}` };
}

function readStamp(value: unknown): SharedStamp | undefined {
	if (!typeIs(value, "table")) return undefined;
	const stamp = value as Record<string, unknown>;
	if (!typeIs(stamp.owner, "string") || !typeIs(stamp.until, "number")) return undefined;
	return {
		owner: stamp.owner,
		until: stamp.until,
		version: typeIs(stamp.version, "string") ? stamp.version : undefined,
		cleared: stamp.cleared === true ? true : undefined,
		fetchedAt: typeIs(stamp.fetchedAt, "number") ? stamp.fetchedAt : undefined,
	};
}

function readCopy(value: unknown): SharedCopy | undefined {
	if (!typeIs(value, "table")) return undefined;
	const copy = value as Record<string, unknown>;
	if (!typeIs(copy.version, "string") || !typeIs(copy.body, "string")) return undefined;
	return {
		version: copy.version,
		body: copy.body,
		etag: typeIs(copy.etag, "string") ? copy.etag : undefined,
		fetchedAt: typeIs(copy.fetchedAt, "number") ? copy.fetchedAt : 0,
	};
}

export class SharedDefinitions {
	private readonly ownerId: string;
	private readonly map: SharedMap;
	private readonly store: DurableStore;
	private readonly mapKey: string;
	private readonly storeKey: string;
	private readonly intervalSeconds: number;
	/** How long a lease lasts: the owner renews it every round, which can take a request timeout. */
	private readonly leaseSeconds: number;
	/** How long the map entry lives without being written (it outlives the lease: it names the version). */
	private readonly entrySeconds: number;
	/** A stamp older than this means nobody is polling successfully for the experience. */
	private readonly staleMillis: number;
	private isOwner = false;
	private isFirstRound = true;
	private isStopped = false;
	/** The version of the definitions this server holds, as the stamp names it. */
	private heldVersion?: string;
	/** The poller's body when heldVersion was set: a different body is a new version. */
	private heldBody?: string;
	/** A version this owner stamped but could not store yet: stored again next round. */
	private unstoredVersion?: string;
	/** Monotonic seconds when this server's own next poll is due (the poller's backoff). */
	private nextPollAt = -math.huge;
	/** A follower's view of when the owner last polled (unix ms): its rounds follow the owner's. */
	private ownerPolledAt?: number;
	/** A follower's view of when the owner's lease runs out (unix ms): it looks again then. */
	private leaseSeenUntil?: number;

	constructor(
		private readonly poller: FlagDefinitionsPoller,
		options: SharedDefinitionsOptions,
		private readonly deps: SharedDefinitionsDeps,
	) {
		this.ownerId = deps.random.generateGuid();
		this.map = deps.storage.sharedMap(SHARED_DEFINITIONS_MAP);
		this.store = deps.storage.durableStore(SHARED_DEFINITIONS_STORE);
		const keys = sharedDefinitionsKeys(options.host, options.projectApiKey);
		this.mapKey = keys.mapKey;
		this.storeKey = keys.storeKey;
		const interval = options.pollIntervalSeconds;
		this.intervalSeconds = interval;
		this.leaseSeconds = interval + DEFINITIONS_REQUEST_TIMEOUT_SECONDS + 5;
		this.entrySeconds = math.ceil(2 * this.leaseSeconds + interval);
		this.staleMillis = (2 * interval + DEFINITIONS_REQUEST_TIMEOUT_SECONDS) * 1000;
	}

	/** Whether this server holds the lease (polls PostHog for the experience). */
	isPollingForAll(): boolean {
		return this.isOwner;
	}

	/**
	 * One round: take or renew the lease, then poll and share, or follow the shared copy, or poll
	 * alone. YIELDS (storage calls, the poll). Never throws. Returns the seconds until the next round:
	 * rounds keep a fixed cadence of one poll interval.
	 */
	tick(): number {
		const { clock } = this.deps;
		const startedAt = clock.monotonicSeconds();
		// Stopped at server close (FlagsService keeps its definitions, and polls no more).
		if (this.isStopped) return this.intervalSeconds;
		this.ownerPolledAt = undefined;
		this.leaseSeenUntil = undefined;
		const [ok, problem] = pcall(() => this.round());
		this.isFirstRound = false;
		if (!ok) {
			this.sharingFailed(tostring(problem));
			this.pollIfDue();
		}
		let delay = math.max(1, this.intervalSeconds - (clock.monotonicSeconds() - startedAt));
		if (this.isOwner) return delay;
		// A follower's next round comes just after the owner's next poll should have been shared, or
		// when the owner's lease runs out if that is sooner (the owner stopped renewing it).
		const now = clock.nowMillis();
		const ownerPolledAt = this.ownerPolledAt;
		if (ownerPolledAt !== undefined) {
			delay = (ownerPolledAt - now) / 1000 + SHARED_FOLLOW_LAG_SECONDS;
			if (delay < 1) delay += math.ceil((1 - delay) / this.intervalSeconds) * this.intervalSeconds;
		}
		if (this.leaseSeenUntil !== undefined) {
			delay = math.min(delay, math.max(1, (this.leaseSeenUntil - now) / 1000 + 0.5));
		}
		return delay;
	}

	/**
	 * Stops sharing (Shutdown, server close) and hands the lease back, so another server takes over at
	 * its next round. YIELDS for one storage call when this server holds the lease.
	 */
	stop() {
		if (this.isStopped) return;
		this.isStopped = true;
		if (!this.isOwner) return;
		this.isOwner = false;
		this.map.update(
			this.mapKey,
			(old) => {
				const stamp = readStamp(old);
				if (stamp === undefined || stamp.owner !== this.ownerId) return undefined;
				const released: SharedStamp = { ...stamp, until: 0 };
				return released;
			},
			this.entrySeconds,
		);
	}

	private round() {
		const read = this.map.get(this.mapKey);
		if (!read.ok) return this.fallback(read.error);
		let stamp = readStamp(read.value);
		if (this.isTakeable(stamp)) {
			let seen = stamp;
			const taken = this.map.update(
				this.mapKey,
				(old) => {
					const current = readStamp(old);
					seen = current;
					if (!this.isTakeable(current)) return undefined;
					const renewed: SharedStamp = {
						owner: this.ownerId,
						until: this.leaseEnd(),
						version: current?.version,
						cleared: current?.cleared,
						fetchedAt: current?.fetchedAt,
					};
					return renewed;
				},
				this.entrySeconds,
			);
			if (!taken.ok) return this.fallback(taken.error);
			stamp = readStamp(taken.value) ?? seen;
		}
		if (stamp === undefined || this.isStopped) return;
		const wasOwner = this.isOwner;
		this.isOwner = stamp.owner === this.ownerId;
		if (this.isOwner) {
			if (!wasOwner) this.deps.logger.debug("FLAG_DEFINITIONS_POLLING_FOR_ALL");
			this.ownerRound(stamp, wasOwner);
		} else {
			this.followerRound(stamp);
		}
	}

	/** Polls PostHog for everyone, stores what changed, then renews the lease with the new stamp. */
	private ownerRound(stamp: SharedStamp, wasOwner: boolean) {
		const { clock } = this.deps;
		const poller = this.poller;
		// Start from the shared copy, so the poll sends its ETag and a 304 keeps the version.
		if (stamp.version !== undefined && stamp.version !== this.heldVersion) this.follow(stamp);
		// A server that just took over doesn't poll again what the previous owner checked moments ago.
		const checkedLately =
			!wasOwner &&
			stamp.fetchedAt !== undefined &&
			clock.nowMillis() - stamp.fetchedAt < (this.intervalSeconds / 2) * 1000;
		const polledAt = clock.nowMillis();
		const outcome = checkedLately ? undefined : this.pollIfDue();
		if (this.isStopped) return;
		let { version, cleared, fetchedAt } = stamp;
		if (outcome === "store" || outcome === "keep" || outcome === "clear") fetchedAt = polledAt;
		if (outcome === "clear") {
			if (!cleared) {
				version = this.newVersion();
				cleared = true;
			}
			this.hold(version, undefined);
			this.unstoredVersion = undefined;
		} else {
			const body = poller.getBody();
			if (body !== undefined) {
				const isShared = this.heldVersion !== undefined && this.heldVersion === stamp.version;
				if (!isShared || body !== this.heldBody) {
					this.hold(this.newVersion(), body);
					this.unstoredVersion = this.heldVersion;
				}
				version = this.heldVersion;
				cleared = undefined;
			}
			const heldBody = this.heldBody;
			if (this.unstoredVersion !== undefined && this.unstoredVersion === this.heldVersion && heldBody !== undefined) {
				const copy: SharedCopy = {
					version: this.unstoredVersion,
					body: heldBody,
					etag: poller.getEtag(),
					fetchedAt: fetchedAt ?? polledAt,
				};
				const stored = this.store.set(this.storeKey, copy);
				if (stored.ok) this.unstoredVersion = undefined;
				else this.sharingFailed(`DataStore: ${stored.error}`);
			}
		}
		if (this.isStopped) return;
		const written = this.map.update(
			this.mapKey,
			(old) => {
				if (!this.isTakeable(readStamp(old))) return undefined;
				const renewed: SharedStamp = { owner: this.ownerId, until: this.leaseEnd(), version, cleared, fetchedAt };
				return renewed;
			},
			this.entrySeconds,
		);
		if (!written.ok) {
			this.sharingFailed(written.error);
		} else if (written.value === undefined) {
			// Another server took the lease while this one polled (its round ran late): it follows now.
			this.isOwner = false;
		}
	}

	/** Follows the shared copy, or polls alone when it can't be used. */
	private followerRound(first: SharedStamp) {
		let stamp = first;
		if (stamp.version === undefined && this.isFirstRound) {
			const arrived = this.awaitFirstCopy();
			if (arrived === undefined) return this.pollIfDue();
			stamp = arrived;
		}
		this.leaseSeenUntil = stamp.until;
		if (stamp.version === undefined) return this.pollIfDue();
		if (stamp.version !== this.heldVersion) {
			if (this.follow(stamp)) {
				this.ownerPolledAt = stamp.fetchedAt;
				return;
			}
			// The copy can't be read (or isn't stored yet): fetch the same definitions from PostHog.
			const outcome = this.pollIfDue();
			if (outcome === "store" || outcome === "keep" || outcome === "clear") {
				this.hold(stamp.version, this.poller.getBody());
			}
			return;
		}
		const fetchedAt = stamp.fetchedAt;
		if (fetchedAt === undefined || this.deps.clock.nowMillis() - fetchedAt > this.staleMillis) {
			// Nobody got an answer from PostHog for two intervals: check it ourselves.
			this.pollIfDue();
			return;
		}
		this.poller.confirmLoadedAt(fetchedAt);
		this.ownerPolledAt = fetchedAt;
	}

	/** At startup, when the owner has not shared anything yet: wait a little for its first copy. */
	private awaitFirstCopy(): SharedStamp | undefined {
		const { clock, scheduler } = this.deps;
		const deadline = clock.monotonicSeconds() + SHARED_STARTUP_WAIT_SECONDS;
		while (clock.monotonicSeconds() < deadline && !this.isStopped) {
			scheduler.wait(SHARED_STARTUP_CHECK_SECONDS);
			const read = this.map.get(this.mapKey);
			if (!read.ok) {
				this.sharingFailed(read.error);
				return undefined;
			}
			const stamp = readStamp(read.value);
			// The owner went away: poll now; the next round takes the lease.
			if (this.isTakeable(stamp)) return undefined;
			if (stamp?.version !== undefined) return stamp;
		}
		return undefined;
	}

	/** Makes the poller hold the stamp's version (or drop its definitions). Returns whether it could. */
	private follow(stamp: SharedStamp): boolean {
		const version = stamp.version;
		if (version === undefined) return false;
		if (stamp.cleared) {
			this.poller.adoptCleared();
			this.hold(version, undefined);
			return true;
		}
		const read = this.store.get(this.storeKey);
		if (!read.ok) {
			this.sharingFailed(`DataStore: ${read.error}`);
			return false;
		}
		const copy = readCopy(read.value);
		if (copy === undefined || copy.version !== version) return false;
		const loadedAt = stamp.fetchedAt ?? copy.fetchedAt;
		if (copy.body === this.poller.getBody()) {
			this.poller.confirmLoadedAt(loadedAt);
		} else if (!this.poller.adopt(copy.body, copy.etag, loadedAt)) {
			return false;
		}
		this.hold(version, copy.body);
		return true;
	}

	/** Polls PostHog from this server unless its backoff says wait. YIELDS. Undefined when not due. */
	private pollIfDue(): DefinitionsPollOutcome | undefined {
		const { clock } = this.deps;
		const startedAt = clock.monotonicSeconds();
		if (startedAt < this.nextPollAt - DUE_TOLERANCE_SECONDS || this.isStopped) return undefined;
		const outcome = this.poller.pollNow();
		this.nextPollAt = startedAt + this.poller.nextDelaySeconds();
		return outcome;
	}

	private fallback(reason: string) {
		this.isOwner = false;
		this.sharingFailed(reason);
		this.pollIfDue();
	}

	private sharingFailed(reason: string) {
		this.deps.logger.throttled("warn", "FLAG_DEFINITIONS_SHARING_FAILED", { reason }, FAILURE_LOG_SECONDS);
	}

	private hold(version: string | undefined, body: string | undefined) {
		this.heldVersion = version;
		this.heldBody = body;
	}

	private isTakeable(stamp: SharedStamp | undefined): boolean {
		return stamp === undefined || stamp.owner === this.ownerId || stamp.until <= this.deps.clock.nowMillis();
	}

	private leaseEnd(): number {
		return this.deps.clock.nowMillis() + this.leaseSeconds * 1000;
	}

	private newVersion(): string {
		return this.deps.random.generateGuid();
	}
}
