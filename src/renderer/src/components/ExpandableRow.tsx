import type { ReactNode } from 'react';
import { ActionIcon, Table, type TableTdProps } from '@mantine/core';
import { ChevronDownIcon, ChevronRightIcon } from './icons';

/**
 * A table row that opens a detail row below it: the whole row is clickable, and its first cell
 * is the accessible toggle (named by `label`, pointing at `detailId` while open). The detail row
 * spans the table's `columns` and is only rendered while open.
 */
export function ExpandableRow(props: {
  open: boolean;
  onToggle: () => void;
  label: string;
  detailId: string;
  columns: number;
  detail: ReactNode;
  /** The detail cell's spacing and the like (it has a grey background). */
  detailCellProps?: TableTdProps;
  children: ReactNode;
}) {
  const { open, onToggle } = props;
  return (
    <>
      <Table.Tr bg={open ? 'gray.0' : undefined} style={{ cursor: 'pointer' }} onClick={onToggle}>
        <Table.Td>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-expanded={open}
            aria-controls={open ? props.detailId : undefined}
            aria-label={props.label}
            onClick={(event) => {
              // The row toggles too; without this the click would toggle twice.
              event.stopPropagation();
              onToggle();
            }}
          >
            {open ? <ChevronDownIcon size={16} /> : <ChevronRightIcon size={16} />}
          </ActionIcon>
        </Table.Td>
        {props.children}
      </Table.Tr>
      {open && (
        <Table.Tr id={props.detailId}>
          <Table.Td colSpan={props.columns} bg="gray.0" {...props.detailCellProps}>
            {props.detail}
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}
