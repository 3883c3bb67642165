# mounts-many.sh COUNT: mount COUNT tmpfs and COUNT bind mounts, then the
# ext4 data disk (the test's NVMe drive) on /data, and write to it without
# sync; exit 0. The teardown must unmount it, or remount it read-only,
# however long /proc/mounts has grown.
. /scenario/lib.sh
stamp workload-start
count=${1:-150}
wait_for_file /dev/nvme0n1 || echo "no data disk"
mkdir -p /m /b
i=0
while [ "$i" -lt "$count" ]; do
	mkdir /m/$i /b/$i
	mount -t tmpfs -o size=16k tmpfs /m/$i || break
	mount --bind /scenario /b/$i || break
	i=$((i + 1))
done
echo "mounted $i tmpfs and $i binds"
mkdir -p /data
mount -t ext4 /dev/nvme0n1 /data || echo "cannot mount the data disk"
echo "$(wc -l </proc/mounts) mounts, /data the last: $(tail -n 1 /proc/mounts)"
write_data /data
stamp workload-end
exit 0
