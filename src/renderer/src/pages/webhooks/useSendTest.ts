import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Webhook } from '../../../../shared/domain';
import { useErrorMessage } from '../../api/errorMessage';
import { useHandlerMutation } from '../../api/handlerQueries';

/** «Probar»: queues a `ping` to one endpoint only and says where its result will show. */
export function useSendTest() {
  const { t } = useTranslation();
  const describe = useErrorMessage();
  const test = useHandlerMutation('webhooks/test', ['webhooks']);
  return {
    send: (webhook: Webhook) =>
      test.mutate(
        { id: webhook.id },
        {
          onSuccess: () =>
            notifications.show({
              color: 'teal',
              message: t('webhooks.tested', { nombre: webhook.nombre }),
            }),
          onError: (error) =>
            notifications.show({
              color: 'red',
              title: t('webhooks.actionFailed'),
              message: describe(error),
            }),
        },
      ),
    /** The endpoint whose test is being queued, for its button's spinner. */
    pendingId: test.isPending ? test.variables.id : null,
  };
}
