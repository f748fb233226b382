// The host-side view of a world's clock, in seconds. The Luau emulator owns virtual time and
// pushes it here with set(t); host fakes (the fake PostHog) read now() and schedule() work at a
// virtual time. In real-time mode now() follows the wall clock and timers are real setTimeouts,
// so the same fake code serves both modes.

import { performance } from "node:perf_hooks";

export function createVirtualClock(startSeconds = 0) {
	let virtualSeconds = startSeconds;
	let realtime = false;
	// Real-time anchor: virtual time `anchorSeconds` was current at wall time `anchorMs`.
	let anchorSeconds = 0;
	let anchorMs = 0;
	let nextTimerId = 1;
	// id -> { at, fn, handle }; handle is the real setTimeout in real-time mode.
	const timers = new Map();

	function now() {
		return realtime ? anchorSeconds + (performance.now() - anchorMs) / 1000 : virtualSeconds;
	}

	function fire(id) {
		const timer = timers.get(id);
		if (!timer) return;
		timers.delete(id);
		timer.fn();
	}

	function armReal(id, timer) {
		const delayMs = Math.max(0, (timer.at - now()) * 1000);
		timer.handle = setTimeout(() => fire(id), delayMs);
	}

	// Fires every timer due at `t`, earliest first (ties in scheduling order). A fired callback may
	// schedule more timers; those run too if already due.
	function releaseDue(t) {
		for (;;) {
			let dueId;
			let dueAt = Infinity;
			for (const [id, timer] of timers) {
				if (timer.at <= t && timer.at < dueAt) {
					dueId = id;
					dueAt = timer.at;
				}
			}
			if (dueId === undefined) return;
			clearTimeout(timers.get(dueId).handle);
			fire(dueId);
		}
	}

	return {
		now,

		/**
		 * Called by the emulator when a world's time moves and when a world starts a request. Each
		 * world starts at 0, so time moves back when a newer world takes over; within one world it
		 * only moves forward. Timers not yet due stay pending.
		 */
		set(t) {
			if (realtime) {
				anchorSeconds = t;
				anchorMs = performance.now();
			} else {
				virtualSeconds = t;
			}
			releaseDue(now());
		},

		get realtime() {
			return realtime;
		},

		setRealtime(on) {
			on = Boolean(on);
			if (on === realtime) return;
			if (on) {
				anchorSeconds = virtualSeconds;
				anchorMs = performance.now();
				realtime = true;
				for (const [id, timer] of timers) armReal(id, timer);
			} else {
				virtualSeconds = now();
				realtime = false;
				for (const timer of timers.values()) clearTimeout(timer.handle);
			}
		},

		/**
		 * Runs fn once virtual time reaches atSeconds. A time already reached still fires
		 * asynchronously (never inside the caller's stack). Returns a cancel function.
		 */
		schedule(atSeconds, fn) {
			const id = nextTimerId++;
			const timer = { at: atSeconds, fn, handle: undefined };
			timers.set(id, timer);
			if (realtime) armReal(id, timer);
			else if (atSeconds <= virtualSeconds) setImmediate(() => fire(id));
			return () => {
				clearTimeout(timer.handle);
				timers.delete(id);
			};
		},

		/** Earliest pending timer's virtual time, or null. */
		nextWake() {
			let earliest = null;
			for (const timer of timers.values()) {
				if (earliest === null || timer.at < earliest) earliest = timer.at;
			}
			return earliest;
		},
	};
}
