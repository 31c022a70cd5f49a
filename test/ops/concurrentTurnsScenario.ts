import type { Server } from 'node:http';
import type { Storage } from 'botbuilder';
import type { UserProfile } from '../../dialogs/userProfile.js';
import type { BotFrameworkClient } from './botFrameworkClient.js';

const COUNTY = '江孜县';

/** The profile /api/messages keeps for a user id (the channel namespaces ids with `bf~`). */
async function profileOf(storage: Storage, user: string): Promise<UserProfile | undefined> {
  const key = `emulator/users/bf~${user}/`;
  return ((await storage.read([key]))[key] as { profile?: UserProfile } | undefined)?.profile;
}

/**
 * `people` people at once, each in two conversations (the first on bots[0], the second on the last
 * bot): the first is asked for a county, then 江孜县 there and བོད་ཡིག in the other are sent at the
 * same time. Returns what each profile kept: both fields, or the one that was overwritten is missing.
 */
export async function countyAndLanguageAtOnce(
  client: BotFrameworkClient,
  bots: string[],
  storage: Storage,
  people: number,
  tag: string,
): Promise<Array<{ lang?: string; county?: string; statuses: number[] }>> {
  return Promise.all(
    Array.from({ length: people }, async (_, i) => {
      const user = `${tag}-person-${i}`;
      const [a, b] = [`${user}-a`, `${user}-b`];
      const asked = await client.send(bots[0]!, a, user, '转人工');
      const statuses = [asked, ...(await Promise.all([client.send(bots[0]!, a, user, COUNTY), client.send(bots.at(-1)!, b, user, 'བོད་ཡིག')]))];
      const profile = await profileOf(storage, user);
      // A new conversation moves the places named before to `earlier` (offered again, never assumed): either place keeps it.
      return { lang: profile?.lang, county: profile?.office ?? profile?.earlier?.office, statuses };
    }),
  );
}

/**
 * A matter's two questions answered in quick succession: the second answer is posted while the
 * first turn is still in flight (its reply held at the connector until the bot has received the
 * second request), alternately on the bots given. Returns the message keys of the second turn.
 */
export async function twoQuickAnswers(
  client: BotFrameworkClient,
  bots: string[],
  received: () => number,
  conversation: string,
): Promise<{ statuses: number[]; keys: string[] }> {
  const user = `${conversation}-user`;
  await client.send(bots[0]!, conversation, user, '我要办理异地安置退休人员备案');
  let reached: () => void = () => undefined;
  let release: () => void = () => undefined;
  const atConnector = new Promise<void>((r) => (reached = r));
  client.hold = { conversation, until: new Promise<void>((r) => (release = r)), reached };
  const before = client.messages(conversation).length;
  const first = client.send(bots[0]!, conversation, user, '新办备案');
  await atConnector;
  const seen = received();
  const second = client.send(bots.at(-1)!, conversation, user, '本人办理');
  // Release the first turn only once its bot or the other has the second request in hand.
  for (let i = 0; i < 400 && received() === seen; i++) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 50));
  client.hold = undefined;
  release();
  const statuses = await Promise.all([first, second]);
  return {
    statuses,
    keys: client
      .messages(conversation)
      .slice(before)
      .map((a) => a.channelData?.messageKey),
  };
}

/** Requests the server has received so far (counted as they arrive, before any middleware). */
export function requestCounter(server: Server): () => number {
  let n = 0;
  server.prependListener('request', () => n++);
  return () => n;
}
