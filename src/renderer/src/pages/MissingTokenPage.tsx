import { Center, Code, List, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { KeyIcon } from '../components/icons';

/**
 * Shown in a browser that has no bridge token, or one the service refuses (it changes on every
 * start): says exactly which address to open.
 */
export function MissingTokenPage({ reason }: { reason: 'missing' | 'invalid' }) {
  const { t } = useTranslation();
  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper component="main" withBorder shadow="sm" p="xl" maw={620} w="100%">
        <Stack gap="md">
          <ThemeIcon size={48} radius="xl" variant="light" color="orange">
            <KeyIcon size={26} />
          </ThemeIcon>
          <Title order={1} size="h2">
            {reason === 'missing' ? t('missingToken.title') : t('missingToken.invalidTitle')}
          </Title>
          <Text>
            {reason === 'missing' ? t('missingToken.intro') : t('missingToken.invalidIntro')}
          </Text>
          <List type="ordered" spacing="xs">
            <List.Item>
              {t('missingToken.stepServe')} <Code>gsih serve</Code>
            </List.Item>
            <List.Item>{t('missingToken.stepCopy')}</List.Item>
          </List>
          <Code block>{t('missingToken.exampleLine')}</Code>
          <Text size="sm" c="dimmed">
            {t('missingToken.why')}
          </Text>
        </Stack>
      </Paper>
    </Center>
  );
}
