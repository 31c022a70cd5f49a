import { CloudAdapter, type Activity, type ConversationReference, type InvokeResponse, type ResourceResponse, type TurnContext } from 'botbuilder';
import type { BotLogic } from '../../dialogs/channels.js';

/**
 * CloudAdapter for POST /api/messages whose conversations and users live in their own part of
 * the state store. Conversation and user state are keyed by the activity's channelId,
 * conversation.id and from.id, all written by whoever posts the activity: without this an
 * anonymous POST saying `"channelId":"wechat"` and someone's openid ran that person's WeChat
 * conversation. Here the route, not the body, chooses the namespace: ids are prefixed on the
 * way in, so no key can equal a Direct Line or WeChat key, and the prefix is taken off every
 * outgoing activity, so the channel sees its own ids.
 */
export class BotFrameworkAdapter extends CloudAdapter {
  static readonly ID_PREFIX = 'bf~';

  /** The activity with its conversation and sender ids in this route's namespace. */
  static inward(activity: Activity): Activity {
    return {
      ...activity,
      conversation: { ...activity.conversation, id: BotFrameworkAdapter.ID_PREFIX + activity.conversation.id },
      ...(activity.from ? { from: { ...activity.from, id: BotFrameworkAdapter.ID_PREFIX + activity.from.id } } : {}),
    };
  }

  /** Runs one incoming activity (already authorised by the route) and returns what to answer. */
  async run(authHeader: string, activity: Activity, logic: BotLogic): Promise<InvokeResponse | undefined> {
    const answer = await this.processActivity(authHeader, activity, logic);
    // deliveryMode expectReplies: the replies come back in the answer, buffered before the adapter saw them.
    const body = answer?.body as { activities?: unknown } | undefined;
    if (answer && body && Array.isArray(body.activities)) {
      return { ...answer, body: { ...body, activities: (body.activities as Partial<Activity>[]).map(outward) } };
    }
    return answer;
  }

  override sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    return super.sendActivities(context, activities.map(outward));
  }

  override updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    return super.updateActivity(context, outward(activity));
  }

  override deleteActivity(context: TurnContext, reference: Partial<ConversationReference>): Promise<void> {
    return super.deleteActivity(
      context,
      reference.conversation ? { ...reference, conversation: { ...reference.conversation, id: strip(reference.conversation.id) } } : reference,
    );
  }
}

function strip(id: string): string;
function strip(id: string | undefined): string | undefined;
function strip(id: string | undefined): string | undefined {
  return id?.startsWith(BotFrameworkAdapter.ID_PREFIX) ? id.slice(BotFrameworkAdapter.ID_PREFIX.length) : id;
}

/** An outgoing activity with the channel's own ids (the conversation, and the person it is sent to). */
function outward(activity: Partial<Activity>): Partial<Activity> {
  return {
    ...activity,
    ...(activity.conversation ? { conversation: { ...activity.conversation, id: strip(activity.conversation.id) } } : {}),
    ...(activity.recipient ? { recipient: { ...activity.recipient, id: strip(activity.recipient.id) } } : {}),
  };
}
