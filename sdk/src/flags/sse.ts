/**
 * A minimal server-sent events reader over a fetch body (fetch, unlike EventSource, can send an Authorization
 * header): calls `onEvent` for each complete event until the stream ends.
 */
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string | undefined;
}

export async function readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: ServerSentEvent) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('id:')) id = line.slice(3).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) onEvent({ event, data: data.join('\n'), id });
    }
  }
}

/** What `followServerSentEvents` needs from its owner (the flags client, the web provider). */
export interface StreamFollower {
  isClosed(): boolean;
  connect(): Promise<Response>;
  onEvent(event: ServerSentEvent): void;
  /** Connected: the owner may stop polling. */
  onUp(): void;
  /** The stream ended or failed: the owner polls until it is back. */
  onDown(): void;
  onError?(error: unknown): void;
}

/** One stream connection at a time, reconnecting with a growing delay (1 s to 30 s) until the owner closes. */
export async function followServerSentEvents(follower: StreamFollower): Promise<void> {
  let delayMs = 1000;
  while (!follower.isClosed()) {
    try {
      const res = await follower.connect();
      if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
      follower.onUp();
      delayMs = 1000;
      await readServerSentEvents(res.body, (event) => follower.onEvent(event));
    } catch (error) {
      if (!follower.isClosed()) follower.onError?.(error);
    }
    if (follower.isClosed()) return;
    follower.onDown();
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 30_000);
  }
}
