// One mocha run over every package. TypeScript runs through tsx; the "development"
// condition makes workspace packages resolve to their TypeScript sources.
// `npx mocha some/file.spec.ts` runs just the files named (mocha would otherwise add them to the default list).
const filesNamed = process.argv.slice(2).some((arg) => arg.endsWith('.ts') && !arg.startsWith('-'));

module.exports = {
  ...(filesNamed ? {} : { spec: ['*/test/**/*.spec.ts'] }),
  'node-option': ['conditions=development', 'import=tsx'],
  require: ['infra/test/support/global-setup.ts'],
  timeout: 30000,
  exit: true,
};
