import { EVENT_TYPES, type EventType } from '../../../../shared/domain';

/** Badge colours of the events a webhook can subscribe to; `ping` is the test that «Probar» sends. */
export const EVENT_COLORS: Record<EventType | 'ping', string> = {
  movimiento_creado: 'blue',
  movimiento_aprobado: 'teal',
  stock_bajo: 'red',
  alerta_generada: 'orange',
  ping: 'gray',
};

export type KnownEvent = keyof typeof EVENT_COLORS;

/** A delivery's `evento` is a plain string on the wire; the ones the UI knows get a label. */
export function isKnownEvent(evento: string): evento is KnownEvent {
  return evento === 'ping' || (EVENT_TYPES as readonly string[]).includes(evento);
}

/** Endpoints the dispatcher switched off (410, failing for days): the staff must be told. */
export function disabledBySystem(webhook: {
  activo: boolean;
  desactivado_por: string | null;
}): boolean {
  return !webhook.activo && webhook.desactivado_por === 'sistema';
}
