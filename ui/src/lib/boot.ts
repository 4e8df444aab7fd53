/** What the boot script (scripts/postbuild.js) bundles of early.ts: only the starting side;
 * the app takes the responses with its own copy of the rest. */
export { startPage } from './early';
