import { stringify } from 'yaml';

export interface StringifyOptions {
  /** Comment lines written above the document, without the leading "# ". */
  readonly header?: readonly string[];
}

/**
 * The one YAML writer of the generator. Key order is the order objects were built in (typed
 * builders fix it); no line folding, so a long string never moves to a new line when it grows; version
 * strings stay quoted so YAML 1.1 readers never turn 8.2 into a float.
 */
export function stringifyYaml(value: unknown, options: StringifyOptions = {}): string {
  const body = stringify(value, {
    lineWidth: 0,
    indent: 2,
    indentSeq: true,
    aliasDuplicateObjects: false,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
    version: '1.2',
    // Plain data needs no %YAML or %TAG directive; without this, yaml walks every document to find out (7% of generating a repository).
    directives: false,
  });
  const header = (options.header ?? []).map((line) => `# ${line}`.trimEnd()).join('\n');
  return header ? `${header}\n${body}` : body;
}

/** Several documents in one file, separated the way kubectl and Kustomize expect. */
export function stringifyYamlDocuments(values: readonly unknown[], options: StringifyOptions = {}): string {
  return values.map((value, index) => stringifyYaml(value, index === 0 ? options : {})).join('---\n');
}
