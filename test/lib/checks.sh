#!/usr/bin/env bash
# checks.sh - check helpers for the shell suites: cases and checks are counted,
# each failure prints what was expected, and finish_cases prints the summary and
# exits non-zero when anything failed. Source it.

failed=0
cases=0
failed_cases=0
case_name=""
case_failed=0

_end_case() {
  [ -n "$case_name" ] || return 0
  if [ "$case_failed" = 0 ]; then echo "ok   $case_name"; else echo "FAIL $case_name"; fi
  failed_cases=$((failed_cases + case_failed))
}

# begin_case NAME: starts a test case (ends the previous one).
begin_case() {
  _end_case
  case_name=$1
  case_failed=0
  cases=$((cases + 1))
}

_fail() {
  failed=$((failed + 1))
  case_failed=1
  echo "    check failed: $*"
}

# check 'SHELL CONDITION' DESCRIPTION
check() { eval "$1" || _fail "$2"; }

# check_eq GOT WANT DESCRIPTION
check_eq() {
  [ "$1" = "$2" ] || _fail "$3: got [$1], want [$2]"
}

# check_match TEXT EXTENDED_REGEX DESCRIPTION: some line of TEXT matches.
check_match() {
  grep -Eq -- "$2" <<<"$1" || _fail "$3: no line matches /$2/ in:"$'\n'"$1"
}

# finish_cases: prints the summary and exits 0 only when every check passed.
finish_cases() {
  _end_case
  case_name=""
  echo "$cases cases, $failed_cases failed"
  [ "$failed" = 0 ]
  exit $?
}
