import { Code, Group, Loader, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useHandlerQuery } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Section } from '../../components/Section';

/** Where the data lives and which build is running: read-only, for support calls. */
export function AboutSection() {
  const { t } = useTranslation();
  const info = useHandlerQuery('app/info', {});

  return (
    <Section title={t('settings.about.title')} description={t('settings.about.help')}>
      {info.isError && <ErrorAlert error={info.error} onRetry={() => info.refetch()} />}
      {info.isPending && <Loader size="sm" aria-label={t('common.loading')} />}
      {info.data && (
        <Stack gap="md">
          <ReadOnlyValue label={t('settings.about.dataDir')} value={info.data.data_dir} code />
          <ReadOnlyValue
            label={t('settings.about.databaseFile')}
            value={info.data.database_file}
            code
          />
          <Text size="sm" c="dimmed">
            {t('settings.about.dataDirHelp')} <Code>--data-dir</Code> · <Code>GSIH_DATA_DIR</Code>
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
            <ReadOnlyValue label={t('settings.about.version')} value={info.data.version} />
            <ReadOnlyValue
              label={t('settings.about.schemaVersion')}
              value={String(info.data.schema_version)}
            />
            <ReadOnlyValue
              label={t('settings.about.mode')}
              value={
                info.data.headless ? t('settings.about.headless') : t('settings.about.desktop')
              }
            />
          </SimpleGrid>
        </Stack>
      )}
    </Section>
  );
}

function ReadOnlyValue({ label, value, code }: { label: string; value: string; code?: boolean }) {
  return (
    <Group gap={4} align="flex-start" wrap="nowrap" style={{ flexDirection: 'column' }}>
      <Text size="xs" fw={600} c="dimmed" tt="uppercase">
        {label}
      </Text>
      {code ? (
        <Code block style={{ width: '100%', wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
          {value}
        </Code>
      ) : (
        <Text size="sm" fw={500}>
          {value}
        </Text>
      )}
    </Group>
  );
}
