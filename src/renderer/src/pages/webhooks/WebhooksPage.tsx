import { useState } from 'react';
import { Button, EmptyState, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Webhook } from '../../../../shared/domain';
import { useHandlerQuery } from '../../api/handlerQueries';
import { PageHeader } from '../../components/PageHeader';
import { QueryStates } from '../../components/QueryStates';
import { TablePager } from '../../components/TablePager';
import { PlusIcon, WebhookIcon } from '../../components/icons';
import { usePaging } from '../../components/usePaging';
import { CreateWebhookModal } from './CreateWebhookModal';
import { DeleteWebhookModal } from './DeleteWebhookModal';
import { DeliveriesDrawer } from './DeliveriesDrawer';
import { RotateSecretModal } from './RotateSecretModal';
import { WebhookSecretModal, type SecretView } from './WebhookSecretModal';
import { WebhooksTable } from './WebhooksTable';

/** The endpoints other systems are told at, with their deliveries, secrets and state. */
export function WebhooksPage() {
  const { t } = useTranslation();
  const paging = usePaging();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<SecretView | null>(null);
  const [rotating, setRotating] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [deliveriesOf, setDeliveriesOf] = useState<Webhook | null>(null);

  const webhooks = useHandlerQuery(
    'webhooks/list',
    { page: paging.page, page_size: paging.pageSize },
    { paged: true },
  );

  const newButton = (
    <Button leftSection={<PlusIcon size={18} />} onClick={() => setCreating(true)}>
      {t('webhooks.new')}
    </Button>
  );

  return (
    <>
      <PageHeader
        title={t('webhooks.title')}
        description={t('webhooks.description')}
        actions={newButton}
      />

      <Paper
        withBorder
        radius="md"
        p="lg"
        mb="lg"
        component="section"
        aria-labelledby="webhooks-intro"
      >
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
          <Stack gap="xs">
            <Title order={3} size="h5" id="webhooks-intro">
              {t('webhooks.intro.title')}
            </Title>
            <Text size="sm">{t('webhooks.intro.what')}</Text>
            <Text size="sm">{t('webhooks.intro.signed')}</Text>
          </Stack>
          <Stack gap="xs">
            <Title order={3} size="h5">
              {t('webhooks.intro.retriesTitle')}
            </Title>
            <Text size="sm">{t('webhooks.intro.retries')}</Text>
            <Text size="sm">{t('webhooks.intro.disabling')}</Text>
          </Stack>
        </SimpleGrid>
      </Paper>

      <Paper withBorder radius="md" p="md">
        <QueryStates
          query={webhooks}
          empty={{
            icon: <WebhookIcon size={28} />,
            variant: 'light',
            title: t('webhooks.empty.title'),
            description: t('webhooks.empty.description'),
            children: <EmptyState.Actions>{newButton}</EmptyState.Actions>,
          }}
        >
          {(data) => (
            <>
              <WebhooksTable
                webhooks={data.items}
                onDeliveries={setDeliveriesOf}
                onShowSecret={(webhook) => setSecret({ kind: 'show', webhook })}
                onRotate={setRotating}
                onDelete={setDeleting}
              />
              <TablePager paging={paging} total={data.total} />
            </>
          )}
        </QueryStates>
      </Paper>

      {creating && (
        <CreateWebhookModal
          onClose={() => setCreating(false)}
          onCreated={({ secreto, ...webhook }) => {
            setCreating(false);
            setSecret({ kind: 'created', webhook, secreto });
          }}
        />
      )}
      {secret && <WebhookSecretModal view={secret} onClose={() => setSecret(null)} />}
      {rotating && (
        <RotateSecretModal
          webhook={rotating}
          onClose={() => setRotating(null)}
          onRotated={({ rotacion_hasta }) => {
            setSecret({ kind: 'rotated', webhook: rotating, rotacion_hasta });
            setRotating(null);
          }}
        />
      )}
      {deleting && <DeleteWebhookModal webhook={deleting} onClose={() => setDeleting(null)} />}
      <DeliveriesDrawer
        // The row it was opened from is a snapshot; the list follows the deliveries' progress.
        webhook={
          deliveriesOf &&
          (webhooks.data?.items.find((item) => item.id === deliveriesOf.id) ?? deliveriesOf)
        }
        onClose={() => setDeliveriesOf(null)}
      />
    </>
  );
}
