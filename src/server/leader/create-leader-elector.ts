import { hostname } from 'node:os';
import { FileLeaderElector } from './file-leader.ts';
import { KubernetesLeaderElector } from './kubernetes-leader.ts';
import type { LeaderConfig, LeaderElector, LeaderLog } from './leader-elector.ts';

/**
 * The elector `config` asks for. Throws a ConfigurationError naming the field when the
 * timing is unsafe or (kubernetes) the API server cannot be located.
 */
export function createLeaderElector(config: LeaderConfig, log: LeaderLog): LeaderElector {
  switch (config.kind) {
    case 'none':
      return new SoleLeader(log);
    case 'file':
      return new FileLeaderElector(config, log);
    case 'kubernetes':
      return new KubernetesLeaderElector(config, log);
  }
}

/** `leader.kind: none`: the only instance, leader from start() until stop(). */
class SoleLeader implements LeaderElector {
  readonly identity = `${hostname()}/${process.pid}`;
  private readonly log: LeaderLog;
  private leader = false;
  private readonly listeners = new Set<(leader: boolean) => void>();

  constructor(log: LeaderLog) {
    this.log = log;
  }

  isLeader(): boolean {
    return this.leader;
  }

  onChange(listener: (leader: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.leader) return;
    this.log('info', 'leader election is off (leader.kind: none): this instance trades alone');
    this.set(true);
  }

  async stop(): Promise<void> {
    if (this.leader) this.set(false);
  }

  private set(leader: boolean): void {
    this.leader = leader;
    for (const listener of [...this.listeners]) listener(leader);
  }
}
