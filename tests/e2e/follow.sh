# follow.sh - helpers shared by the --follow tests (sourced after lib.sh):
# records to append, a bounded wait for a state, and the stored messages
# of a host. Each test sets DB (its store) and ERR (tatrace's stderr,
# shown when a wait runs out) per scenario.

# rec MESSAGE SECOND: one CMTrace record.
rec() {
	printf '<![LOG[%s]LOG]!><time="10:00:%02d.000+000" date="01-01-2026" component="T" context="" type="1" thread="1" file="">\n' "$1" "$2"
}

# wait_for DESCRIPTION COMMAND...: ok once the command succeeds (polled
# for up to 10 s; no timed asserts, only a bound on the wait).
wait_for() {
	desc=$1
	shift
	i=0
	while [ $i -lt 100 ]; do
		if "$@" >/dev/null 2>&1; then
			ok "$desc"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	not_ok "$desc (not within 10 s)"
	sed 's/^/#   /' "$ERR" | tail -20
	return 1
}

# messages HOST: every stored message of the host, one a line, sorted.
messages() {
	$T log -d "$DB" --host "$1" --format json |
		python3 -c 'import json,sys; [print(r["message"]) for r in json.load(sys.stdin)]' | sort
}

# has_messages HOST M...: the host's messages are exactly these, once each.
has_messages() {
	h=$1
	shift
	printf '%s\n' "$@" | sort > "$TMP/want"
	messages "$h" > "$TMP/got"
	cmp -s "$TMP/want" "$TMP/got"
}

# has_message HOST M: among the host's messages.
has_message() { messages "$1" | grep -qx "$2"; }
