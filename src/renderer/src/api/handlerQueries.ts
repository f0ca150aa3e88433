import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseQueryOptions,
} from '@tanstack/react-query';
import type { HandlerInput, HandlerName, HandlerResult } from '../../../shared/contract';
import type { ClientError } from '../../../shared/client';
import { useClient } from './ClientContext';

/** Query keys start with the handler's domain so one push event can invalidate a whole domain. */
export type QueryDomain =
  | 'app'
  | 'inventory'
  | 'logs'
  | 'keys'
  | 'webhooks'
  | 'imports'
  | 'api'
  | 'settings'
  | 'erp'
  | 'dashboard';

export function domainOf(name: HandlerName): QueryDomain {
  return name.slice(0, name.indexOf('/')) as QueryDomain;
}

export function handlerQueryKey<K extends HandlerName>(name: K, input: HandlerInput<K>) {
  return [domainOf(name), name, input] as const;
}

type QueryExtras<K extends HandlerName> = Omit<
  UseQueryOptions<HandlerResult<K>, ClientError>,
  'queryKey' | 'queryFn'
> & {
  /** Paged lists keep showing the previous page while the next one loads, instead of flashing. */
  paged?: boolean;
};

export function useHandlerQuery<K extends HandlerName>(
  name: K,
  input: HandlerInput<K>,
  extras: QueryExtras<K> = {},
) {
  const client = useClient();
  const { paged, ...options } = extras;
  return useQuery<HandlerResult<K>, ClientError>({
    queryKey: handlerQueryKey(name, input),
    queryFn: () => client.invoke(name, input),
    ...(paged ? { placeholderData: keepPreviousData } : {}),
    ...options,
  });
}

/**
 * A call that changes data. The core also pushes a change event, but invalidating here as well
 * keeps the screen right when the event stream is reconnecting.
 */
export function useHandlerMutation<K extends HandlerName>(
  name: K,
  invalidates: QueryDomain[],
  options: {
    /**
     * How long the result stays in the mutation cache once nothing watches it. 0 for results that
     * must not outlive their screen, such as a new API key.
     */
    gcTime?: number;
  } = {},
) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation<HandlerResult<K>, ClientError, HandlerInput<K>>({
    mutationFn: (input) => client.invoke(name, input),
    ...options,
    onSuccess: async () => {
      await Promise.all(
        invalidates.map((domain) => queryClient.invalidateQueries({ queryKey: [domain] })),
      );
    },
  });
}
