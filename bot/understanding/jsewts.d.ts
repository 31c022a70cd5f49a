/** jsewts ships no types: the two converters it exports (CommonJS). */
declare module 'jsewts' {
  interface JsEwts {
    /** EWTS (Wylie) → Tibetan Unicode; problems are pushed onto `warns` */
    fromWylie(text: string, options?: { sloppy: boolean }, warns?: string[]): string;
    /** Tibetan Unicode → EWTS */
    toWylie(text: string, escape?: boolean, warns?: string[]): string;
  }
  const jsEWTS: JsEwts;
  export default jsEWTS;
}
