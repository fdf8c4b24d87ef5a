// The Neuron Explorer Parquet schema 7.4.0 (tables, fields, types, units) as a lookup, built from
// the generated `parquetSchemaData.ts`. Used for unit/type tooltips when a profile has no
// `SchemaFields` table, and for schema-version checks.
import type { FieldInfo } from '../model';
import { PARQUET_SCHEMA_TSV, PARQUET_SCHEMA_VERSION } from './parquetSchemaData';

export interface SchemaField {
  table: string;
  field: string;
  /** e.g. 'integer (int64)', 'number (float)', 'string', 'boolean', 'array of integer (int64)'. */
  type: string;
  unit: string | null;
  required: boolean;
  example: string | null;
}

export { PARQUET_SCHEMA_VERSION };

let cache: SchemaField[] | null = null;

export function schemaFields(): SchemaField[] {
  if (cache) return cache;
  const rows: SchemaField[] = [];
  const lines = PARQUET_SCHEMA_TSV.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    const [table, field, type, unit, required, example] = line.split('\t');
    rows.push({
      table, field, type: type ?? '', unit: unit ? unit : null, required: required === 'Yes',
      example: example ? example : null,
    });
  }
  cache = rows;
  return rows;
}

export function tableFields(table: string): SchemaField[] {
  return schemaFields().filter((f) => f.table === table);
}

export function schemaTables(): string[] {
  return [...new Set(schemaFields().map((f) => f.table))];
}

/** Built-in tooltip catalog for the given tables (no descriptions in the TSV: type and example instead). */
export function builtinFieldInfo(tables: string[]): FieldInfo[] {
  const want = new Set(tables);
  return schemaFields()
    .filter((f) => want.has(f.table))
    .map((f) => ({
      table: f.table,
      field: f.field,
      description: `${f.type}${f.example ? `, e.g. ${f.example}` : ''}`,
      unit: f.unit,
    }));
}
