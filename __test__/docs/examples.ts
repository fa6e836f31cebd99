/**
 * Reads the ```ts examples of README.md and docs/*.md so each one runs as a test.
 *
 * Blocks of one page run in order as one module, so a later block may use what an earlier one
 * defined (the way a reader reads them). `import ... from 'hotpath'` resolves to the sources in
 * src/, and a line `expression // → value` asserts that the expression deep-equals `value`.
 * A page may start with an `<!-- doctest-setup ... -->` comment holding code that runs before its
 * first block (fixtures such as sample files), which a reader does not need to see.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SOURCE_INDEX = join(ROOT, 'src', 'index.ts')

export interface DocPage {
  /** Path relative to the repository root, e.g. `docs/geo.md`. */
  path: string
  /** The page's examples as one module, with imports and assertions rewritten. */
  module: string
  /** How many ```ts blocks the page has. */
  blocks: number
}

export function docPages(): DocPage[] {
  const files = [join(ROOT, 'README.md'), ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => join(ROOT, 'docs', f))]
  return files.map((file) => pageOf(file)).filter((page) => page.blocks > 0)
}

function pageOf(file: string): DocPage {
  const text = readFileSync(file, 'utf8')
  const setup = /<!-- doctest-setup\n([\s\S]*?)-->/.exec(text)?.[1] ?? ''
  const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '')
  const body = [setup, ...blocks].map(rewrite).join('\n')
  return { path: relative(ROOT, file), module: hoistImports(body), blocks: blocks.length }
}

function rewrite(code: string): string {
  return code
    .replace(/from 'hotpath'/g, `from ${JSON.stringify(SOURCE_INDEX)}`)
    .split('\n')
    .map((line) => {
      const assertion = /^(\s*)(.+?)\s*\/\/ → (.+)$/.exec(line)
      if (!assertion) return line
      const [, indent, expression, expected] = assertion
      return `${indent}__expect(${expression}, ${expected}, ${JSON.stringify(line.trim())})`
    })
    .join('\n')
}

/** Blocks may import the same names again (each block reads on its own); keep one import each. */
function hoistImports(code: string): string {
  const imports = new Map<string, Set<string>>()
  const defaults = new Map<string, string>()
  const rest = code.replace(/^import\s+(?:(\w+)\s*,?\s*)?(?:\{([^}]*)\})?\s*from\s*('[^']+'|"[^"]+")\s*$/gm, (_, name: string | undefined, names: string | undefined, from: string) => {
    if (name) defaults.set(from, name)
    const set = imports.get(from) ?? new Set<string>()
    for (const item of (names ?? '').split(',').map((s) => s.trim()).filter(Boolean)) set.add(item)
    imports.set(from, set)
    return ''
  })
  const lines = [...imports].map(([from, names]) => {
    const head = defaults.get(from)
    const list = names.size ? `{ ${[...names].join(', ')} }` : ''
    return `import ${[head, list].filter(Boolean).join(', ')} from ${from}`
  })
  return `${lines.join('\n')}\nimport { __expect } from ${JSON.stringify(join(ROOT, '__test__', 'docs', 'expect.ts'))}\n${rest}\nexport {}\n`
}
