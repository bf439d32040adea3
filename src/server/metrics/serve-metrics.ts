import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** States an open order can be in (`hyperdesk_orders{state}`). */
export const OPEN_ORDER_STATES = ['submitted', 'accepted', 'partially-filled'] as const;

/** Most distinct `reason` labels of `hyperdesk_order_rejections_total` (then `other`). */
export const MAX_REJECTION_REASONS = 32;

/** Breakers reported by `hyperdesk_circuit_breaker_open{breaker}`. */
export const BREAKERS = ['daily-loss-limit', 'consecutive-losses', 'error-rate', 'max-order-rate', 'venue'] as const;

/**
 * Every Prometheus metric `hyperdesk serve` exports, under the names the operations side
 * relies on (dashboards, alerts), plus Node's default process metrics. One registry per
 * server, so tests and several servers in one process never share counters.
 */
export class ServeMetrics {
  readonly registry = new Registry();
  readonly up: Gauge;
  readonly ready: Gauge;
  readonly leader: Gauge;
  readonly equity: Gauge;
  readonly pnlRealized: Gauge;
  readonly pnlUnrealized: Gauge;
  readonly openPositions: Gauge;
  readonly positionAge: Gauge;
  readonly orders: Gauge<'state'>;
  readonly fills: Counter;
  readonly rejections: Counter<'reason'>;
  readonly dailyLossUsed: Gauge;
  readonly breakerOpen: Gauge<'breaker'>;
  readonly killSwitch: Gauge;
  readonly rateLimitUsed: Gauge;
  readonly wsReconnects: Counter;
  readonly venueConnected: Gauge;
  readonly candleLag: Gauge;
  readonly llmTokens: Counter<'kind'>;
  readonly llmCost: Counter;
  readonly dbErrors: Counter;
  readonly errors: Counter<'component'>;
  readonly apiRequests: Counter<'status'>;
  readonly apiDuration: Histogram;
  private readonly rejectionReasons = new Set<string>();

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers });
    const counter = (name: string, help: string) => new Counter({ name, help, registers });
    this.up = gauge('hyperdesk_up', 'The server process is running (always 1)');
    this.up.set(1);
    this.ready = gauge('hyperdesk_ready', '1 when /readyz answers 200');
    this.leader = gauge('hyperdesk_leader', '1 while this instance holds the trading lease');
    this.equity = gauge('hyperdesk_equity_usd', 'Account value of the traded account (USD)');
    this.pnlRealized = gauge('hyperdesk_pnl_realized_usd', "Realised PnL of the run's fills net of fees (USD)");
    this.pnlUnrealized = gauge('hyperdesk_pnl_unrealized_usd', 'Unrealised PnL of the open position at the mark (USD)');
    this.openPositions = gauge('hyperdesk_open_positions', 'Markets with an open position on the account');
    this.positionAge = gauge('hyperdesk_position_age_seconds', 'Age of the open position (0 when flat)');
    this.orders = new Gauge({
      name: 'hyperdesk_orders',
      help: 'Open orders of the session by state',
      labelNames: ['state'],
      registers,
    });
    for (const state of OPEN_ORDER_STATES) this.orders.set({ state }, 0);
    this.fills = counter('hyperdesk_fills_total', 'Fills received by the session');
    this.rejections = new Counter({
      name: 'hyperdesk_order_rejections_total',
      help: 'Orders refused, by risk rule name or "venue"',
      labelNames: ['reason'],
      registers,
    });
    this.dailyLossUsed = gauge('hyperdesk_daily_loss_used_ratio', 'Share of the daily loss limit used today (0..1)');
    this.breakerOpen = new Gauge({
      name: 'hyperdesk_circuit_breaker_open',
      help: 'Circuit breakers stopping new entries (1 open)',
      labelNames: ['breaker'],
      registers,
    });
    for (const breaker of BREAKERS) this.breakerOpen.set({ breaker }, 0);
    this.killSwitch = gauge('hyperdesk_kill_switch_engaged', '1 while the kill switch halts the session');
    this.rateLimitUsed = gauge('hyperdesk_rate_limit_used_ratio', "Share of the venue's request budget used (0..1)");
    this.wsReconnects = counter('hyperdesk_ws_reconnects_total', 'Reconnections of the venue WebSockets');
    this.venueConnected = gauge('hyperdesk_venue_connected', "1 while the venue's push connections are up");
    this.candleLag = gauge('hyperdesk_candle_lag_seconds', 'Now minus the close time of the last closed bar');
    this.llmTokens = new Counter({
      name: 'hyperdesk_llm_tokens_total',
      help: 'LLM tokens used by learning, by kind (input, output)',
      labelNames: ['kind'],
      registers,
    });
    this.llmTokens.inc({ kind: 'input' }, 0);
    this.llmTokens.inc({ kind: 'output' }, 0);
    this.llmCost = counter('hyperdesk_llm_cost_usd_total', 'LLM cost of learning (USD)');
    this.dbErrors = counter('hyperdesk_db_errors_total', 'Database errors (store probe, checkpoint)');
    this.errors = new Counter({
      name: 'hyperdesk_errors_total',
      help: 'Errors logged, by component',
      labelNames: ['component'],
      registers,
    });
    this.apiRequests = new Counter({
      name: 'hyperdesk_api_requests_total',
      help: 'HTTP requests answered, by status code',
      labelNames: ['status'],
      registers,
    });
    this.apiDuration = new Histogram({
      name: 'hyperdesk_api_request_duration_seconds',
      help: 'Time to answer an HTTP request',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }

  /**
   * The `reason` label for a refusal by `rule`. Every distinct label value is a series the
   * registry keeps for good, so only rule-id-shaped values are used, and at most
   * {@link MAX_REJECTION_REASONS} of them; anything else counts as `other`. Rule ids are a
   * dozen fixed names today, but the field is a plain string: a rule that one day put an
   * order id or a price in it must not grow memory per refusal.
   */
  rejectionReason(rule: string): string {
    if (this.rejectionReasons.has(rule)) return rule;
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(rule) || this.rejectionReasons.size >= MAX_REJECTION_REASONS) return 'other';
    this.rejectionReasons.add(rule);
    return rule;
  }

  /** Clears what only a running session can tell (this instance stopped trading). */
  /**
   * Counts what a learning job's model calls used. The cost counter is a float (Prometheus has
   * no decimals); the exact cost stays in the knowledge base's extraction records.
   */
  countLlmUsage(usage: { inputTokens: number; outputTokens: number; costUsd: string }): void {
    this.llmTokens.inc({ kind: 'input' }, usage.inputTokens);
    this.llmTokens.inc({ kind: 'output' }, usage.outputTokens);
    this.llmCost.inc(Number(usage.costUsd));
  }

  clearSession(): void {
    this.equity.set(0);
    this.pnlRealized.set(0);
    this.pnlUnrealized.set(0);
    this.openPositions.set(0);
    this.positionAge.set(0);
    for (const state of OPEN_ORDER_STATES) this.orders.set({ state }, 0);
    this.dailyLossUsed.set(0);
    for (const breaker of BREAKERS) this.breakerOpen.set({ breaker }, 0);
    this.killSwitch.set(0);
    this.venueConnected.set(0);
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
