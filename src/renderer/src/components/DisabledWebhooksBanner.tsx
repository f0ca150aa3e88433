import { Alert, Button, List, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Webhook } from '../../../shared/domain';
import { useHandlerQuery } from '../api/handlerQueries';
import { disabledBySystem } from '../pages/webhooks/events';
import { AlertIcon } from './icons';

// The first page of endpoints is enough: a site has a handful, not hundreds.
const WEBHOOKS_PAGE_SIZE = 100;
// More names than this and the banner would push the page down; the rest are counted.
const NAMED = 3;

/**
 * Above every page while the dispatcher has switched an endpoint off (a 410, or days of
 * failures): nothing reaches that system until someone looks. Endpoints the staff disabled
 * themselves are no news to them and are left out.
 */
export function DisabledWebhooksBanner(props: { onOpen?: () => void }) {
  const { t } = useTranslation();
  // webhooks/changed refreshes it the moment the dispatcher disables one.
  const webhooks = useHandlerQuery('webhooks/list', { page: 1, page_size: WEBHOOKS_PAGE_SIZE });
  const disabled = (webhooks.data?.items ?? []).filter(disabledBySystem);
  if (disabled.length === 0) return null;

  const rest = disabled.length - NAMED;
  const describe = (webhook: Webhook) =>
    t('webhooks.banner.item', { nombre: webhook.nombre, motivo: webhook.motivo_desactivacion });
  return (
    <Alert
      color="red"
      variant="light"
      icon={<AlertIcon />}
      title={t('webhooks.banner.title', { count: disabled.length })}
      role="alert"
      mb="lg"
      radius="md"
    >
      <Stack gap={6} align="flex-start">
        {disabled.length === 1 ? (
          <Text size="sm">{describe(disabled[0]!)}</Text>
        ) : (
          <List size="sm" spacing={2}>
            {disabled.slice(0, NAMED).map((webhook) => (
              <List.Item key={webhook.id}>{describe(webhook)}</List.Item>
            ))}
          </List>
        )}
        {rest > 0 && <Text size="sm">{t('webhooks.banner.more', { count: rest })}</Text>}
        <Text size="sm" c="dimmed">
          {t('webhooks.banner.help')}
        </Text>
        {props.onOpen && (
          <Button size="xs" color="red" variant="filled" onClick={props.onOpen}>
            {t('webhooks.banner.open')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
