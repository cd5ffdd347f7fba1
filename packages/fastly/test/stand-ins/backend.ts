/**
 * Stand-in for `fastly:backend`: static backends come from `declareBackend` (fastly.toml), dynamic ones
 * are registered when constructed, and a second backend of the same name is refused, as on Fastly.
 */
import type * as Fastly from "fastly:backend";
import { type BackendTarget, fastlyState } from "./state.js";

const dynamic = new Map<string, Backend>();
let unnamed = 0;

export class Backend implements Fastly.Backend {
  readonly name: string;
  readonly isDynamic: boolean;
  readonly target: string;
  readonly hostOverride: string;
  readonly port: number;
  readonly connectTimeout: number | null;
  readonly firstByteTimeout: number | null;
  readonly betweenBytesTimeout: number | null;
  readonly httpKeepaliveTime = 0;
  readonly tcpKeepalive = null;
  readonly isSSL: boolean;
  readonly tlsMinVersion: 1 | 1.1 | 1.2 | 1.3 | null;
  readonly tlsMaxversion: 1 | 1.1 | 1.2 | 1.3 | null;
  /** The configuration it was built with, for tests. */
  readonly configuration: Fastly.BackendConfiguration;

  constructor(configuration: Fastly.BackendConfiguration) {
    if (!configuration?.target) throw new TypeError("Backend constructor: target is required");
    const name = configuration.name ?? `dynamic_${++unnamed}`;
    if (fastlyState.staticBackends.has(name) || dynamic.has(name))
      throw new TypeError(`Backend constructor: a backend named '${name}' already exists`);
    this.configuration = configuration;
    this.name = name;
    this.isDynamic = true;
    this.target = configuration.target;
    this.hostOverride = configuration.hostOverride ?? "";
    this.isSSL = configuration.useSSL ?? false;
    this.port = Number(configuration.target.split(":")[1] ?? (this.isSSL ? 443 : 80));
    this.connectTimeout = configuration.connectTimeout ?? null;
    this.firstByteTimeout = configuration.firstByteTimeout ?? null;
    this.betweenBytesTimeout = configuration.betweenBytesTimeout ?? null;
    this.tlsMinVersion = configuration.tlsMinVersion ?? null;
    this.tlsMaxversion = configuration.tlsMaxVersion ?? null;
    dynamic.set(name, this);
  }
  health(): "healthy" | "unhealthy" | "unknown" {
    return "unknown";
  }
  toName(): string {
    return this.name;
  }
  toString(): string {
    return this.name;
  }
  static exists(name: string): boolean {
    return fastlyState.staticBackends.has(name) || dynamic.has(name);
  }
  static fromName(name: string): Backend {
    const found = dynamic.get(name);
    if (found) return found;
    if (fastlyState.staticBackends.has(name)) return staticBackend(name);
    throw new TypeError(`Backend.fromName: no backend named '${name}' exists`);
  }
  static health(backend: Backend): "healthy" | "unhealthy" | "unknown" {
    return backend.health();
  }
}

/** A static backend seen through the Backend class (Fastly gives static ones the same shape). */
function staticBackend(name: string): Backend {
  const target = fastlyState.staticBackends.get(name)!;
  const view = Object.create(Backend.prototype) as Backend;
  Object.assign(view, { name, isDynamic: false, target: target.target, isSSL: !!target.useSSL });
  return view;
}

/** Where a backend connects: used by the fetch stand-in. */
export function targetOf(name: string): BackendTarget | undefined {
  const found = dynamic.get(name);
  if (found) return { target: found.target, useSSL: found.isSSL, hostOverride: found.hostOverride };
  return fastlyState.staticBackends.get(name);
}

/** Forgets dynamic backends (each Fastly instance starts without them). */
export function resetDynamicBackends(): void {
  dynamic.clear();
}
