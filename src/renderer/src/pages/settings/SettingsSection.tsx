import type { ReactNode } from 'react';
import { Paper, Stack, Text, Title } from '@mantine/core';

export function SettingsSection(props: {
  title: string;
  description?: string;
  children: ReactNode;
}) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label={props.title}>
      <Stack gap={4} mb="md">
        <Title order={3} size="h4">
          {props.title}
        </Title>
        {props.description && (
          <Text size="sm" c="dimmed">
            {props.description}
          </Text>
        )}
      </Stack>
      {props.children}
    </Paper>
  );
}
