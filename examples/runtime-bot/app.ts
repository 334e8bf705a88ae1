// runtime-bot: the same small chat service for Bun and Deno (web-standard Request → Response), in
// the image of the bots that die of OOM on a 256 MB Fly.io machine. Every /leak request keeps
// ChatSessions in a module-level Map that is never pruned (the leak); /hold keeps a batch of
// messages until /drop lets them go (garbage a forced GC reclaims). bun.ts and deno.ts serve it.

class ChatSession {
  id: number;
  userId: string;
  chatId: number;
  createdAt: number;
  lastSeenAt: number;
  messageCount: number;
  commandCount: number;
  warnings: number;
  retries: number;
  step: number;
  score: number;
  locale: number;
  timezoneOffset: number;
  muted: boolean;
  premium: boolean;
  flags: number;

  constructor(id: number, userId: string) {
    this.id = id;
    this.userId = userId;
    this.chatId = id * 7;
    this.createdAt = Date.now();
    this.lastSeenAt = this.createdAt;
    this.messageCount = 0;
    this.commandCount = 0;
    this.warnings = 0;
    this.retries = 0;
    this.step = 0;
    this.score = 0;
    this.locale = 0;
    this.timezoneOffset = 0;
    this.muted = false;
    this.premium = false;
    this.flags = 0;
  }
}

class QueuedMessage {
  constructor(
    readonly id: number,
    readonly text: string,
  ) {}
}

const sessions = new Map<string, ChatSession>(); // never pruned: the leak
let held: QueuedMessage[] = [];

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function count(url: URL, name: string, fallback: number, max: number): number {
  return Math.max(0, Math.min(max, Number(url.searchParams.get(name) ?? fallback) || 0));
}

export function handle(request: Request): Response {
  const url = new URL(request.url);
  switch (url.pathname) {
    case '/leak': {
      const user = url.searchParams.get('user') ?? 'anonymous';
      const n = count(url, 'count', 1, 100_000);
      for (let i = 0; i < n; i++) {
        const id = sessions.size + 1;
        sessions.set(`${user}:${id}`, new ChatSession(id, user));
      }
      return json({ sessions: sessions.size });
    }
    case '/hold': {
      // About 1 KB per message, on the JavaScript heap.
      const n = count(url, 'count', 1000, 1_000_000);
      for (let i = 0; i < n; i++) held.push(new QueuedMessage(i, `message ${i} `.padEnd(1000, '.') + i));
      return json({ held: held.length });
    }
    case '/drop': {
      const dropped = held.length;
      held = [];
      return json({ dropped });
    }
    case '/stats':
      return json({ pid: process.pid, sessions: sessions.size, held: held.length, memory: process.memoryUsage() });
    default:
      return json({ error: 'try /leak, /hold, /drop or /stats' }, 404);
  }
}

export function portFromArgs(args: readonly string[]): number {
  const at = args.indexOf('--port');
  return at >= 0 ? Number(args[at + 1]) : 0;
}
