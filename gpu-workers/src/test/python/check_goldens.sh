#!/bin/sh
# Regenerates the golden fixtures into a temporary directory and compares them with the committed ones.
# Exit status 0: identical; 1: they differ (the diff is printed); 2: the generator failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
committed="$here/../resources/golden"
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
python=${PYTHON:-/usr/bin/python3}
"$python" "$here/generate_goldens.py" "$fresh" || exit 2
if diff -r -u "$committed" "$fresh"; then
    echo "golden fixtures are up to date"
else
    echo "golden fixtures differ from a fresh generation" >&2
    exit 1
fi
