import type { PushEventName, PushEvents, PushMessage } from '../../shared/contract';

/** In-process fan-out of push events to the renderer transports (IPC, bridge). */
export interface EventBus {
  emit<K extends PushEventName>(event: K, payload: PushEvents[K]): void;
  subscribe(listener: (message: PushMessage) => void): () => void;
}

export function createEventBus(onListenerError: (error: unknown) => void): EventBus {
  const listeners = new Set<(message: PushMessage) => void>();
  return {
    emit(event, payload) {
      const message = { event, payload } as PushMessage;
      for (const listener of listeners) {
        try {
          listener(message);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
