import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../../bot/config/config.js';

/** The source documents (knowledge/sources), read as they are so tests compare the knowledge with them. */
export const SEEDS_DIR = path.resolve(ROOT_DIR, 'knowledge', 'sources');

export interface GuideMatter {
  no: number;
  fields: Map<string, string>;
}

/** Splits 办事指南 into its 30 matters by "◆事项名称", and each into its ◆ fields. */
export function readGuide(): { matters: GuideMatter[]; directory: string } {
  const text = fs.readFileSync(path.join(SEEDS_DIR, 'service-guide.txt'), 'utf8');
  const dirStart = text.indexOf('全区各级医疗保障部门咨询监督电话');
  const body = text.slice(0, dirStart);
  const parts = body.split('◆事项名称：').slice(1);
  const matters = parts.map((raw, i) => {
    // The next matter's heading ("十二、异地安置退休人员备案") ends this part, sometimes mid-line.
    const part = raw.replace(/\s*[一二三四五六七八九十]{1,3}、[^\n◆]*\s*$/, '');
    const fields = new Map<string, string>();
    const [title, ...rest] = part.split('◆');
    fields.set('事项名称', (title ?? '').split('\n')[0]!.trim());
    for (const seg of rest) {
      const m = /^([^：:\n]+)[：:]?([\s\S]*)$/.exec(seg);
      if (m) fields.set(m[1]!.trim(), m[2]!.trim());
    }
    return { no: i + 1, fields };
  });
  return { matters, directory: text.slice(dirStart) };
}

/** The numbered lines of a 办理材料 field, numbering removed. */
export function materialLines(field: string): string[] {
  return field
    .split('\n')
    .map((l) => l.replace(/\[image:[^\]]*\]/g, '').trim())
    .filter((l) => l !== '' && !l.startsWith('[') && !/^(材料不全一次告知|办结)$/.test(l))
    .map((l) => l.replace(/^(\d+\.|（\d+）)\s*/, '').trim())
    .filter((l) => l !== '');
}
