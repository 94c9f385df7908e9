#!/usr/bin/env bash
# A year's plan from the document to the first ledger (台账), with the command line alone:
#
#   scripts/plan_flow.sh DOCUMENT YEAR DIVISION.xlsx PERIOD DUE LEDGER.xlsx
#
# DOCUMENT       the work plan (.txt, .docx or a text PDF), imported as a draft plan of YEAR
# DIVISION.xlsx  the 分工 sheet as the office filled it in (lead, cooperating units, deadlines by item
#                number; `duban export division --plan N --out blank.xlsx` gives a blank one)
# PERIOD, DUE    the first reporting round: 2014-05 | 2014-Q2 | 2014-05-01:2014-05-20, due YYYY-MM-DD
# LEDGER.xlsx    where the round's ledger is written
#
# Each step stops the script on an error and leaves the step before it done. DUBAN names the command
# (default .venv/bin/duban); DATABASE_URL selects the database as for every duban command.
set -euo pipefail
DUBAN=${DUBAN:-.venv/bin/duban}
doc=$1 year=$2 division=$3 period=$4 due=$5 ledger=$6
field() { python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }

plan=$($DUBAN import "$doc" --year "$year" --json | field plan_id)
echo "imported plan #$plan / 已导入计划"
$DUBAN division import "$division" --plan "$plan" --commit
$DUBAN plan publish "$plan"
round=$($DUBAN round open --plan "$plan" --period "$period" --due "$due" --json | field round_id)
echo "opened round #$round / 已开启反馈"
$DUBAN export ledger --round "$round" --out "$ledger"
