// A local ESLint rule: a capability of server/src imports another capability only through its index.ts.
// Shared infrastructure (kernel/, db/, events/, testing/, types/) may be imported from anywhere. The composition
// root (app.ts, cli.ts, index.ts) is held to the same rule as capabilities. Tests may reach further (their set-ups
// read stores directly) and are not checked. Relative specifiers are resolved by path: the server has no aliases.
import { dirname, join, relative, resolve, sep } from 'node:path';

const SHARED = new Set(['kernel', 'db', 'events', 'testing', 'types']);

/** The capability a path of server/src belongs to (its first folder), or '' for the root files. */
function capabilityOf(pathInSrc) {
  const parts = pathInSrc.split(sep);
  return parts.length > 1 ? parts[0] : '';
}

export const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'A capability imports another only through its index.ts' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      deep: '{{from}} reaches into {{target}}: import from {{capability}}/index.ts (add what you need to its public surface).',
    },
  },
  create(context) {
    const root = resolve(context.cwd, context.options[0]?.root ?? 'server/src');
    const file = context.filename;
    const fromPath = relative(root, file);
    if (fromPath.startsWith('..') || /\.test\.tsx?$/.test(file)) return {};
    const from = capabilityOf(fromPath);
    if (SHARED.has(from)) return {};
    function check(node) {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const targetPath = relative(root, resolve(dirname(file), spec));
      if (targetPath.startsWith('..')) return;
      const target = capabilityOf(targetPath);
      if (!target || target === from || SHARED.has(target)) return;
      if (targetPath.replace(/\.(js|ts)$/, '') === join(target, 'index')) return;
      context.report({
        node: node.source,
        messageId: 'deep',
        data: { from: from || 'the composition root', target: targetPath, capability: target },
      });
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { boundaries } };
