import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'teal',
  defaultRadius: 'md',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  headings: { fontWeight: '650' },
  // Users who ask their system for less motion get none; the e2e browser asks for it too, so
  // screenshots never catch a modal half-open.
  respectReducedMotion: true,
  components: {
    Table: {
      defaultProps: { verticalSpacing: 'sm', horizontalSpacing: 'sm' },
      styles: { th: { whiteSpace: 'nowrap' } },
    },
    Modal: { styles: { title: { fontWeight: 650, fontSize: 'var(--mantine-font-size-lg)' } } },
    Drawer: { styles: { title: { fontWeight: 650, fontSize: 'var(--mantine-font-size-lg)' } } },
  },
});
