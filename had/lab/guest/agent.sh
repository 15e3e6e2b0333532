#!/bin/bash
# The lab agent, in the guest: reads "ID COMMAND-LINE" lines on its stdin (the second serial
# port), runs each with bash between "@@ID start" and "@@ID STATUS". Commands that keep running must be
# started in the background with their output redirected.
. /run/lab/env
cd "$LAB_TOP" || exit 1
export BASH_ENV=$LAB_TOP/had/lab/guest/q.sh
while IFS= read -r line; do
    id=${line%% *}
    cmd=${line#* }
    echo "@@$id start"
    bash -c "$cmd" </dev/null 2>&1
    echo "@@$id $?"
done
