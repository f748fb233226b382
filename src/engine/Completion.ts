// A result that arrives later (a flag load, a country lookup) which any number of threads can wait
// for, each with its own bound, or be called back with. Completes once; later completions are
// ignored. Waiting threads are resumed with task.spawn, in the order they started waiting.

interface Waiter {
	readonly thread: thread;
	/** Who resumed the thread, once one did. */
	resumedBy?: "complete" | "timeout";
}

export type WaitResult<T> = { done: true; value: T } | { done: false };

export class Completion<T> {
	private result?: { value: T };
	private readonly waiters = new Array<Waiter>();
	private readonly callbacks = new Array<(value: T) => void>();

	isDone(): boolean {
		return this.result !== undefined;
	}

	/** The value, when complete; never yields. */
	peek(): WaitResult<T> {
		return this.result === undefined ? { done: false } : { done: true, value: this.result.value };
	}

	complete(value: T) {
		if (this.result !== undefined) return;
		this.result = { value };
		for (const callback of this.callbacks) {
			// A callback's error must not keep the others (or the waiters) from their value.
			pcall(callback, value);
		}
		this.callbacks.clear();
		for (const waiter of this.waiters) {
			if (waiter.resumedBy !== undefined) continue;
			waiter.resumedBy = "complete";
			task.spawn(waiter.thread);
		}
		this.waiters.clear();
	}

	/** Calls `callback` with the value once complete (now, if it already is). */
	onComplete(callback: (value: T) => void) {
		if (this.result !== undefined) pcall(callback, this.result.value);
		else this.callbacks.push(callback);
	}

	/**
	 * YIELDS until complete or `timeoutSeconds` pass (no bound when undefined). Returns at once, without
	 * yielding, when already complete.
	 */
	wait(timeoutSeconds?: number): WaitResult<T> {
		if (this.result !== undefined) return this.peek();
		const waiter: Waiter = { thread: coroutine.running() };
		this.waiters.push(waiter);
		let timer: thread | undefined;
		if (timeoutSeconds !== undefined) {
			timer = task.delay(math.max(timeoutSeconds, 0), () => {
				if (waiter.resumedBy !== undefined) return;
				waiter.resumedBy = "timeout";
				const index = this.waiters.indexOf(waiter);
				if (index >= 0) this.waiters.remove(index);
				task.spawn(waiter.thread);
			});
		}
		// Resumed by complete() or by the timer, whichever comes first; ignore any other resume.
		while (resumedBy(waiter) === undefined) coroutine.yield();
		if (timer !== undefined && resumedBy(waiter) === "complete") task.cancel(timer);
		return this.peek();
	}
}

/** Read through a call: other threads set it, which TypeScript's narrowing cannot see. */
function resumedBy(waiter: Waiter) {
	return waiter.resumedBy;
}
