import { useRef } from 'react';
import { Alert, Button, Code, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CreatedApiKey } from '../../../../shared/domain';
import { CopyButton } from '../../components/CopyButton';
import { AlertIcon } from '../../components/icons';

/**
 * The one time the full key is on screen. It closes only with "Ya la he guardado": Escape or a
 * click beside the dialog would lose a key that cannot be shown again.
 */
export function CreatedApiKeyModal(props: { created: CreatedApiKey; onClose: () => void }) {
  const { t } = useTranslation();
  const { clave, key } = props.created;
  const input = useRef<HTMLInputElement>(null);
  // When the browser refuses the clipboard, the key is selected so Ctrl+C copies it.
  const selectKey = () => input.current?.select();

  return (
    <Modal
      opened
      onClose={props.onClose}
      // Wide enough for the whole key on one line next to "Copiar".
      size="xl"
      title={t('apiKeys.created.title')}
      closeOnEscape={false}
      closeOnClickOutside={false}
      withCloseButton={false}
    >
      <Stack gap="md">
        <Text size="sm">
          {t('apiKeys.created.for', { nombre: key.nombre, sistema: key.sistema })}
        </Text>
        <Alert
          color="yellow"
          variant="light"
          icon={<AlertIcon />}
          title={t('apiKeys.created.onceTitle')}
        >
          {t('apiKeys.created.once', { sistema: key.sistema })}
        </Alert>
        <Group align="flex-end" gap="sm" wrap="nowrap">
          <TextInput
            ref={input}
            label={t('apiKeys.created.keyLabel')}
            value={clave}
            readOnly
            onFocus={selectKey}
            spellCheck={false}
            autoComplete="off"
            style={{ flex: 1 }}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <CopyButton
            value={clave}
            label={t('apiKeys.created.copyKey')}
            variant="filled"
            onFailure={selectKey}
          />
        </Group>
        <Text size="sm" c="dimmed">
          {t('apiKeys.created.usage')} <Code>Authorization: ApiKey {key.prefijo}…</Code>
        </Text>
        <Group justify="flex-end" mt="sm">
          <Button onClick={props.onClose}>{t('apiKeys.created.done')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
