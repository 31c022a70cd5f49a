import fs from 'node:fs';

/**
 * `tsx bench/heapSummary.ts BEFORE.heapsnapshot AFTER.heapsnapshot [rows]`: what grew between two
 * V8 heap snapshots (the http bench writes them with BENCH_PROFILE_DIR), by constructor: count,
 * shallow size and retained size as DevTools counts it (the retained sizes of the instances that no
 * other instance of the same constructor dominates; weak edges do not hold anything).
 */
interface ClassFigures {
  count: number;
  self: number;
  retained: number;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export function summarise(file: string): { total: number; classes: Map<string, ClassFigures> } {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const { meta } = snap.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [fType, fName, fSelf, fEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f)) as [number, number, number, number];
  const [eType, eTo] = ['type', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [number, number];
  const nodeTypes = meta.node_types[0];
  const weak = meta.edge_types[0].indexOf('weak');
  const n = snap.nodes.length / nf;
  const firstEdge = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) firstEdge[i + 1] = firstEdge[i]! + snap.nodes[i * nf + fEdges]!;
  const className = (i: number): string => {
    const type = nodeTypes[snap.nodes[i * nf + fType]!]!;
    return type === 'object' || type === 'native' ? snap.strings[snap.nodes[i * nf + fName]!]! : `(${type})`;
  };
  const targets = (i: number, visit: (to: number) => void): void => {
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e++) {
      if (snap.edges[e * ef + eType] === weak) continue;
      visit(snap.edges[e * ef + eTo]! / nf);
    }
  };

  // Post-order of a depth-first walk from the root (node 0), without recursion.
  const order = new Int32Array(n).fill(-1);
  const post: number[] = [];
  const stack: number[] = [0];
  const next = new Uint32Array(n);
  order[0] = -2;
  for (let i = 0; i < n; i++) next[i] = firstEdge[i]!;
  while (stack.length > 0) {
    const v = stack.at(-1)!;
    let pushed = false;
    while (next[v]! < firstEdge[v + 1]!) {
      const e = next[v]!++;
      if (snap.edges[e * ef + eType] === weak) continue;
      const w = snap.edges[e * ef + eTo]! / nf;
      if (order[w] !== -1) continue;
      order[w] = -2;
      stack.push(w);
      pushed = true;
      break;
    }
    if (!pushed) {
      stack.pop();
      order[v] = post.length;
      post.push(v);
    }
  }
  // Predecessors of reachable nodes, then dominators (Cooper, Harvey and Kennedy's iteration).
  const preds: number[][] = Array.from({ length: n }, () => []);
  for (const v of post) targets(v, (w) => preds[w]!.push(v));
  const idom = new Int32Array(n).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (order[a]! < order[b]!) a = idom[a]!;
      while (order[b]! < order[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let k = post.length - 2; k >= 0; k--) {
      const v = post[k]!;
      let dom = -1;
      for (const p of preds[v]!) {
        if (idom[p] === -1) continue;
        dom = dom === -1 ? p : intersect(p, dom);
      }
      if (dom !== -1 && idom[v] !== dom) {
        idom[v] = dom;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(n);
  for (const v of post) retained[v] = retained[v]! + snap.nodes[v * nf + fSelf]!;
  for (const v of post) if (v !== 0) retained[idom[v]!] = retained[idom[v]!]! + retained[v]!;

  // By constructor; an instance counts its retained size only when no instance of its own constructor dominates it.
  const children: number[][] = Array.from({ length: n }, () => []);
  for (const v of post) if (v !== 0) children[idom[v]!]!.push(v);
  const classes = new Map<string, ClassFigures>();
  const open = new Map<string, number>();
  const walk: Array<[number, boolean]> = [[0, false]];
  while (walk.length > 0) {
    const [v, leaving] = walk.pop()!;
    const name = className(v);
    if (leaving) {
      open.set(name, open.get(name)! - 1);
      continue;
    }
    const figures = classes.get(name) ?? { count: 0, self: 0, retained: 0 };
    figures.count++;
    figures.self += snap.nodes[v * nf + fSelf]!;
    if (!open.get(name)) figures.retained += retained[v]!;
    classes.set(name, figures);
    open.set(name, (open.get(name) ?? 0) + 1);
    walk.push([v, true]);
    for (const c of children[v]!) walk.push([c, false]);
  }
  return { total: retained[0]!, classes };
}

function main(argv: string[]): void {
  const [beforeFile, afterFile, rowsArg] = argv;
  if (!beforeFile || !afterFile) throw new Error('usage: tsx bench/heapSummary.ts BEFORE.heapsnapshot AFTER.heapsnapshot [rows]');
  const before = summarise(beforeFile);
  const after = summarise(afterFile);
  const mib = (b: number): string => (b / 2 ** 20).toFixed(2);
  process.stdout.write(`reachable heap: ${mib(before.total)} → ${mib(after.total)} MiB\n`);
  process.stdout.write('constructor | retained MiB before → after | shallow MiB before → after | count before → after\n');
  const none: ClassFigures = { count: 0, self: 0, retained: 0 };
  const names = [...new Set([...before.classes.keys(), ...after.classes.keys()])];
  const growth = (name: string): number => (after.classes.get(name) ?? none).retained - (before.classes.get(name) ?? none).retained;
  for (const name of names.sort((a, b) => growth(b) - growth(a)).slice(0, Number(rowsArg ?? 25))) {
    const b = before.classes.get(name) ?? none;
    const a = after.classes.get(name) ?? none;
    process.stdout.write(`${name} | ${mib(b.retained)} → ${mib(a.retained)} | ${mib(b.self)} → ${mib(a.self)} | ${b.count} → ${a.count}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
