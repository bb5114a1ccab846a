#!/bin/bash
# Help people can use: every command that `sohoa help` lists has its own
# help, `sohoa help CMD` and `sohoa CMD --help` print the same, in Vietnamese
# and English, with no configuration at all (a broken config must not hide
# help); the search help describes the query language; the man page and the
# README name every command and filter the help names.
. "$(dirname "$0")/lib.sh"
export SOHOA_CONF="$T/missing.conf"     # no configuration file

"$SOHOA" help > "$T/overview.txt"; rc=$?
check "sohoa help exits 0" test $rc = 0
cmds=$(sed -n '/^commands:/,/^$/p' "$T/overview.txt" | grep -oE '^  [a-z-]+' | tr -d ' ')
check "sohoa help lists the commands" test "$(echo "$cmds" | wc -w)" -ge 14
for cmd in $cmds; do
	"$SOHOA" help "$cmd" > "$T/help-$cmd.txt" 2>&1; rc=$?
	check "sohoa help $cmd exits 0" test $rc = 0
	check "  its own usage line" grep -q "^usage: sohoa $cmd" "$T/help-$cmd.txt"
	check "  bilingual (Vietnamese and English)" bash -c "grep -qE '[ạảãàáâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]' '$T/help-$cmd.txt' && grep -qiE '\\b(the|a|of|and|every|help)\\b' '$T/help-$cmd.txt'"
	"$SOHOA" "$cmd" --help > "$T/flag-$cmd.txt" 2>&1; rc=$?
	check "  sohoa $cmd --help exits 0 and says the same" bash -c "test $rc = 0 && cmp -s '$T/help-$cmd.txt' '$T/flag-$cmd.txt'"
	check "  the man page names it" grep -qE "^\\.B[IR]? \"?$cmd( |\"|\$)" "$SOHOA_SRC/man/sohoa.1"
done
"$SOHOA" help nosuchcommand > /dev/null 2> "$T/unknown.err"; rc=$?
check "help on an unknown command exits 2" test $rc = 2
check "  and says so in Vietnamese and English" grep -q "không có lệnh 'nosuchcommand' (unknown command" "$T/unknown.err"

# The search help is the query language.
h="$T/help-search.txt"
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$SOHOA_SRC/man/sohoa.1" > "$T/man.txt"   # troff escapes off
for want in 'loai:QĐ' 'loai:qd' 'loai:quyet-dinh' "'loai:\"Quyết định\"'" 'CV' 'TTr' 'so:' 'coquan:' 'tu:' 'den:' 'nam:' '"ủy ban nhân dân"' '-hủy' 'quyet*' 'gần đúng / approximate' 'exact_total' '--limit' '--page'; do
	check "search help explains $want" grep -qF -- "$want" "$h"
	case "$want" in loai:*|so:|coquan:|tu:|den:|nam:|*approximate*)
		check "  and so does the man page" grep -qF -- "$want" "$T/man.txt"
		check "  and so does the README" grep -qF -- "$want" "$SOHOA_SRC/README.md" ;;
	esac
done
check "show help names --package and --json" bash -c "grep -q -- --package '$T/help-show.txt' && grep -q -- --json '$T/help-show.txt'"
check "edit help lists the Vietnamese field names" bash -c "grep -q 'Người ký *signerName' '$T/help-edit.txt' && grep -q 'Trích yếu *subject' '$T/help-edit.txt' && grep -q 'Từ khóa *keyword' '$T/help-edit.txt' && grep -q 'Ghi chú *description' '$T/help-edit.txt'"
# "--" ends the options: "--help" after it is searched for, not help.
write_conf
SOHOA_CONF="$T/sohoa.conf" "$SOHOA" search -- --help > "$T/dd.txt" 2>&1; rc=$?
check "sohoa search -- --help is a search (no catalog yet: exit 6)" test $rc = 6
finish
