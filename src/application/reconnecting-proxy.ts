/**
 * The forwarding proxies ClientService hands to its endpoint (Twisted's
 * _DisconnectFactory and _ReconnectingProtocolProxy): everything is
 * forwarded to the application's factory and protocols, except that each
 * protocol's connectionLost is also reported to the service.
 */
import type { Address, IProtocol, IProtocolFactory } from './interfaces.js';

// The application protocol behind each proxy handed to an endpoint.
const innerProtocols = new WeakMap<IProtocol, IProtocol>();

/** The application protocol behind a proxy built by `proxyFactory` (the argument itself if it is not a proxy). */
export function innerProtocolOf(protocol: IProtocol): IProtocol {
  return innerProtocols.get(protocol) ?? protocol;
}

/** Closes a connection through the protocol's transport (Twisted's disconnect(): no transport, nothing to do). */
export function closeConnection(protocol: IProtocol): void {
  protocol.transport?.loseConnection();
}

// A protocol that forwards everything to `inner` and also reports connectionLost to `onLost`.
function proxyProtocol(inner: IProtocol, onLost: (proxy: IProtocol) => void): IProtocol {
  let proxy: IProtocol;
  const connectionLost = (reason: Error | null): void => {
    try {
      inner.connectionLost(reason);
    } finally {
      onLost(proxy);
    }
  };
  proxy = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'connectionLost') return connectionLost;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
    set: (target, prop, value) => Reflect.set(target, prop, value, target),
  });
  innerProtocols.set(proxy, inner);
  return proxy;
}

/** A factory that forwards everything to `factory` and wraps the protocols it builds so that `onLost` hears each connectionLost. */
export function proxyFactory(factory: IProtocolFactory, onLost: (proxy: IProtocol) => void): IProtocolFactory {
  const buildProtocol = (addr: Address): IProtocol | null => {
    const built = factory.buildProtocol(addr);
    return built === null ? null : proxyProtocol(built, onLost);
  };
  return new Proxy(factory, {
    get(target, prop) {
      if (prop === 'buildProtocol') return buildProtocol;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
    set: (target, prop, value) => Reflect.set(target, prop, value, target),
  });
}
