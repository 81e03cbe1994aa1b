#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the hook over a corpus of real domain XML documents (by default
# ../shared/corpus/domains next to the checkout; third-party data that is
# never committed) and checks, for each document the hook accepts:
#   - the output is the input plus one inserted block (diff shows only that);
#   - a second run on the output is a no-op;
#   - the output passes virt-xml-validate wherever the input does.
# Prints TAP; a plan of 1..0 (skipped) when the corpus is not there.
set -u
hook=${1:?usage: corpus-check.sh HOOK CAPS [CORPUS_DIR]}
caps=${2:?}
corpus=${3:-$(dirname "$0")/../../../shared/corpus/domains}

if [ ! -d "$corpus" ]; then
    echo "1..0 # SKIP no corpus at $corpus"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
have_validate=false
command -v virt-xml-validate >/dev/null && have_validate=true

mapfile -t files < <(find "$corpus" -name '*.xml' | sort)
echo "1..${#files[@]}"
n=0
for f in "${files[@]}"; do
    n=$((n + 1))
    name=${f#"$corpus"/}
    cp "$f" "$tmp/in.xml"
    cp "$f" "$tmp/work.xml"
    "$hook" --capabilities "$caps" --numa 'strict:0-1' --domxml "$tmp/work.xml" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ]; then
        # Refusing is fine only with one clear line and the file untouched.
        if [ $rc -eq 2 ] && [ "$(grep -c '^numa: ' "$tmp/err")" -eq 1 ] && cmp -s "$f" "$tmp/work.xml"; then
            echo "ok $n $name # refused: $(head -c 200 "$tmp/err")"
        else
            echo "not ok $n $name (rc=$rc, file changed or bad message)"
        fi
        continue
    fi
    # Only added lines, in one block, and nothing removed.
    if diff "$tmp/in.xml" "$tmp/work.xml" | grep -q '^<'; then
        if ! grep -q '<numatune\s*/>' "$tmp/in.xml"; then
            echo "not ok $n $name (lines removed)"
            continue
        fi
    fi
    cp "$tmp/work.xml" "$tmp/again.xml"
    "$hook" --capabilities "$caps" --numa 'strict:0-1' --domxml "$tmp/again.xml" 2>/dev/null
    if ! cmp -s "$tmp/work.xml" "$tmp/again.xml"; then
        echo "not ok $n $name (second run changed the file)"
        continue
    fi
    if $have_validate && virt-xml-validate "$tmp/in.xml" domain >/dev/null 2>&1; then
        if ! virt-xml-validate "$tmp/work.xml" domain >"$tmp/v" 2>&1; then
            echo "not ok $n $name (output fails virt-xml-validate: $(head -c 300 "$tmp/v" | tr '\n' ' '))"
            continue
        fi
    fi
    echo "ok $n $name"
done
