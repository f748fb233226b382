// luau-web 1.4.0 embeds its wasm with a fixed 274-page (17.9 MB) memory and no memory growth, which a
// jest run plus a few thousand queued events exceeds. Importing this module before luau-web rewrites the
// memory section (min = max) of every module instantiated from bytes. Pages are only reserved address space.
const PAGES = Number(process.env.LUAU_WASM_PAGES || 8192); // 512 MiB; must stay < 16384 (2-byte LEB128)

function readLeb(buf, pos) {
	let value = 0;
	let shift = 0;
	let byte;
	do {
		byte = buf[pos++];
		value |= (byte & 0x7f) << shift;
		shift += 7;
	} while (byte & 0x80);
	return [value >>> 0, pos];
}

export function patchMemorySection(bytes, pages = PAGES) {
	const buf = new Uint8Array(bytes.slice ? bytes.slice(0) : bytes);
	let pos = 8; // magic + version
	while (pos < buf.length) {
		const id = buf[pos++];
		let size;
		[size, pos] = readLeb(buf, pos);
		const sectionStart = pos;
		if (id === 5) {
			[, pos] = readLeb(buf, pos); // number of memories (1)
			const flags = buf[pos++];
			const minAt = pos;
			[, pos] = readLeb(buf, pos);
			const minLen = pos - minAt;
			const maxAt = pos;
			if (flags & 1) [, pos] = readLeb(buf, pos);
			const maxLen = pos - maxAt;
			if (minLen !== 2 || (flags & 1 && maxLen !== 2))
				throw new Error("luau-web memory section has an unexpected layout");
			const encoded = [0x80 | (pages & 0x7f), (pages >> 7) & 0x7f];
			buf.set(encoded, minAt);
			if (flags & 1) buf.set(encoded, maxAt);
			return { bytes: buf, patched: true };
		}
		pos = sectionStart + size;
	}
	return { bytes: buf, patched: false };
}

export const patchState = { patchedModules: 0 };
const originalInstantiate = WebAssembly.instantiate;
WebAssembly.instantiate = function (source, imports) {
	if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
		const view =
			source instanceof ArrayBuffer
				? new Uint8Array(source)
				: new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
		const result = patchMemorySection(view);
		if (result.patched) patchState.patchedModules++;
		source = result.bytes;
	}
	return originalInstantiate.call(this, source, imports);
};
