import { Select } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../../../shared/settings';
import { useErrorMessage } from '../../api/errorMessage';
import { useHandlerMutation } from '../../api/handlerQueries';
import { applyLanguage } from '../../i18n';
import { Section } from '../../components/Section';

// Language names are written in their own language, so anyone can find theirs.
const LANGUAGE_OPTIONS: { value: Language; label: string }[] = [
  { value: 'es', label: 'Español' },
  { value: 'en', label: 'English' },
];

/** Switching applies at once and is saved at once: there is nothing to confirm. */
export function LanguageSection({ language }: { language: Language }) {
  const { t } = useTranslation();
  const describe = useErrorMessage();
  const update = useHandlerMutation('settings/update', ['settings']);

  const change = (next: Language) => {
    const previous = language;
    applyLanguage(next);
    update.mutate(
      { language: next },
      {
        onError: (error) => {
          applyLanguage(previous);
          notifications.show({
            color: 'red',
            title: t('errors.saveFailed'),
            message: describe(error),
          });
        },
      },
    );
  };

  return (
    <Section title={t('settings.language.title')} description={t('settings.language.help')}>
      <Select
        label={t('settings.language.label')}
        data={LANGUAGE_OPTIONS}
        value={language}
        allowDeselect={false}
        onChange={(value) => value && change(value as Language)}
        disabled={update.isPending}
        w={260}
      />
    </Section>
  );
}
