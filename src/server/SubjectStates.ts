// What the server remembers about each distinct id between calls: opt-out, group membership and the
// per-player context (session, device) that every event of that subject carries. Players' states
// live until they leave; states of ad-hoc ids (UserIds, strings) are bounded, oldest evicted first,
// because a long-running server must not grow without limit.

export interface SubjectState {
	optedOut: boolean;
	/** Group type -> group key, set by Group; sent as $groups. */
	groups?: Record<string, string>;
	/** The player's session ($session_id); set on join by LifecycleCapture. */
	sessionId?: string;
	/** `$os` and `$device_type` of the subject's events; for players, from the client relay's context. */
	os?: string;
	deviceType?: string;
	/** The platform family the client relay reported ("PC", "Phone"...): player_left's `platform`. */
	platform?: string;
	isPlayer: boolean;
}

/** Most remembered non-player subjects. */
const MAX_AD_HOC_STATES = 10_000;

export class SubjectStates {
	private readonly states = new Map<string, SubjectState>();
	/** Non-player distinct ids in insertion order, for eviction. */
	private adHocOrder = new Array<string>();
	private adHocHead = 0;
	private adHocCount = 0;

	get(distinctId: string): SubjectState | undefined {
		return this.states.get(distinctId);
	}

	getOrCreate(distinctId: string, isPlayer: boolean): SubjectState {
		let state = this.states.get(distinctId);
		if (state === undefined) {
			state = { optedOut: false, isPlayer };
			this.states.set(distinctId, state);
			if (!isPlayer) this.trackAdHoc(distinctId);
		} else if (isPlayer && !state.isPlayer) {
			state.isPlayer = true;
		}
		return state;
	}

	/** Forgets a player's state (they left). */
	remove(distinctId: string) {
		this.states.delete(distinctId);
	}

	private trackAdHoc(distinctId: string) {
		this.adHocOrder.push(distinctId);
		this.adHocCount += 1;
		while (this.adHocCount > MAX_AD_HOC_STATES) {
			const oldest = this.adHocOrder[this.adHocHead];
			this.adHocHead += 1;
			this.adHocCount -= 1;
			const state = this.states.get(oldest);
			if (state !== undefined && !state.isPlayer) this.states.delete(oldest);
		}
		if (this.adHocHead > 1024 && this.adHocHead * 2 > this.adHocOrder.size()) {
			const rest = new Array<string>();
			for (let i = this.adHocHead; i < this.adHocOrder.size(); i++) rest.push(this.adHocOrder[i]);
			this.adHocOrder = rest;
			this.adHocHead = 0;
		}
	}
}
