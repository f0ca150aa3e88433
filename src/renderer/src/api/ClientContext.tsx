import { createContext, useContext, type ReactNode } from 'react';
import type { GsihClient } from '../../../shared/client';

export type TransportKind = 'electron' | 'bridge';

interface ClientContextValue {
  client: GsihClient;
  transportKind: TransportKind;
}

const ClientContext = createContext<ClientContextValue | null>(null);

export function ClientProvider(props: ClientContextValue & { children: ReactNode }) {
  const { client, transportKind, children } = props;
  return <ClientContext value={{ client, transportKind }}>{children}</ClientContext>;
}

function useClientContext(): ClientContextValue {
  const value = useContext(ClientContext);
  if (!value) throw new Error('useClient must be used inside <ClientProvider>');
  return value;
}

export function useClient(): GsihClient {
  return useClientContext().client;
}

export function useTransportKind(): TransportKind {
  return useClientContext().transportKind;
}
