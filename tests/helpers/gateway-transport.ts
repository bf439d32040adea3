import type { EngineGateway } from '../../src/host/engine-gateway.ts';
import type { ClientTransport, TransportHandlers } from '../../src/shared/client/transport.ts';
import type { RequestMessage } from '../../src/shared/contract/protocol.ts';

/**
 * A client transport wired straight to an engine gateway (the supervisor), with a JSON round
 * trip on every message so nothing passes that could not cross a real process boundary.
 */
export class GatewayTransport implements ClientTransport {
  private readonly gateway: EngineGateway;
  private unsubscribe: (() => void) | null = null;

  constructor(gateway: EngineGateway) {
    this.gateway = gateway;
  }

  start(handlers: TransportHandlers): void {
    this.unsubscribe = this.gateway.onEvent((event) => handlers.onMessage(roundTrip(event)));
    handlers.onStatus('open');
    this.handlers = handlers;
  }

  private handlers: TransportHandlers | null = null;

  send(message: RequestMessage): void {
    void this.gateway.request(roundTrip(message)).then((response) => this.handlers?.onMessage(roundTrip(response)));
  }

  close(): void {
    this.unsubscribe?.();
  }
}

function roundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
