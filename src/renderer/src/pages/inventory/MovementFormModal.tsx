import { useId, useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Group,
  Input,
  Modal,
  NumberInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import {
  DEFAULT_WAREHOUSE,
  MOVEMENT_TYPES,
  type ArticleSummary,
  type MovementType,
} from '../../../../shared/domain';
import { fieldErrors, formLevelError } from '../../api/errorMessage';
import { useHandlerMutation } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InfoIcon } from '../../components/icons';
import { nullableNumber, nullableText, type NumberFieldValue } from '../../forms';
import { useFormatters } from '../../format';
import { ArticleSelect } from './ArticleSelect';

const MOVEMENT_FIELDS = ['articulo', 'tipo', 'cantidad', 'almacen', 'referencia'] as const;

/** Registers a movement. It is created PENDIENTE: stock changes only when someone approves it. */
export function MovementFormModal(props: {
  initialArticle: ArticleSummary | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [article, setArticle] = useState<ArticleSummary | null>(props.initialArticle);
  const [type, setType] = useState<MovementType>('ENTRADA');
  const [quantity, setQuantity] = useState<NumberFieldValue>('');
  const [warehouse, setWarehouse] = useState(DEFAULT_WAREHOUSE);
  const [reference, setReference] = useState('');
  const [missingArticle, setMissingArticle] = useState(false);
  const [missingQuantity, setMissingQuantity] = useState(false);
  const typeFieldId = useId();
  const { number } = useFormatters();
  const create = useHandlerMutation('inventory/createMovement', ['inventory', 'app']);

  const errors = fieldErrors(create.error);
  const unplacedError = formLevelError(create.error, MOVEMENT_FIELDS);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Empty fields have no value to send, so the core could not name them in its answer:
    // they are checked here. Everything else is the core's to validate.
    const cantidad = nullableNumber(quantity);
    setMissingArticle(!article);
    setMissingQuantity(cantidad === null);
    if (!article || cantidad === null) return;
    create.mutate(
      {
        tipo: type,
        articulo: article.id,
        cantidad,
        almacen: warehouse.trim() || DEFAULT_WAREHOUSE,
        referencia: nullableText(reference),
      },
      {
        onSuccess: (movement) => {
          notifications.show({
            color: 'teal',
            title: t('movements.form.createdTitle', { id: movement.id }),
            message: t('movements.form.createdMessage'),
            autoClose: 8000,
          });
          props.onClose();
        },
      },
    );
  };

  return (
    <Modal opened onClose={props.onClose} size="lg" title={t('movements.form.title')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Alert variant="light" color="blue" icon={<InfoIcon />}>
            {t('movements.form.pendingNote')}
          </Alert>
          {unplacedError && <ErrorAlert error={unplacedError} title={t('errors.saveFailed')} />}

          <ArticleSelect
            value={article}
            onChange={(next) => {
              setArticle(next);
              setMissingArticle(false);
            }}
            error={missingArticle ? t('movements.form.articleRequired') : errors.articulo}
          />

          <Input.Wrapper
            label={t('movements.fields.tipo')}
            description={t(`movements.typeHelp.${type}`)}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            error={errors.tipo}
            id={typeFieldId}
            labelElement="div"
          >
            <SegmentedControl
              fullWidth
              mt={4}
              mb={4}
              aria-labelledby={`${typeFieldId}-label`}
              value={type}
              onChange={(value) => setType(value as MovementType)}
              data={MOVEMENT_TYPES.map((value) => ({
                value,
                label: t(`movementType.${value}`),
              }))}
            />
          </Input.Wrapper>

          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <NumberInput
              label={
                type === 'AJUSTE'
                  ? t('movements.form.countedStock')
                  : t('movements.fields.cantidad')
              }
              withAsterisk
              data-autofocus={props.initialArticle ? true : undefined}
              value={quantity}
              onChange={(value) => {
                setQuantity(value);
                setMissingQuantity(false);
              }}
              error={missingQuantity ? t('movements.form.quantityRequired') : errors.cantidad}
              min={0}
              decimalScale={3}
            />
            <TextInput
              label={t('movements.fields.almacen')}
              value={warehouse}
              onChange={(e) => setWarehouse(e.currentTarget.value)}
              error={errors.almacen}
              maxLength={64}
            />
          </SimpleGrid>
          <TextInput
            label={t('movements.fields.referencia')}
            description={t('movements.form.referenciaHelp')}
            value={reference}
            onChange={(e) => setReference(e.currentTarget.value)}
            error={errors.referencia}
          />
          {article && (
            <Text size="sm" c="dimmed">
              {t('movements.form.currentStock', {
                stock: number(article.stock_total),
                unidad: article.unidad,
              })}
            </Text>
          )}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('movements.register')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
