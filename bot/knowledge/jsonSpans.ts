/**
 * Where each value of a JSON text sits, by JSON pointer, so an edit can replace
 * one value in place and leave the rest of the file (indentation, one-line
 * arrays, key order) exactly as its editors wrote it.
 */
export interface Span {
  start: number;
  end: number;
}

export function escapePointer(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function valueSpans(text: string): Map<string, Span> {
  const spans = new Map<string, Span>();
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${i}`);
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
  };
  const value = (pointer: string): void => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      while (text[i] !== '}') {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const keyStart = i;
        string();
        const key = JSON.parse(text.slice(keyStart, i)) as string;
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        value(`${pointer}/${escapePointer(key)}`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail('expected "," or "}"');
        ws();
      }
      i++;
    } else if (c === '[') {
      i++;
      ws();
      let n = 0;
      while (text[i] !== ']') {
        value(`${pointer}/${n++}`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail('expected "," or "]"');
        ws();
      }
      i++;
    } else if (c === '"') {
      string();
    } else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 40));
      if (!m) fail('unexpected character');
      i += m![0].length;
    }
    spans.set(pointer, { start, end: i });
  };
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  value('');
  return spans;
}

/**
 * Replaces the values at the given pointers with new JSON values. Strings are
 * written as JSON.stringify writes them: UTF-8 left unescaped.
 */
export function replaceValues(text: string, edits: ReadonlyMap<string, string>): string {
  const spans = valueSpans(text);
  const ordered = [...edits].map(([pointer, json]) => {
    const span = spans.get(pointer);
    if (!span) throw new RangeError(`no value at ${pointer}`);
    return { span, json };
  });
  ordered.sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const { span, json } of ordered) out = out.slice(0, span.start) + json + out.slice(span.end);
  return out;
}
