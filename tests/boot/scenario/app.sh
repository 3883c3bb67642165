#!/bin/sh
# app.sh: the workload of a real root file system (init=/sbin/sexton --
# /app): write to the root without sync, then exit 0. The host then finds
# the file system clean and the data there.
. /scenario/lib.sh
stamp workload-start
write_data /
stamp workload-end
exit 0
