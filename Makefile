# Pitboss: `make demo` runs the main job on the sample data, `make test` runs every test.
# Both first make sure the system libraries are there (installing them with apt-get when run as root).

SWIFT       ?= swift
DEBS        := libpcre2-dev libsqlite3-dev pkg-config sqlite3 tzdata libpq-dev postgresql
BIN         := .build/debug/pitboss
DEMO_DB     := demo.sqlite

.PHONY: all deps build test demo bench clean report-screenshot

all: build

deps:
	@missing=""; \
	for p in $(DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Pitboss needs these system packages:$$missing"; \
	    echo "install them with: sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(BIN) rubric lint Rubrics/*.yaml
	$(BIN) rubric test Rubrics/*.yaml
	$(BIN) rubric eval Rubrics/eval/labels.yaml

demo: build
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	@echo "== pitboss import Transcripts/ (into $(DEMO_DB))"
	$(BIN) import --db $(DEMO_DB) Transcripts/
	@echo
	@echo "== pitboss stats"
	$(BIN) stats --db $(DEMO_DB)
	@echo
	@echo "== pitboss flag --shift 2026-11-21-night (the rubric over the night shift; findings stored, flagged conversations queued)"
	$(BIN) flag --db $(DEMO_DB) --shift 2026-11-21-night
	@echo
	@echo "== pitboss flag (the rest; what the night run did is skipped)"
	$(BIN) flag --db $(DEMO_DB)
	@echo
	@echo "== pitboss sample --size 5 --stratify channel --seed demo-2026-11-21 (a fair random sample of what was not flagged, queued as 'sample')"
	$(BIN) sample --db $(DEMO_DB) --size 5 --stratify channel --seed demo-2026-11-21 --as qa.lead
	@echo
	@echo "== pitboss queue list (flagged and sampled, most urgent first)"
	$(BIN) queue list --db $(DEMO_DB)
	@echo
	@echo "== pitboss check chat-20261121-0008 (one conversation, the matched words highlighted; nothing stored)"
	$(BIN) check --db $(DEMO_DB) chat-20261121-0008
	@echo
	@echo "== pitboss review chat-20261121-0008 --as qa.maria (a reviewer's session; the answers are piped in here)"
	printf '%s\n' c c c '' '' '' '' n '' n p \
	  'Blames the player and brushes them off; coach on de-escalation.' s | $(BIN) review --db $(DEMO_DB) --as qa.maria chat-20261121-0008
	@echo
	@echo "== pitboss history chat-20261121-0008 (the stored review and the audit trail)"
	$(BIN) history --db $(DEMO_DB) chat-20261121-0008
	@echo
	@echo "== pitboss queue list --status scored"
	$(BIN) queue list --db $(DEMO_DB) --status scored
	@echo
	@echo "== pitboss retrain suggest --until 2026-11-07 --criterion courtesy (who needed retraining in the weeks before 7 November)"
	$(BIN) retrain suggest --db $(DEMO_DB) --until 2026-11-07 --criterion courtesy
	@echo
	@echo "== pitboss retrain assign en.kevin --module de-escalation ... --on 2026-11-07T10:00 (recorded after the fact, as floors move history in)"
	$(BIN) retrain assign en.kevin --db $(DEMO_DB) --as sup.olga --module de-escalation --due 2026-11-14 \
	  --evidence chat-20261105-k14 --evidence chat-20261030-k12 --note 'Rude to players in 10 of 14 chats' --on 2026-11-07T10:00
	$(BIN) retrain start 1 --db $(DEMO_DB) --as sup.olga --on 2026-11-08T09:00
	$(BIN) retrain complete 1 --db $(DEMO_DB) --as sup.olga --on 2026-11-09T16:00
	@echo
	@echo "== pitboss retrain outcome 1 (30 days before against the 14 days after, the rest of the team's change taken away)"
	$(BIN) retrain outcome 1 --db $(DEMO_DB)
	@echo
	@echo "== pitboss retrain outcomes (every assignment, and what each module achieved)"
	$(BIN) retrain outcomes --db $(DEMO_DB)
	@echo
	@echo "== the rest of the queue scored by three reviewers (pitboss score: a courtesy finding fails courtesy; findings confirmed,"
	@echo "   except that qa.oleg dismisses verify-before-account-details, the player having been verified in an earlier chat)"
	@i=0; for row in $$($(BIN) queue list --db $(DEMO_DB) --status open --format csv | tail -n +2 | cut -d, -f1,2); do \
	  item=$${row%%,*}; conversation=$${row#*,}; i=$$((i + 1)); \
	  case $$((i % 3)) in 0) who=qa.maria;; 1) who=qa.oleg;; *) who=qa.selin;; esac; \
	  found=$$($(BIN) findings --db $(DEMO_DB) --conversation $$conversation --format csv | tail -n +2 | cut -d, -f1,4,5); \
	  courtesy=pass; echo "$$found" | grep -q ',courtesy$$' && courtesy=fail; \
	  set --; for f in $$(echo "$$found" | cut -d, -f1,2); do \
	    if [ $$who = qa.oleg ] && [ "$${f#*,}" = verify-before-account-details ]; then \
	      set -- "$$@" --dismiss "F$${f%%,*}:the player was verified in an earlier chat"; \
	    else set -- "$$@" --confirm "F$${f%%,*}"; fi; \
	  done; \
	  $(BIN) score $$item --db $(DEMO_DB) --as $$who "$$@" \
	    --set greeting=pass,courtesy=$$courtesy,accuracy=pass,closing=pass,responsible-gambling=na,sla=na,verification=na,script=pass > /dev/null || exit 1; \
	done; echo "scored $$i items"
	$(BIN) score chat-20261121-0008 --db $(DEMO_DB) --as qa.lead --revise 'Blame and brush-off: auto-fail is for abuse, not this; courtesy stays failed' \
	  --set greeting=pass,courtesy=fail,accuracy=pass,closing=pass,responsible-gambling=na,sla=na,verification=na,script=pass
	@echo
	@echo "== pitboss calibrate create nov-w4 (three reviewers score the same three conversations, blind)"
	$(BIN) calibrate create nov-w4 --db $(DEMO_DB) --as sup.olga --reviewers qa.maria,qa.tom,qa.li \
	  --conversations whisperx-en-0052,chat-20261022-l03,chat-20261105-a14
	@echo
	@echo "== each reviewer: pitboss review next (answers piped in: qa.maria and qa.tom confirm every finding, qa.li dismisses them)"
	@for who in qa.maria qa.tom qa.li; do \
	  verdict='c all'; [ $$who = qa.li ] && verdict='d all quoting the player'; \
	  for n in 1 2 3; do printf '%s\ny\n\n\n\n\n\n\n\n\n\ns\n' "$$verdict"; [ $$n = 3 ] && echo q || echo n; done \
	    | $(BIN) review next --db $(DEMO_DB) --as $$who > /dev/null || exit 1; \
	done
	$(BIN) calibrate status nov-w4 --db $(DEMO_DB)
	$(BIN) calibrate close nov-w4 --db $(DEMO_DB) --as sup.olga
	@echo
	@echo "== pitboss calibrate report nov-w4 (agreement per criterion, each reviewer against the majority, the conversations to discuss)"
	$(BIN) calibrate report nov-w4 --db $(DEMO_DB)
	@echo
	@echo "== pitboss dispute open chat-20261121-0008 (the agent contests courtesy), then a supervisor decides it"
	$(BIN) dispute open chat-20261121-0008 --db $(DEMO_DB) --criterion courtesy --reason 'The player swore first; I quoted the terms' --as en.kevin
	$(BIN) dispute decide 1 --db $(DEMO_DB) --accept --set courtesy=pass --reason 'Firm, not rude: the agent quoted the terms' --as sup.olga
	$(BIN) dispute show 1 --db $(DEMO_DB)
	@echo
	@echo "== pitboss report agents (each agent's scores, findings and retraining beside the team's)"
	$(BIN) report agents --db $(DEMO_DB)
	@echo
	@echo "== pitboss report shift 2026-11-21-night (volume, flag rate, first response against the SLA, backlog)"
	$(BIN) report shift 2026-11-21-night --db $(DEMO_DB)
	@echo
	@echo "== pitboss report reviewers"
	$(BIN) report reviewers --db $(DEMO_DB)
	@echo
	@echo "== the same as pages: demo-report.html (agents), demo-agent.html (en.kevin), demo-shift.html (the night shift)"
	$(BIN) report agents --db $(DEMO_DB) --format html -o demo-report.html
	$(BIN) report agent en.kevin --db $(DEMO_DB) --format html -o demo-agent.html
	$(BIN) report shift 2026-11-21-night --db $(DEMO_DB) --format html -o demo-shift.html

# The demo's HTML reports as a person sees them: rendered by headless Chromium (Debian's chromium, installed when
# missing and run as root) to demo-*.png. Not part of make test.
report-screenshot: demo
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; \
	  else echo "make report-screenshot needs chromium: sudo apt-get install -y chromium fonts-dejavu-core"; exit 1; fi; }
	@for page in demo-report demo-agent demo-shift; do \
	  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,2600 \
	    --screenshot=$$PWD/$$page.png file://$$PWD/$$page.html 2>/dev/null && echo "wrote $$page.png"; \
	done

bench: deps
	Benchmarks/run.sh
	Benchmarks/flag.sh

clean:
	rm -rf .build $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB)-flag.lock demo-*.html demo-*.png
