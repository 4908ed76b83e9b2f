#!/usr/bin/env bash
# System packages the test suite uses (real SPARQL servers, a real browser). Installs only what is missing.
set -euo pipefail
need=()
command -v virtuoso-t >/dev/null || need+=(virtuoso-opensource-7-bin)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "missing system packages: ${need[*]} (run as root or install them)" >&2; exit 2; fi
  echo "installing system packages: ${need[*]} ..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
