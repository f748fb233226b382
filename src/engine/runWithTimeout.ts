// Waits for a piece of work that may yield for long (an engine lookup such as
// GetCountryRegionForPlayerAsync) without waiting longer than a bound: the work runs in its own
// thread and the caller resumes when it finishes or when the time is up, whichever comes first.

type Outcome = "waiting" | "finished" | "timedOut";

/**
 * Runs `work` in a new thread and YIELDS the calling thread until `work` returns or `timeoutSeconds`
 * pass; returns whether it returned in time. After a timeout `work` keeps running to its end (an
 * engine call cannot be cancelled); it must not raise (wrap it in pcall).
 */
export function runWithTimeout(work: () => void, timeoutSeconds: number): boolean {
	const caller = coroutine.running();
	const state: { outcome: Outcome; callerYielded: boolean } = { outcome: "waiting", callerYielded: false };
	// Read through a call: the other threads change it, which TypeScript's narrowing cannot see.
	const outcome = (): Outcome => state.outcome;
	task.spawn(() => {
		work();
		if (state.outcome !== "waiting") return;
		state.outcome = "finished";
		if (state.callerYielded) task.spawn(caller);
	});
	if (outcome() === "finished") return true;
	const timer = task.delay(timeoutSeconds, () => {
		if (state.outcome !== "waiting") return;
		state.outcome = "timedOut";
		task.spawn(caller);
	});
	state.callerYielded = true;
	// Resumed by whichever of the two threads above settles the outcome first.
	while (outcome() === "waiting") coroutine.yield();
	if (outcome() === "finished") task.cancel(timer);
	return outcome() === "finished";
}
