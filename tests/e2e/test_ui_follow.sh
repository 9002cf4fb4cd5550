#!/bin/sh
# ui --follow: the dashboard runs while a follow thread (its own store
# connection) stores what a writer appends; the thread's lines show in
# the status line (never raw on the terminal); another process reads the
# store meanwhile; q ends both, the store back in DELETE mode.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
B=$TMP/bundle
DB=$TMP/s.db
cp -r "$FIX/bundle" "$B"
G=B43DD1B3-A006-4604-B012-5529380B3B6F

printf x > "$TMP/x.zip"
expect_status 2 "ui --follow refuses an archive" $T ui -d "$DB" --follow "$TMP/x.zip"
expect_status 2 "ui --poll needs --follow" $T ui -d "$DB" --poll "$B"
expect_status 2 "ui --follow needs PATHs" $T ui -d "$DB" --follow

cd "$TMP" || exit 1
for mode in inotify poll; do
	rm -f "$DB"
	cp "$FIX/bundle/MP01/SMS_CCM/Logs/BgbServer.log" "$B/MP01/SMS_CCM/Logs/BgbServer.log"
	extra=""
	[ $mode = poll ] && extra=--poll=50
	tui_start 120 30 "$T" ui -d "$DB" --follow $extra "$B"
	check "$mode: the dashboard opens on the bundle" tui_wait "trace 1 of 1 "
	check "$mode: the follow thread's first line is in the status line" tui_wait "following 1 path"
	printf 'Starting to send push task (PushID: 9 TaskID: 10 TaskGUID: %s TaskType: 1 TaskParam: ) to 1 clients  with throttling (strategy: 1 param: 42)~~  $$<SMS_NOTIFICATION_SERVER><09-25-2026 16:35:04.936+240><thread=7896 (0x1ED8)>\n' $G \
		>> "$B/MP01/SMS_CCM/Logs/BgbServer.log"
	check "$mode: an appended record shows as a status line" tui_wait "\+1 records in bundle/MP01/SMS_CCM/Logs/BgbServer.log"
	check "$mode: another process reads the store meanwhile" \
		sh -c "$T traces -d '$DB' --format json | grep -q $G"
	tui_keys q
	check "$mode: q quits with status 0" test "$(tui_exit_status)" = 0
	tui_stop
	check "$mode: the store is back in DELETE mode" \
		sh -c "test \"\$(sqlite3 '$DB' 'PRAGMA journal_mode')\" = delete"
	check "$mode: the records stay" sh -c "$T log -d '$DB' --grep 'PushID: 9' | grep -q 'TaskID: 10'"
done
finish
