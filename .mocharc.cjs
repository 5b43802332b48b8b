// One mocha run over every package. TypeScript runs through tsx; the "development"
// condition makes workspace packages resolve to their TypeScript sources.
module.exports = {
  spec: ['*/test/**/*.spec.ts'],
  'node-option': ['conditions=development', 'import=tsx'],
  require: ['infra/test/support/global-setup.ts'],
  timeout: 30000,
  exit: true,
};
