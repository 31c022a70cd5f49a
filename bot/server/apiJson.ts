import type { Office } from '../knowledge/schema.js';
import type { MatterScore } from '../understanding/matterMatcher.js';

/** The API's shapes, shared by the HTTP API and the staff CLI's --json so they cannot drift apart. */
export function matterMatchJson(m: MatterScore): { no: number; code: string | null; title: string; score: number } {
  return { no: m.matter.no, code: m.matter.code, title: m.matter.title, score: m.score };
}

export function officeJson(o: Office): { name: string; phone: string; phones: string[]; level: Office['level']; prefecture: string | null } {
  return { name: o.name, phone: o.phones[0] ?? '', phones: o.phones, level: o.level, prefecture: o.prefecture };
}
