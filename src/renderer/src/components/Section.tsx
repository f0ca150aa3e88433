import type { ReactNode } from 'react';
import { Paper, Stack, Text, Title, type MantineSpacing } from '@mantine/core';

/** A titled panel of a page: a heading, a sentence saying what it is for, then its content. */
export function Section(props: {
  title: string;
  description?: string;
  padding?: MantineSpacing;
  children: ReactNode;
}) {
  return (
    <Paper
      withBorder
      radius="md"
      p={props.padding ?? 'lg'}
      component="section"
      aria-label={props.title}
    >
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
