import { stringList } from '../engine/params-schema.js';

/** One definition for the baseline parameter both DNS checks read, so their docs and defaults agree. */
export const allowedResolversParam = stringList(
  'The corporate resolvers: IP addresses and CIDR ranges, IPv4 and IPv6. Empty: only well-known public resolvers fail.',
  [],
);
