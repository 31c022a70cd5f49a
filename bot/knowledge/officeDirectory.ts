import { KnowledgeError, type KnowledgeProblem } from '../errors/knowledgeError.js';
import type { Level, Office } from './schema.js';

/**
 * The office hierarchy of knowledge/offices.json: one region, its prefectures, their counties.
 * The one place the hierarchy is checked: KnowledgeBase reports these problems with the rest,
 * and a directory is never built from offices that have any.
 */
export class OfficeDirectory {
  private readonly regionOffice: Office;
  private readonly prefectures = new Map<string, Office>();
  private readonly byLabel = new Map<string, Office>();
  private readonly byDivision = new Map<string, Office>();

  constructor(readonly offices: readonly Office[]) {
    const problems = OfficeDirectory.problems(offices);
    if (problems[0] !== undefined) {
      const { message, ...where } = problems[0];
      throw new KnowledgeError(message, where, problems.slice(1));
    }
    this.regionOffice = offices.find((o) => o.level === 'region')!;
    for (const o of offices) {
      if (o.level === 'prefecture') this.prefectures.set(o.division, o);
      this.byLabel.set(o.name, o);
      if (!this.byDivision.has(o.division)) this.byDivision.set(o.division, o);
    }
  }

  /** what is wrong with the hierarchy: repeated names, not exactly one region, a prefecture that is not one */
  static problems(offices: readonly Office[]): KnowledgeProblem[] {
    const problems: KnowledgeProblem[] = [];
    const file = 'offices.json';
    const names = new Set<string>();
    for (const o of offices) {
      if (names.has(o.name)) problems.push({ message: '机构名称重复', file, item: o.name, field: 'name' });
      names.add(o.name);
    }
    const regions = offices.filter((o) => o.level === 'region').length;
    if (regions !== 1) problems.push({ message: `应当正好有一个自治区级机构（level: region），现在有 ${regions} 个`, file, field: 'level' });
    const prefectures = new Set(offices.filter((o) => o.level === 'prefecture').map((o) => o.division));
    for (const o of offices) {
      if (o.level === 'region') continue;
      if (!o.prefecture || !prefectures.has(o.prefecture)) {
        problems.push({ message: `所属地市 "${o.prefecture}" 不是一个地市级机构的 division`, file, item: o.name, field: 'prefecture' });
      }
    }
    return problems;
  }

  /** directory label (拉萨市城关区) or division (城关区) */
  byName(name: string): Office | undefined {
    const key = name.trim();
    return this.byLabel.get(key) ?? this.byDivision.get(key);
  }

  region(): Office {
    return this.regionOffice;
  }

  /** the prefecture office (the region office for the region) */
  prefectureOf(office: Office): Office {
    if (office.level === 'region' || office.prefecture === null) return this.regionOffice;
    if (office.level === 'prefecture') return this.prefectures.get(office.division) ?? office;
    return this.prefectures.get(office.prefecture) ?? this.regionOffice;
  }

  /** the prefecture offices, in the file's order */
  prefectureOffices(): Office[] {
    return [...this.prefectures.values()];
  }

  /** the counties of a prefecture office, in the file's order */
  countiesOf(prefecture: Office): Office[] {
    return this.offices.filter((o) => o.level === 'county' && o.prefecture === prefecture.division);
  }

  /** the office to call for a matter handled at these levels, for a person in `office`'s area */
  forLevels(office: Office | undefined, levels: readonly Level[]): Office {
    if (office === undefined || office.level === 'region') return this.regionOffice;
    if (levels.includes('county') && office.level === 'county') return office;
    if (levels.includes('prefecture')) return this.prefectureOf(office);
    return this.regionOffice;
  }

  /** whether `a` is the region or prefecture above `b` */
  isAncestor(a: Office, b: Office): boolean {
    if (a === b) return false;
    if (a.level === 'region') return b.level !== 'region';
    if (a.level === 'prefecture') return b.level === 'county' && b.prefecture === a.division;
    return false;
  }
}
