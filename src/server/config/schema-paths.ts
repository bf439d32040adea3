import type { z } from 'zod';

/** What a configuration leaf holds, as far as reading it from text is concerned. */
export type LeafKind = 'string' | 'number' | 'boolean' | 'array' | 'other';

/** A settable key of a schema: its path and the kind of value it takes. */
export interface SchemaLeaf {
  readonly path: readonly string[];
  readonly kind: LeafKind;
}

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly options?: readonly z.ZodType[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { def: Def }).def;
}

/** The schema under optional/default/prefault/nullable/pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** Object shapes a schema may take (one per union member that is an object). */
function shapesOf(schema: z.ZodType): Readonly<Record<string, z.ZodType>>[] {
  const def = defOf(unwrap(schema));
  if (def.type === 'object' && def.shape) return [def.shape];
  if (def.type === 'union' && def.options) return def.options.flatMap((o) => shapesOf(o));
  return [];
}

function kindOf(schema: z.ZodType): LeafKind {
  const type = defOf(unwrap(schema)).type;
  if (type === 'string' || type === 'enum' || type === 'literal') return 'string';
  if (type === 'number' || type === 'int') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'array') return 'array';
  return 'other';
}

/** Every settable key of `schema` (objects are walked; union members merged), depth first. */
export function schemaLeaves(schema: z.ZodType, prefix: readonly string[] = []): SchemaLeaf[] {
  const shapes = shapesOf(schema);
  if (shapes.length === 0) return [{ path: prefix, kind: kindOf(schema) }];
  const seen = new Map<string, SchemaLeaf>();
  for (const shape of shapes) {
    for (const [key, child] of Object.entries(shape)) {
      for (const leaf of schemaLeaves(child, [...prefix, key])) seen.set(leaf.path.join('.'), leaf);
    }
  }
  return [...seen.values()];
}

/** The keys an object at `path` takes (for messages), or null when `path` is not an object. */
export function keysAt(schema: z.ZodType, path: readonly string[]): string[] | null {
  let shapes = shapesOf(schema);
  for (const key of path) {
    shapes = shapes.flatMap((shape) => (shape[key] ? shapesOf(shape[key]) : []));
  }
  if (shapes.length === 0) return null;
  return [...new Set(shapes.flatMap((s) => Object.keys(s)))];
}

/** The kind of value the key at `path` takes, or null when there is no such key. */
export function leafKindAt(schema: z.ZodType, path: readonly string[]): LeafKind | null {
  let current: z.ZodType[] = [schema];
  for (const key of path) {
    current = current.flatMap((s) => shapesOf(s).flatMap((shape) => (shape[key] ? [shape[key]] : [])));
    if (current.length === 0) return null;
  }
  const first = current[0];
  return first === undefined ? null : kindOf(first);
}
