/**
 * Forwarding visitor text to a Slack incoming webhook
 * (https://api.slack.com/messaging/webhooks): `POST` of
 * `{"text": "..."}` as `application/json`; Slack answers `200 ok`.
 * @module
 */

/**
 * Escape text for Slack's mrkdwn (https://api.slack.com/reference/surfaces/formatting#escaping):
 * `&`, `<` and `>` become entities, so visitor text can never form a link,
 * a mention, `<!channel>` or `<!here>`.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A visitor message as forwarded to Slack. */
export interface VisitorText {
  text: string;
  name?: string;
  page?: string;
}

/**
 * Build the webhook payload for one visitor message: who wrote, from which
 * page, and the message quoted. Every visitor-supplied part is escaped.
 */
export function webhookPayload(message: VisitorText): { text: string } {
  const who = message.name ? `*${escapeSlackText(message.name)}*` : "A visitor";
  const where = message.page ? ` on ${escapeSlackText(message.page)}` : "";
  const quoted = escapeSlackText(message.text)
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
  return { text: `${who} wrote${where}:\n${quoted}` };
}

/**
 * Post one visitor message to an incoming webhook.
 * @throws Error naming the HTTP status and Slack's error body (e.g.
 *   `invalid_payload`, `no_service`) when Slack does not answer 2xx, or the
 *   network error when it cannot be reached
 */
export async function postToWebhook(webhookUrl: string, message: VisitorText): Promise<void> {
  const res = await fetch(webhookUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(webhookPayload(message)),
  });
  if (!res.ok) {
    const body = (await res.text()).slice(0, 200);
    throw new Error(`Slack webhook answered ${res.status}: ${body}`);
  }
}
