import type { Condition } from '../knowledge/schema.js';

/** The person's answers so far: question id → chosen option ids. */
export type Answers = Readonly<Record<string, readonly string[]>>;

/** A condition holds when every question it names was answered with one of its options. */
export function holds(when: Condition | undefined, answers: Answers): boolean {
  if (!when) return true;
  return Object.entries(when).every(([q, options]) => (answers[q] ?? []).some((a) => options.includes(a)));
}

/** Could the condition still hold once `question` is answered? (Other answered keys must already hold.) */
export function dependsOn(when: Condition | undefined, question: string, answers: Answers): boolean {
  if (!when || !(question in when)) return false;
  return Object.entries(when).every(([q, options]) => q === question || answers[q] === undefined || answers[q].some((a) => options.includes(a)));
}
