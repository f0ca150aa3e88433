import { useState } from 'react';
import {
  Button,
  Code,
  EmptyState,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiKey, CreatedApiKey } from '../../../../shared/domain';
import { useHandlerQuery } from '../../api/handlerQueries';
import { ApiStatusPanel } from '../../components/ApiStatusPanel';
import { PageHeader } from '../../components/PageHeader';
import { QueryStates } from '../../components/QueryStates';
import { TablePager } from '../../components/TablePager';
import { KeyIcon, PlusIcon } from '../../components/icons';
import { usePaging } from '../../components/usePaging';
import { ApiKeysTable } from './ApiKeysTable';
import { CreateApiKeyModal } from './CreateApiKeyModal';
import { CreatedApiKeyModal } from './CreatedApiKeyModal';
import { RevokeApiKeyModal } from './RevokeApiKeyModal';

/** The keys external systems use to call the API: create one per system, revoke it if it leaks. */
export function ApiKeysPage() {
  const { t } = useTranslation();
  const paging = usePaging();
  const [includeInactive, setIncludeInactive] = useState(true);
  const [creating, setCreating] = useState(false);
  // The full key lives here, and only here, between its creation and "Ya la he guardado".
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const keys = useHandlerQuery(
    'keys/list',
    { incluir_inactivas: includeInactive, page: paging.page, page_size: paging.pageSize },
    { paged: true },
  );

  const newKeyButton = (
    <Button leftSection={<PlusIcon size={18} />} onClick={() => setCreating(true)}>
      {t('apiKeys.new')}
    </Button>
  );
  // Nothing to filter in an empty list; with the filter on, the switch is how to get back.
  const showFilter = !includeInactive || (keys.data?.total ?? 0) > 0;

  return (
    <>
      <PageHeader
        title={t('apiKeys.title')}
        description={t('apiKeys.description')}
        actions={newKeyButton}
      />

      <Paper
        withBorder
        radius="md"
        p="lg"
        mb="lg"
        component="section"
        aria-labelledby="api-keys-intro"
      >
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
          <Stack gap="xs">
            <Title order={3} size="h5" id="api-keys-intro">
              {t('apiKeys.intro.title')}
            </Title>
            <Text size="sm">{t('apiKeys.intro.perSystem')}</Text>
            <Text size="sm">{t('apiKeys.intro.shownOnce')}</Text>
            <Text size="sm">{t('apiKeys.intro.revoke')}</Text>
            <Text size="sm" c="dimmed">
              {t('apiKeys.intro.header')}{' '}
              <Code>Authorization: ApiKey {t('apiKeys.intro.keyPlaceholder')}</Code>
            </Text>
          </Stack>
          <Stack gap="xs">
            <Title order={3} size="h5">
              {t('apiKeys.intro.whereTitle')}
            </Title>
            <ApiStatusPanel withDocs />
          </Stack>
        </SimpleGrid>
      </Paper>

      <Paper withBorder radius="md" p="md">
        {showFilter && (
          <Group justify="flex-end" mb="sm">
            <Switch
              label={t('apiKeys.includeInactive')}
              checked={includeInactive}
              onChange={(event) => {
                setIncludeInactive(event.currentTarget.checked);
                paging.setPage(1);
              }}
            />
          </Group>
        )}
        <QueryStates
          query={keys}
          empty={
            includeInactive
              ? {
                  icon: <KeyIcon size={28} />,
                  variant: 'light',
                  title: t('apiKeys.empty.title'),
                  description: t('apiKeys.empty.description'),
                  children: <EmptyState.Actions>{newKeyButton}</EmptyState.Actions>,
                }
              : {
                  icon: <KeyIcon size={28} />,
                  withIndicatorBackground: true,
                  title: t('apiKeys.noActive.title'),
                  description: t('apiKeys.noActive.description'),
                }
          }
        >
          {(data) => (
            <>
              <ApiKeysTable keys={data.items} onRevoke={setRevoking} />
              <TablePager paging={paging} total={data.total} />
            </>
          )}
        </QueryStates>
      </Paper>

      {creating && (
        <CreateApiKeyModal
          onClose={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            setCreated(result);
          }}
        />
      )}
      {created && <CreatedApiKeyModal created={created} onClose={() => setCreated(null)} />}
      {revoking && <RevokeApiKeyModal apiKey={revoking} onClose={() => setRevoking(null)} />}
    </>
  );
}
