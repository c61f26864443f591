import { readdirSync } from 'node:fs'
import tseslint from 'typescript-eslint'

/**
 * Imports across the folders of src/ go through the folder's index.ts: for a file `depth` folders below
 * src/, any `../` x depth path into another folder must end in that folder's `index.js`. One block per
 * folder and depth, generated from the folders there are.
 */
const folders = readdirSync(new URL('./src/', import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
const throughIndex = (files, regex) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{ regex, message: 'import another folder of src/ through its index.ts (add the name to that index if it is missing)' }]
    }]
  }
})
const boundaries = [
  throughIndex(['src/*.ts'], '^\\./[^./][^/]*/(?!index\\.js$)'),
  ...folders.flatMap((folder) => [1, 2, 3, 4].map((depth) =>
    throughIndex([`src/${folder}/${'*/'.repeat(depth - 1)}*.ts`], `^(?:\\.\\./){${depth}}(?!${folder}/)[^./][^/]*/(?!index\\.js$)`)))
]

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'src/web/static/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { project: ['./tsconfig.eslint.json'], tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error'
    }
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-console': 'error' }
  },
  ...boundaries
)
