import { createContext, useContext, type ReactNode } from 'react';
import type { BridgeFiles } from '../../../shared/bridge-protocol';
import type { GsihClient } from '../../../shared/client';

export type TransportKind = 'electron' | 'bridge';

interface ClientContextValue {
  client: GsihClient;
  transportKind: TransportKind;
  /** The bridge's file routes (browser); null in the desktop app, which uses its dialogs. */
  bridgeFiles: BridgeFiles | null;
}

const ClientContext = createContext<ClientContextValue | null>(null);

export function ClientProvider(props: ClientContextValue & { children: ReactNode }) {
  const { client, transportKind, bridgeFiles, children } = props;
  return <ClientContext value={{ client, transportKind, bridgeFiles }}>{children}</ClientContext>;
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

export function useBridgeFiles(): BridgeFiles | null {
  return useClientContext().bridgeFiles;
}
