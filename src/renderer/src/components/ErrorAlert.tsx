import { Alert, Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../api/errorMessage';
import { AlertIcon } from './icons';

/** A failed load or action, with the core's message and, for loads, a way to try again. */
export function ErrorAlert(props: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  onClose?: () => void;
}) {
  const { t } = useTranslation();
  const describe = useErrorMessage();
  return (
    <Alert
      color="red"
      variant="light"
      title={props.title ?? t('errors.loadFailed')}
      icon={<AlertIcon />}
      withCloseButton={Boolean(props.onClose)}
      closeButtonLabel={t('common.close')}
      onClose={props.onClose}
      role="alert"
      mb="md"
    >
      {describe(props.error)}
      {props.onRetry && (
        <Button variant="white" color="red" size="xs" ml="md" onClick={props.onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </Alert>
  );
}
