// The server's unhandled errors: ScriptContext.Error(message, stackTrace, script) fires for every
// error that ends a thread (not for pcall-caught ones); `script` may be nil (platform.md §5).

import { ScriptContext } from "@rbxts/services";

/** `source` is the script ScriptContext.Error names (may be nil). */
export type ScriptErrorListener = (message: string, trace: string, source: Instance | undefined) => void;

/** Connects `listener` to ScriptContext.Error; returns the function that disconnects it. */
export function connectScriptErrors(listener: ScriptErrorListener): () => void {
	const connection = ScriptContext.Error.Connect((message, trace, source) => listener(message, trace, source));
	return () => connection.Disconnect();
}
