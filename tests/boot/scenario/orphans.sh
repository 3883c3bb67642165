# orphans.sh [COUNT]: leave COUNT (1000) orphans that die a second later,
# wait until they are gone, and report sleepers and zombies still there.
. /scenario/lib.sh
stamp workload-start
count=${1:-1000}
i=0
while [ "$i" -lt "$count" ]; do
	(sleep 1 &)
	i=$((i + 1))
done
stamp orphans-made
tries=0
while :; do
	sleeping=0 zombies=0
	for stat in /proc/[0-9]*/stat; do
		read -r _ comm state _ 2>/dev/null <"$stat" || continue
		[ "$state" = Z ] && zombies=$((zombies + 1))
		[ "$comm" = "(sleep)" ] && sleeping=$((sleeping + 1))
	done
	[ "$sleeping" -eq 0 ] && [ "$zombies" -eq 0 ] && break
	tries=$((tries + 1))
	[ "$tries" -lt 150 ] || break
	sleep 0.2
done
echo "left: $sleeping sleeping, $zombies zombies"
stamp workload-end
