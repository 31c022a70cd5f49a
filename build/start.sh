#!/bin/sh
# `npm start` (issue 15). Runs the server from its V8 start-up snapshot, dist/server.blob (build/buildSnapshot.mjs),
# when that is usable, else the bundle dist/server.mjs. Usable means all of:
# - its stamp (dist/server.blob.stamp) names this node's version and this directory (the blob holds both);
# - it is newer than the bundle (a build that re-bundled without it leaves the bundle newer);
# - NODE_OPTIONS is empty: V8 flags such as --max-old-space-size make Node refuse a snapshot built without them;
# - no file of the knowledge (KNOWLEDGE_DIR) or of the jieba dictionary is newer than it: the server would find
#   them changed (it compares their hash with the snapshot's) and build everything afresh after deserialising,
#   slower than the bundle; `npm run build` makes a new one;
# - SERVER_SNAPSHOT is not 0 (forces the bundle).
# Only file tests and one `node --version`: no second Node start. Extra arguments go to the server.
root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd) || exit 1
blob="$root/dist/server.blob"
knowledge="${KNOWLEDGE_DIR:-$root/knowledge}"
if [ "${SERVER_SNAPSHOT:-1}" != 0 ] && [ -z "${NODE_OPTIONS:-}" ] && [ -f "$blob" ] && [ "$blob" -nt "$root/dist/server.mjs" ] &&
  [ "$(cat "$blob.stamp" 2>/dev/null)" = "$(node --version) $root" ] &&
  [ -z "$(find "$knowledge" "$root/bot/understanding/jieba" -newer "$blob" 2>/dev/null | head -n 1)" ]; then
  exec node --snapshot-blob "$blob" "$@"
fi
exec node "$root/dist/server.mjs" "$@"
