import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WeChatRequestError } from './wechatRequestError.js';

type Node = Record<string, unknown>;

/**
 * Entities are never expanded (no XXE, no billion laughs) and values stay strings:
 * a 64-bit MsgId or a Content of "0012" comes out exactly as sent.
 */
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  maxNestedTags: 8,
});

const CDATA = /<!\[CDATA\[[\s\S]*?\]\]>/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * The leaf fields of a WeChat message `<xml>…</xml>`, as strings. A DOCTYPE or any
 * other declaration is refused before the parser sees the text; nested fields
 * (menu events such as ScanCodeInfo) are skipped; a repeated field is refused.
 */
export function parseWeChatXml(text: string): Record<string, string> {
  if (text.trim() === '') throw new WeChatRequestError(400, 'empty_body', 'the body is empty; WeChat sends an <xml> message');
  // Outside CDATA, "<!" may only open a comment; DOCTYPE, ENTITY and friends are refused.
  if (/<!(?!--)/.test(text.replace(CDATA, ''))) {
    throw new WeChatRequestError(400, 'forbidden_xml', 'DOCTYPE and entity declarations are not accepted');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new WeChatRequestError(400, 'malformed_xml', `the body is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  let tree: Node[];
  try {
    tree = parser.parse(text) as Node[];
  } catch (err) {
    throw new WeChatRequestError(400, 'malformed_xml', `the body is not a WeChat message (${(err as Error).message})`);
  }
  const roots = tree.filter((n) => !isText(n));
  const root = roots[0];
  if (roots.length !== 1 || !root || !Array.isArray(root.xml)) throw new WeChatRequestError(400, 'bad_message', 'the body must be one <xml> element');
  const fields: Record<string, string> = {};
  for (const child of root.xml as Node[]) {
    if (isText(child)) continue;
    const name = Object.keys(child)[0]!;
    const content = child[name] as Node[];
    if (!content.every(isText)) continue;
    if (Object.hasOwn(fields, name)) throw new WeChatRequestError(400, 'bad_message', `the field ${name} appears more than once`);
    fields[name] = content.map(textOf).join('');
  }
  return fields;
}

/** A reply `<xml>`: strings in CDATA, numbers as they are. */
export function buildWeChatXml(fields: Record<string, string | number>): string {
  const body = Object.entries(fields)
    .map(([name, value]) => `<${name}>${typeof value === 'number' ? String(value) : cdata(value)}</${name}>`)
    .join('');
  return `<xml>${body}</xml>`;
}

function cdata(value: string): string {
  // "]]>" cannot appear inside one CDATA section: close and reopen around it.
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function isText(node: Node): boolean {
  return '#text' in node || '#cdata' in node;
}

function textOf(node: Node): string {
  if ('#cdata' in node) return (node['#cdata'] as Node[]).map((n) => String(n['#text'] ?? '')).join('');
  return decodeReferences(String(node['#text']));
}

/** The five predefined entities and character references, in one pass: nothing can expand into more references. */
function decodeReferences(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new WeChatRequestError(400, 'malformed_xml', `invalid character reference ${whole}`);
      return String.fromCodePoint(code);
    }
    const known = PREDEFINED[ref];
    if (known === undefined) throw new WeChatRequestError(400, 'forbidden_xml', `entity references such as ${whole} are not accepted`);
    return known;
  });
}
