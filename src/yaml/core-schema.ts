/**
 * The `test` patterns of the YAML 1.2 core schema's tags other than str, as the yaml package resolves
 * plain scalars (its src/schema/common/null.ts, core/bool.ts, core/int.ts, core/float.ts): the one
 * copy that the block-subset parser (to read a plain scalar as yaml does) and the direct writer (to
 * quote a string yaml would read back as another type) both follow. Each is anchored at both ends.
 */
export const CORE_SCHEMA = {
  /** The empty plain scalar is null too; callers that see one handle it first. */
  null: /^(?:~|[Nn]ull|NULL)$/,
  bool: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  octal: /^0o[0-7]+$/,
  decimal: /^[-+]?[0-9]+$/,
  hex: /^0x[0-9a-fA-F]+$/,
  /** .inf, -.inf, .nan in their three spellings. */
  special: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  exponent: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  float: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
} as const;
