#!/usr/bin/env node
// TypeScript types for the JSON documents, generated from their JSON Schemas
// (docs/output.schema.json, docs/git.schema.json, docs/check.schema.json), the one declaration
// of the contract, so the npm package's types cannot drift from it. npm/build.js writes them to
// lib/report.d.ts; `node npm/schema-types.js [ROOT]` prints them (ROOT: the repository, by
// default the one holding this file).
//
// It converts the subset of JSON Schema those files use and throws on any other keyword, so a
// schema change it cannot express fails the build instead of yielding a wrong type.
'use strict';

const fs = require('fs');
const path = require('path');

// The schemas, the name of the type of each document, and the prefix of the types of its
// $defs (those the files define alike, such as `line` and `blocker`, are declared once).
const SCHEMAS = [
  { file: 'docs/output.schema.json', name: 'DiffReport', prefix: '' },
  { file: 'docs/check.schema.json', name: 'CheckReport', prefix: 'Check' },
  { file: 'docs/git.schema.json', name: 'DiffGitReport', prefix: 'Git' },
];

// Keywords that only annotate or constrain values in ways TypeScript cannot state (lengths,
// patterns, bounds); they leave the type as it is.
const IGNORED = new Set(['$schema', '$id', 'title', 'description', 'minimum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems']);
const HANDLED = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', '$ref', 'oneOf', 'anyOf', 'allOf', '$defs']);

const PRIMITIVES = { string: 'string', integer: 'number', number: 'number', boolean: 'boolean', null: 'null' };

function pascal(name) {
  return name.replace(/(^|[_-])([a-z0-9])/g, (_, __, c) => c.toUpperCase());
}

function comment(text, indent) {
  if (!text) return '';
  return `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n`;
}

function union(types) {
  const unique = [...new Set(types)];
  return unique.length === 1 ? unique[0] : unique.map((t) => (t.includes('\n') ? `(${t})` : t)).join(' | ');
}

class Converter {
  constructor() {
    this.declarations = new Map(); // type name -> { text, key } (key: the schema, to spot clashes)
    this.files = {}; // file name -> { root, names }, for a $ref to an earlier schema
  }

  // A declaration for each $defs entry: the name an earlier file declared it under when that
  // file defines it alike, else its own name with the file's prefix.
  defineAll(schema, prefix, where) {
    const names = {};
    for (const [def, sub] of Object.entries(schema.$defs || {})) {
      const key = JSON.stringify(sub);
      const shared = [...this.declarations].find(([, d]) => d.key === key && d.def === def);
      const name = shared ? shared[0] : `${prefix}${pascal(def)}`;
      if (!shared && this.declarations.has(name)) throw new Error(`${where}#/$defs/${def}: the type name ${name} is taken`);
      names[def] = name;
      if (!shared) this.declarations.set(name, { key, def, pending: sub, where: `${where}#/$defs/${def}` });
    }
    return names;
  }

  convertFile(file, root, prefix) {
    const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
    const names = this.defineAll(schema, prefix, file);
    this.files[path.basename(file)] = { root, names };
    for (const [name, decl] of this.declarations) {
      if (decl.pending === undefined) continue;
      decl.text = `${comment(decl.pending.description, '')}export type ${name} = ${this.type(decl.pending, names, decl.where, '')};\n`;
      delete decl.pending;
    }
    const doc = [schema.title, schema.description].filter(Boolean).join('. ');
    this.declarations.set(root, { text: `${comment(doc, '')}export type ${root} = ${this.type(schema, names, file, '')};\n` });
  }

  type(schema, names, where, indent) {
    if (schema === true) return 'unknown';
    if (schema === false) return 'never';
    for (const key of Object.keys(schema)) {
      if (!IGNORED.has(key) && !HANDLED.has(key)) throw new Error(`${where}: unsupported JSON Schema keyword '${key}'`);
    }
    if (schema.allOf) {
      // Only conditional constraints (if/then/else tying a flag to a list) are allowed here:
      // they narrow values, not the shape, and TypeScript cannot state them.
      for (const [i, part] of schema.allOf.entries()) {
        const extra = Object.keys(part).filter((k) => !['description', 'if', 'then', 'else'].includes(k));
        if (extra.length) throw new Error(`${where}/allOf/${i}: unsupported keywords ${extra.join(', ')}`);
      }
    }
    if (schema.$ref !== undefined) {
      // `#/$defs/NAME`, or another of SCHEMAS: `FILE` (its document) or `FILE#/$defs/NAME`.
      const match = /^([\w.-]+\.json)?(?:#\/\$defs\/(.+))?$/.exec(schema.$ref);
      const target = match && (match[1] === undefined ? { names } : this.files[match[1]]);
      const name = target && (match[2] === undefined ? target.root : target.names[match[2]]);
      if (!name) throw new Error(`${where}: unsupported $ref '${schema.$ref}'`);
      return name;
    }
    if (schema.const !== undefined) return JSON.stringify(schema.const);
    if (schema.enum !== undefined) return union(schema.enum.map((v) => JSON.stringify(v)));
    const alternatives = schema.oneOf || schema.anyOf;
    if (alternatives) {
      return union(alternatives.map((alt, i) => this.type(alt, names, `${where}/oneOf/${i}`, indent)));
    }
    if (schema.type === undefined) throw new Error(`${where}: a schema without type, enum, const, $ref or oneOf`);
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    return union(types.map((t) => {
      if (t in PRIMITIVES) return PRIMITIVES[t];
      if (t === 'array') {
        const items = schema.items === undefined ? 'unknown' : this.type(schema.items, names, `${where}/items`, indent);
        return /^[\w"]+$/.test(items) ? `${items}[]` : `Array<${items}>`;
      }
      if (t === 'object') return this.object(schema, names, where, indent);
      throw new Error(`${where}: unsupported type '${t}'`);
    }));
  }

  object(schema, names, where, indent) {
    const inner = `${indent}  `;
    const required = new Set(schema.required || []);
    const lines = [];
    for (const [key, sub] of Object.entries(schema.properties || {})) {
      const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
      const optional = required.has(key) ? '' : '?';
      const description = sub && typeof sub === 'object' ? sub.description : undefined;
      lines.push(`${comment(description, inner)}${inner}${name}${optional}: ${this.type(sub, names, `${where}/properties/${key}`, inner)};`);
    }
    for (const key of required) {
      if (!(key in (schema.properties || {}))) throw new Error(`${where}: required '${key}' has no property schema`);
    }
    if (schema.additionalProperties !== false) {
      if (schema.additionalProperties !== undefined && schema.additionalProperties !== true) {
        throw new Error(`${where}: additionalProperties must be true or false`);
      }
      lines.push(`${inner}[key: string]: unknown;`);
    }
    return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : '{}';
  }
}

/** The .d.ts text for the report types, from the schemas under `root` (the repository). */
function generate(root) {
  const converter = new Converter();
  for (const { file, name, prefix } of SCHEMAS) converter.convertFile(path.join(root, file), name, prefix);
  const header = `// Generated by npm/schema-types.js from ${SCHEMAS.map((s) => s.file).join(' and ')}: do not edit.\n// The JSON documents of \`roa-diff --format json\` (docs/output.md).\n`;
  return [header, ...[...converter.declarations.values()].map((d) => d.text)].join('\n');
}

module.exports = { generate };

if (require.main === module) {
  try {
    process.stdout.write(generate(process.argv[2] || path.join(__dirname, '..')));
  } catch (err) {
    process.stderr.write(`npm/schema-types.js: error: ${err.message}\n`);
    process.exit(2);
  }
}
