#!/usr/bin/env bash
# Folders under src/ are layers; an #include may only point down (or within
# its own folder). The table below is the architecture (docs/ARCHITECTURE.md,
# "Layers"): a folder and the folders it may include. An include pointing up
# or across, or a new folder missing from the table, fails with the file and
# line. Run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A allowed=(
  [core]=""
  [routing]="core"
  [storage]="core"
  [clicks]="core storage"
  [accounts]="core storage"
  [qr]="core"
  [domain]="core routing storage"
  [http]="core"
  [api]="core routing storage accounts http domain"
  [ui]="core http"
  [app]="core routing storage clicks accounts qr domain http api ui"
)

status=0
for dir in src/*/; do
  layer=$(basename "$dir")
  if [[ -z "${allowed[$layer]+set}" ]]; then
    echo "check-layers: src/$layer/ is not in the layer table of scripts/check-layers.sh" >&2
    status=1
    continue
  fi
  while IFS=: read -r file line target; do
    [[ "$target" == "$layer" ]] && continue
    if [[ " ${allowed[$layer]} " != *" $target "* ]]; then
      echo "check-layers: $file:$line: src/$layer/ may not include src/$target/ (allowed: ${allowed[$layer]:-nothing})" >&2
      status=1
    fi
  done < <(grep -rnoE '^#include "[a-z_]+/' "$dir" | sed -E 's/#include "([a-z_]+)\//\1/')
done
if [[ $status -eq 0 ]]; then echo "check-layers: every include points down (${#allowed[@]} layers)"; fi
exit $status
