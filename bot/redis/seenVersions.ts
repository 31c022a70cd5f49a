/**
 * Which numbers of a shared change counter (INCR in Redis, one number per change) this instance has
 * seen, its own changes' and those the bus brought. Numbers arrive out of order, so it keeps the
 * highest number below which every one was seen (`floor`) and the few seen above it.
 */
export class SeenVersions {
  #floor: number;
  readonly #above = new Set<number>();

  constructor(floor: number) {
    this.#floor = floor;
  }

  /** every number up to this one has been seen */
  get floor(): number {
    return this.#floor;
  }

  saw(version: number): void {
    if (!Number.isInteger(version) || version <= this.#floor) return;
    this.#above.add(version);
    this.#advance();
  }

  /** after reading the whole record again, everything up to `version` is in it */
  caughtUpTo(version: number): void {
    this.#floor = Math.max(this.#floor, version);
    for (const v of this.#above) if (v <= this.#floor) this.#above.delete(v);
    this.#advance();
  }

  #advance(): void {
    while (this.#above.delete(this.#floor + 1)) this.#floor++;
  }
}
