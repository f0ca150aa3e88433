import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errorMessage';
import { useHandlerMutation } from '../../api/handlerQueries';

/**
 * Starts a retry run of ledger rows in ERROR (the given ids, or all of them) and says how it
 * went: the status panel's «Reintentar todos» and a ledger row's «Reintentar».
 */
export function useErpRetry() {
  const { t } = useTranslation();
  const describe = useErrorMessage();
  const mutation = useHandlerMutation('erp/retry', ['erp', 'dashboard']);
  const start = (ids?: number[]) =>
    mutation.mutate(ids ? { ids } : {}, {
      onSuccess: ({ id }) =>
        notifications.show({ color: 'teal', message: t('erp.retry.started', { id }) }),
      onError: (error) =>
        notifications.show({
          color: 'red',
          title: t('erp.retry.failed'),
          message: describe(error),
        }),
    });
  return { mutation, start };
}
