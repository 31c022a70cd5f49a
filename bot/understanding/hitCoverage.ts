/**
 * Which characters of a question some hit spans, so "does any hit overlap this word" costs
 * the word's length instead of the number of hits (a scan over every hit per word was
 * quadratic in the length of the message).
 */
export class HitCoverage {
  private readonly covered: Uint8Array;

  constructor(length: number, hits: Iterable<{ start: number; end: number }>) {
    this.covered = new Uint8Array(length);
    for (const h of hits) this.add(h);
  }

  add(hit: { start: number; end: number }): void {
    this.covered.fill(1, Math.max(0, hit.start), Math.min(this.covered.length, hit.end));
  }

  /** whether any character in [start, end) is covered: `hits.some(h => h.start < end && h.end > start)` */
  any(start: number, end: number): boolean {
    const last = Math.min(this.covered.length, end);
    for (let i = Math.max(0, start); i < last; i++) if (this.covered[i] === 1) return true;
    return false;
  }
}
