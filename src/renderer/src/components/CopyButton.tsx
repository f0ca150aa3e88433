import { useEffect, useRef, useState } from 'react';
import { Button, type ButtonProps } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { CheckIcon, CopyIcon } from './icons';

const FEEDBACK_MS = 2500;

/**
 * "Copiar" that turns into "Copiada" for a moment once the text is on the clipboard. When the
 * browser refuses (no clipboard permission, a page that is not a secure context) a notification
 * says to copy it by hand, and `onFailure` can select the text to make that easy.
 */
export function CopyButton(
  props: {
    value: string;
    /** What is copied, for screen readers: "Copiar la clave", "Copiar http://…". */
    label: string;
    onFailure?: () => void;
  } & Pick<ButtonProps, 'size' | 'variant'>,
) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const copy = async () => {
    window.clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(props.value);
    } catch {
      setCopied(false);
      notifications.show({ color: 'red', message: t('common.copyFailed') });
      props.onFailure?.();
      return;
    }
    setCopied(true);
    timer.current = window.setTimeout(() => setCopied(false), FEEDBACK_MS);
  };

  return (
    <Button
      type="button"
      size={props.size ?? 'sm'}
      variant={copied ? 'light' : (props.variant ?? 'default')}
      color={copied ? 'teal' : undefined}
      leftSection={copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
      // The name follows the text, so a screen reader hears "Copiada" once it is done.
      aria-label={copied ? t('common.copied') : props.label}
      onClick={() => void copy()}
      style={{ flexShrink: 0 }}
    >
      {copied ? t('common.copied') : t('common.copy')}
    </Button>
  );
}
