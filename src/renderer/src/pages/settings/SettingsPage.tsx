import { Group, Loader, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../../shared/settings';
import { useHandlerQuery } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { AboutSection } from './AboutSection';
import { LanguageSection } from './LanguageSection';
import { ServiceSettingsForm } from './ServiceSettingsForm';

function serviceSettingsKey(settings: Settings): string {
  const { language: _language, ...service } = settings;
  return JSON.stringify(service);
}

export function SettingsPage() {
  const { t } = useTranslation();
  const settings = useHandlerQuery('settings/get', {});

  return (
    <>
      <PageHeader title={t('settings.title')} description={t('settings.description')} />
      {settings.isError && <ErrorAlert error={settings.error} onRetry={() => settings.refetch()} />}
      {settings.isPending && (
        <Group justify="center" py="xl">
          <Loader aria-label={t('common.loading')} />
        </Group>
      )}
      {settings.data && (
        <Stack gap="lg" maw={860}>
          <LanguageSection language={settings.data.language} />
          {/* Re-mounted when the saved values change (here or elsewhere), so it never shows stale
              ones; a language switch alone does not discard what is being typed. */}
          <ServiceSettingsForm key={serviceSettingsKey(settings.data)} settings={settings.data} />
          <AboutSection />
        </Stack>
      )}
    </>
  );
}
