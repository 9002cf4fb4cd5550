# tui.sh - drive the real binary in a private tmux server (bash; source
# it after lib.sh). Rules that keep screen tests flake-free
# (shared/reference/tui-testing.md): never assert on one capture, poll
# until the expected text shows (bounded); wait for text that changes with
# each key (the title bar's "trace N of M"); fixed TERM and LANG; ESCDELAY
# short; remain-on-exit set before the app starts.
TUI_TIMEOUT=${TUI_TIMEOUT:-10}
TUI_DIR=""
# Every screen test ends the same way, however it exits: its tmux server
# (and the app in it) stopped, its files gone (replaces lib.sh's trap).
trap 'tui_stop; rm -rf "$TMP"' EXIT

_tmux() { tmux -S "$TUI_DIR/sock" -f /dev/null "$@"; }

tui_start() {	# tui_start COLS ROWS CMD [ARGS...]
	local cols=$1 rows=$2 cmd
	shift 2
	printf -v cmd '%q ' "$@"
	TUI_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tuitest.XXXXXX")
	_tmux start-server \; set -g remain-on-exit on \; \
		set -g default-terminal xterm-256color \; set -g set-clipboard on \; \
		new-session -d -s t -x "$cols" -y "$rows" \
		-e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 -e ESCDELAY=25 \
		-e TERM=xterm-256color "exec $cmd" \; \
		set -g window-size manual
}
tui_keys() { _tmux send-keys -t t "$@"; }
tui_type() { _tmux send-keys -t t -l -- "$1"; }
tui_screen() { _tmux capture-pane -p -t t; }
tui_resize() { _tmux resize-window -t t -x "$1" -y "$2"; }
# An app still running is asked to quit (SIGTERM) while its terminal is
# still there, and waited for, before the server goes: killing the server
# under it hangs up its terminal in the middle of its exit, and an ASan
# build was seen to spin for ever in LeakSanitizer's exit check after
# that. Nothing a test started outlives it (SIGKILL after 3 s).
tui_stop() {
	[ -n "$TUI_DIR" ] || return 0
	local s pid="" i
	s=$(_tmux display -p -t t '#{pane_dead}:#{pane_pid}' 2>/dev/null)
	case "$s" in 0:*) pid=${s#0:} ;; esac
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		for i in $(seq 60); do
			# gone, or a zombie tmux has not reaped yet
			[ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
	fi
	_tmux kill-server 2>/dev/null
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
	fi
	rm -rf "$TUI_DIR"
	TUI_DIR=""
}

_tui_deadline() { echo $(( $(date +%s) + TUI_TIMEOUT )); }

# tui_wait ERE: true once the screen matches (polled, bounded).
tui_wait() {
	local end; end=$(_tui_deadline)
	while :; do
		tui_screen | grep -Eq -- "$1" && return 0
		[ "$(date +%s)" -le "$end" ] || break
		sleep 0.02
	done
	echo "# timeout waiting for /$1/; screen was:"
	tui_screen | sed 's/^/#   | /'
	return 1
}

# tui_wait_gone ERE: true once the screen no longer matches.
tui_wait_gone() {
	local end; end=$(_tui_deadline)
	while :; do
		tui_screen | grep -Eq -- "$1" || return 0
		[ "$(date +%s)" -le "$end" ] || return 1
		sleep 0.02
	done
}

# tui_exit_status: the app's exit status ("signal N" when killed), once
# it has exited. A tmux that missed SIGCHLD is nudged (Debian's tmux 3.3a
# with libutempter, see tui-testing.md).
tui_exit_status() {
	local end s; end=$(_tui_deadline)
	while :; do
		s=$(_tmux display -p -t t '#{pane_dead}:#{pane_dead_status}:#{pid}')
		case "$s" in
		1::*) kill -CHLD "${s##*:}" 2>/dev/null ;;
		1:*) s=${s#1:}; echo "${s%%:*}"; return 0 ;;
		esac
		[ "$(date +%s)" -le "$end" ] || { echo timeout; return 1; }
		sleep 0.02
	done
}
tui_buffer() { _tmux show-buffer 2>/dev/null; }
tui_pid() { _tmux display -p -t t '#{pane_pid}'; }
