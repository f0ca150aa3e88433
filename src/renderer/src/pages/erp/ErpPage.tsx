import { useState } from 'react';
import { Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useHandlerQuery } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ErpConfigForm } from './ErpConfigForm';
import { ErpConfigSummary } from './ErpConfigSummary';
import { ErpRunsTable } from './ErpRunsTable';
import { ErpStatusPanel } from './ErpStatusPanel';
import { SyncNowButton } from './SyncNowModal';

/** The ERP connector: its configuration, what it is doing, and every run with its records. */
export function ErpPage() {
  const { t } = useTranslation();
  const config = useHandlerQuery('erp/config', {});
  const status = useHandlerQuery('erp/status', {});
  const [editing, setEditing] = useState(false);
  const saved = config.data ?? null;
  const running = status.data?.en_curso ?? null;

  return (
    <>
      <PageHeader
        title={t('erp.title')}
        description={t('erp.description')}
        actions={saved && <SyncNowButton running={running !== null} />}
      />
      {config.isError && <ErrorAlert error={config.error} onRetry={() => void config.refetch()} />}
      {config.isPending && (
        <Group justify="center" py="xl">
          <Loader aria-label={t('common.loading')} />
        </Group>
      )}
      {config.isSuccess && !saved && (
        <Stack gap="lg">
          <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="erp-intro">
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
              <Stack gap="xs">
                <Title order={3} size="h5" id="erp-intro">
                  {t('erp.intro.title')}
                </Title>
                <Text size="sm">{t('erp.intro.what')}</Text>
                <Text size="sm">{t('erp.intro.when')}</Text>
              </Stack>
              <Stack gap="xs">
                <Title order={3} size="h5">
                  {t('erp.intro.startTitle')}
                </Title>
                <Text size="sm">{t('erp.intro.start')}</Text>
                <Text size="sm">{t('erp.intro.records')}</Text>
              </Stack>
            </SimpleGrid>
          </Paper>
          <ErpConfigForm saved={null} onSaved={() => setEditing(false)} />
        </Stack>
      )}
      {saved && (
        <Stack gap="lg">
          {status.isError && (
            <ErrorAlert error={status.error} onRetry={() => void status.refetch()} />
          )}
          {status.data && <ErpStatusPanel status={status.data} />}
          {editing ? (
            <ErpConfigForm
              saved={saved}
              onSaved={() => setEditing(false)}
              onCancel={() => setEditing(false)}
            />
          ) : (
            <ErpConfigSummary config={saved} onEdit={() => setEditing(true)} />
          )}
          <ErpRunsTable />
        </Stack>
      )}
    </>
  );
}
