// Reads Roblox XML models and places (.rbxmx / .rbxlx, format version 4) into the instance-tree shape
// rojoTree.mjs produces: { name, className, source?, value?, children }. Only what the emulator mounts is
// kept: Name, Source (string or ProtectedString), and Value of string values; other properties are
// skipped. A small XML tokenizer is enough: Rojo and Studio write elements, attributes, text, CDATA
// sections (split around "]]>"), entities, comments and an optional prolog.
import fs from "node:fs";

const ENTITIES = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text) {
	return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, code) => {
		if (code.startsWith("#x")) return String.fromCodePoint(parseInt(code.slice(2), 16));
		if (code.startsWith("#")) return String.fromCodePoint(parseInt(code.slice(1), 10));
		return ENTITIES[code] ?? whole;
	});
}

/** Parses XML into { tag, attributes, children, text } elements; returns the document's root element. */
export function parseXml(xml) {
	const root = { tag: "#document", attributes: {}, children: [], text: "" };
	const stack = [root];
	const tagPattern = /<\/?([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
	const attributePattern = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
	let at = 0;
	while (at < xml.length) {
		const top = stack[stack.length - 1];
		const next = xml.indexOf("<", at);
		if (next === -1) {
			top.text += decodeEntities(xml.slice(at));
			break;
		}
		if (next > at) top.text += decodeEntities(xml.slice(at, next));
		if (xml.startsWith("<![CDATA[", next)) {
			const end = xml.indexOf("]]>", next);
			if (end === -1) throw new Error(`unterminated CDATA at ${next}`);
			top.text += xml.slice(next + 9, end);
			at = end + 3;
		} else if (xml.startsWith("<!--", next)) {
			const end = xml.indexOf("-->", next);
			at = end === -1 ? xml.length : end + 3;
		} else if (xml.startsWith("<?", next) || xml.startsWith("<!", next)) {
			const end = xml.indexOf(">", next);
			at = end === -1 ? xml.length : end + 1;
		} else {
			tagPattern.lastIndex = next;
			const match = tagPattern.exec(xml);
			if (!match) throw new Error(`malformed tag at ${next}: ${xml.slice(next, next + 40)}`);
			at = tagPattern.lastIndex;
			const [whole, tag, attributeText, selfClosing] = match;
			if (whole.startsWith("</")) {
				const open = stack.pop();
				if (open.tag !== tag) throw new Error(`</${tag}> closes <${open.tag}> at ${next}`);
				continue;
			}
			const attributes = {};
			for (const [, name, double, single] of attributeText.matchAll(attributePattern)) {
				attributes[name] = decodeEntities(double ?? single);
			}
			const element = { tag, attributes, children: [], text: "" };
			top.children.push(element);
			if (!selfClosing) stack.push(element);
		}
	}
	if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].tag}>`);
	return root.children.find((child) => child.tag === "roblox") ?? root;
}

const SOURCE_TAGS = new Set(["string", "ProtectedString"]);

function itemNode(item) {
	const node = { name: item.attributes.class, className: item.attributes.class, children: [] };
	const properties = item.children.find((child) => child.tag === "Properties");
	for (const property of properties?.children ?? []) {
		const name = property.attributes.name;
		if (name === "Name" && property.tag === "string") node.name = property.text;
		else if (name === "Source" && SOURCE_TAGS.has(property.tag)) node.source = property.text;
		else if (name === "Value" && property.tag === "string") node.value = property.text;
	}
	for (const child of item.children) {
		if (child.tag === "Item") node.children.push(itemNode(child));
	}
	return node;
}

/** The top-level instances of an XML model or place (a place's are its services). */
export function readRobloxXml(xml) {
	const document = parseXml(xml);
	if (document.tag !== "roblox") throw new Error("not a Roblox XML file: no <roblox> root");
	return document.children.filter((child) => child.tag === "Item").map(itemNode);
}

export function readRobloxXmlFile(file) {
	return readRobloxXml(fs.readFileSync(file, "utf8"));
}
