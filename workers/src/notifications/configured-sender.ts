import type { Config } from '@concert/infra';
import type { Knex } from 'knex';
import { inboxSender } from './inbox-sender.js';
import type { NotificationSender } from './notification.js';
import { webhookSender } from './webhook-sender.js';

/** The signed webhook when NOTIFY_WEBHOOK_URL is set (the config demands its secret then), else the inbox table. */
export function configuredSender(
  config: Pick<Config, 'NOTIFY_WEBHOOK_URL' | 'NOTIFY_WEBHOOK_SECRET' | 'NOTIFY_TIMEOUT_MS'>,
  knex: Knex,
): NotificationSender {
  if (config.NOTIFY_WEBHOOK_URL === undefined) return inboxSender(knex);
  if (config.NOTIFY_WEBHOOK_SECRET === undefined)
    throw new Error('NOTIFY_WEBHOOK_SECRET is required with NOTIFY_WEBHOOK_URL');
  return webhookSender({
    url: config.NOTIFY_WEBHOOK_URL,
    secret: config.NOTIFY_WEBHOOK_SECRET,
    timeoutMs: config.NOTIFY_TIMEOUT_MS,
  });
}
