import WebSocket from 'ws';

export interface ActivitySet {
  activities: Array<Record<string, any>>;
  watermark: string;
}

/** A `ws` client of a Direct Line stream that records every frame ('' for a keep-alive) and how it closed. */
export interface StreamClient {
  socket: WebSocket;
  frames: Array<ActivitySet | ''>;
  /** the activities of every ActivitySet so far, in order */
  activities(): Array<Record<string, any>>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function openStream(url: string, headers: Record<string, string> = {}): Promise<StreamClient> {
  const socket = new WebSocket(url, { headers });
  const frames: Array<ActivitySet | ''> = [];
  socket.on('message', (data) => {
    const text = data.toString('utf8');
    frames.push(text === '' ? '' : (JSON.parse(text) as ActivitySet));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return {
    socket,
    frames,
    activities: () => frames.flatMap((f) => (f === '' ? [] : f.activities)),
    closed,
    close: () => socket.close(),
  };
}

/** What an upgrade we are refused answers: the HTTP status and the JSON body. */
export function refusedUpgrade(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    socket.once('error', () => undefined); // the refusal itself surfaces as 'unexpected-response'
  });
}
