#!/bin/bash
res=$1
{
echo "ok - booted $(uname -r)"
numactl --hardware | sed 's/^/# /'
ls /sys/devices/virtual/memory_tiering/ | sed 's/^/# /'
echo "# guest done"
} > $res/tap 2>&1
