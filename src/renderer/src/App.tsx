import { useState } from 'react';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { BridgeFiles } from '../../shared/bridge-protocol';
import { createClient } from '../../shared/client';
import type { GsihTransport } from '../../shared/contract';
import { ClientProvider, type TransportKind } from './api/ClientContext';
import type { TransportChoice } from './api/transport';
import { AppLayout } from './components/AppLayout';
import { MissingTokenPage } from './pages/MissingTokenPage';
import { theme } from './theme';

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Push events say when data changed, so lists need no refetch on focus; one retry covers
      // a bridge restart without hiding a real failure for long.
      queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 30_000 },
    },
  });
}

export function App({ transport }: { transport: TransportChoice }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      {/* Bottom corner: at the top they would cover the page's main action buttons. */}
      <Notifications position="bottom-right" limit={3} />
      {transport.kind === 'missing-token' ? (
        <MissingTokenPage reason="missing" />
      ) : (
        <ConnectedApp
          transport={transport.transport}
          transportKind={transport.kind}
          bridgeFiles={transport.kind === 'bridge' ? transport.files : null}
        />
      )}
    </MantineProvider>
  );
}

function ConnectedApp(props: {
  transport: GsihTransport;
  transportKind: TransportKind;
  bridgeFiles: BridgeFiles | null;
}) {
  // Created once per page load: the client holds the event subscription, the cache the data.
  const [queryClient] = useState(createQueryClient);
  const [client] = useState(() => createClient(props.transport));
  return (
    <QueryClientProvider client={queryClient}>
      <ClientProvider
        client={client}
        transportKind={props.transportKind}
        bridgeFiles={props.bridgeFiles}
      >
        <AppLayout />
      </ClientProvider>
    </QueryClientProvider>
  );
}
