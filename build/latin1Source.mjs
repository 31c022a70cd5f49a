// Keeps a bundle's source text one byte a character in V8 (issue 15, memory). V8 holds a script's whole source as a
// string for as long as its functions live (lazy compilation, toString), and one character above U+00FF makes that
// string two bytes a character: the ~10 MB server bundle became ~20 MB of heap (and of the start-up snapshot) because
// of 284 characters. esbuild escapes them in strings and templates but not in regular expression literals
// (the recognizers' /０/g, pinyin's /(ā|á|ǎ|à)/g, our /[（(]/u), so those are rewritten here with \uXXXX escapes,
// which mean the same in every regular expression mode (a surrogate pair is one code point under u and v).
import { tokenizer } from 'acorn';

const LATIN1 = 0xff;

/** `body` (a regular expression's pattern) with every UTF-16 unit above U+00FF written as \uXXXX. */
function escapePattern(body) {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\' && i + 1 < body.length && body.charCodeAt(i + 1) <= LATIN1) {
      out += ch + body[++i]; // an escape of a Latin-1 character: kept as it is
      continue;
    }
    // an identity escape of a wide character (\（, legal without u) means the character itself
    const at = ch === '\\' ? i + 1 : i;
    const code = body.charCodeAt(at);
    if (code > LATIN1) {
      out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
      i = at;
    } else out += ch;
  }
  return out;
}

/** Source characters above U+00FF left after rewriting (none expected), each with a little context, for a message. */
export function wideCharacters(code) {
  const found = [];
  for (const m of code.matchAll(/[^\u0000-\u00ff]/gu)) found.push(JSON.stringify(code.slice(Math.max(0, m.index - 30), m.index + 10)));
  return found;
}

/** `code` (a whole script or module) with each regular expression literal's wide characters escaped; nothing else changes. */
export function latin1Regexps(code, sourceType) {
  const edits = [];
  for (const token of tokenizer(code, { ecmaVersion: 'latest', sourceType, allowHashBang: true })) {
    if (token.type.label !== 'regexp') continue;
    const raw = code.slice(token.start, token.end);
    if (!/[^\u0000-\u00ff]/u.test(raw)) continue;
    const slash = raw.lastIndexOf('/');
    edits.push({ start: token.start, end: token.end, text: `/${escapePattern(raw.slice(1, slash))}${raw.slice(slash)}` });
  }
  let out = '';
  let from = 0;
  for (const e of edits) {
    out += code.slice(from, e.start) + e.text;
    from = e.end;
  }
  return out + code.slice(from);
}
