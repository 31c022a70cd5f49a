#!/bin/sh
# `npm start` (issue 15). Runs the bundle dist/server.mjs. With SERVER_SNAPSHOT=1 it runs the server from its V8
# start-up snapshot, dist/server.blob (build/buildSnapshot.mjs), instead, when that is usable. The bundle is the
# default because, measured interleaved under the same load, the snapshot starts 0.6 s sooner but holds ~95 MiB more
# after load (Node 20 keeps the 50 MB blob mapped for the life of the process) and costs more CPU a turn (README,
# issue 15's fourth round). Usable means all of:
# - its stamp (dist/server.blob.stamp) names this node's version and this directory (the blob holds both);
# - it is newer than the bundle (a build that re-bundled without it leaves the bundle newer);
# - NODE_OPTIONS is empty: V8 flags such as --max-old-space-size make Node refuse a snapshot built without them;
# - no file of the knowledge (KNOWLEDGE_DIR) or of the jieba dictionary is newer than it: the server would find
#   them changed (it compares their hash with the snapshot's) and build everything afresh after deserialising,
#   slower than the bundle; `npm run build` makes a new one.
# Only file tests and one `node --version`: no second Node start. Extra arguments go to the server.
root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd) || exit 1
blob="$root/dist/server.blob"
knowledge="${KNOWLEDGE_DIR:-$root/knowledge}"
if [ "${SERVER_SNAPSHOT:-0}" = 1 ] && [ -z "${NODE_OPTIONS:-}" ] && [ -f "$blob" ] && [ "$blob" -nt "$root/dist/server.mjs" ] &&
  [ "$(cat "$blob.stamp" 2>/dev/null)" = "$(node --version) $root" ] &&
  [ -z "$(find "$knowledge" "$root/bot/understanding/jieba" -newer "$blob" 2>/dev/null | head -n 1)" ]; then
  exec node --snapshot-blob "$blob" "$@"
fi
exec node "$root/dist/server.mjs" "$@"
