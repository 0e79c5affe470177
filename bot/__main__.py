"""`python -m bot [run | console | content-check [FILE] | review | export | red-flags ... |
keygen | rekey]`."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from telegram import Update

from bot.config import Settings, load_settings
from bot.errors import ContentError, StartupError

if TYPE_CHECKING:
    from bot.app import BotApp
    from bot.red_flags.learned import FlagWeights, LearnedReader

# The update types the bot handles; anything else is not even downloaded.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="RLS bedtime companion: a Telegram check-in bot for restless legs.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run on Telegram when TELEGRAM_BOT_TOKEN is set, else the console")
    sub.add_parser("console", help="chat with the bot in this terminal (no Telegram needed)")
    check = sub.add_parser(
        "content-check",
        help="validate the content files, list the remedies, warn on old crisis lines",
    )
    check.add_argument("file", nargs="?", type=Path, help="default: CONTENT_FILE")
    review = sub.add_parser(
        "review", help="operator: recent nights across people (read only, safe while running)"
    )
    review.add_argument("--since", default="7d", help="how far back: 24h, 7d, 2w (default 7d)")
    review.add_argument("--user", type=int, help="one person by Telegram user id (not hidden)")
    export = sub.add_parser(
        "export", help="operator: write every person's CSV into a folder (read only)"
    )
    export.add_argument("--out", type=Path, required=True, help="folder outside DATA_DIR")
    flags = sub.add_parser("red-flags", help="curators: measure or try the red-flag rules")
    flags_sub = flags.add_subparsers(dest="red_flags_command", metavar="ACTION", required=True)
    evaluate = flags_sub.add_parser(
        "eval", help="recall, precision and false alarms per flag on the corpus, both splits"
    )
    evaluate.add_argument(
        "--misses", action="store_true", help="also list the train split's misses and alarms"
    )
    evaluate.add_argument(
        "--no-probes", action="store_true", help="the two splits only (the probes take minutes)"
    )
    scan = flags_sub.add_parser(
        "scan", help='one note per line on stdin -> one {"flags": [...]} JSON line each'
    )
    scan.add_argument(
        "--why", action="store_true", help='add "why": the rule (or reader) and words per flag'
    )
    flags_sub.add_parser(
        "train", help="re-train the learned self-harm reader on the train split (needs dev extras)"
    )
    add = flags_sub.add_parser("add", help="add labelled notes (flags<TAB>note) to the corpus")
    add.add_argument("file", type=Path)
    keygen = sub.add_parser(
        "keygen", help="write a new random data key to FILE (base64, mode 0600; never overwrites)"
    )
    keygen.add_argument("file", type=Path, help="where to write it: outside DATA_DIR")
    rekey = sub.add_parser(
        "rekey", help="re-wrap every person's data key under a new key (stop the bot first)"
    )
    rekey.add_argument(
        "--new-key-file", type=Path, required=True, help="the new key (made with keygen)"
    )
    return parser


def red_flags_command(settings: Settings, args: argparse.Namespace) -> int:
    """`red-flags eval | scan | add | train`: the detector on the corpus, on stdin, corpus
    upkeep, or re-training the learned reader."""
    import json

    from bot.red_flags import load_red_flags
    from bot.red_flags.corpus import CorpusError, add_notes, evaluate, read_examples, report

    if args.red_flags_command == "train":  # before loading: the old weights may not pass
        return train_reader(settings.red_flags_file)
    book = load_red_flags(settings.red_flags_file)
    corpus = settings.red_flags_file.parent / "red_flags_corpus"
    if args.red_flags_command == "scan":
        # One JSON line per "\n"-ended line (a lone "\r" does not end one); no BOM; bad bytes ok
        with open(0, encoding="utf-8-sig", errors="replace", newline="\n", closefd=False) as notes:
            for line in notes:
                text = line.rstrip("\r\n")
                out: dict[str, object] = {"flags": [f.id for f in book.scan(text)]}
                if args.why:
                    out["why"] = [list(reason) for reason in book.explain(text)]
                try:
                    sys.stdout.write(json.dumps(out) + "\n")
                    sys.stdout.flush()
                except BrokenPipeError:  # `scan | head`: the reader has all it wanted
                    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                    return 0
        return 0
    try:
        if args.red_flags_command == "add":
            added = add_notes(corpus, read_examples(args.file, book.ids))
            print(f"added {added['train']} notes to train.tsv and {added['test']} to test.tsv")
            return 0
        splits = {s: read_examples(corpus / f"{s}.tsv", book.ids) for s in ("train", "test")}
        if (corpus / "probes.tsv").exists() and not args.no_probes:
            splits["probes"] = read_examples(corpus / "probes.tsv", book.ids)
    except (CorpusError, OSError) as exc:
        raise StartupError(str(exc)) from None

    def detect(text: str) -> list[str]:
        return [f.id for f in book.scan(text)]

    results = {split: evaluate(found, detect, book.ids) for split, found in splits.items()}
    print(report(results, book.ids))
    if book.learned is not None:

        def rules_alone(text: str) -> list[str]:
            return [f.id for f in book.scan(text, learned=False)]

        print("\nthe rules alone, then with the learned reader")
        for split, examples in splits.items():
            alone = evaluate(examples, rules_alone, book.ids)
            both = results[split]
            print(
                f"  {split:<6}  self_harm recall {alone.flags['self_harm'].recall:.3f} -> "
                f"{both.flags['self_harm'].recall:.3f}   all flags {alone.overall_recall:.3f} -> "
                f"{both.overall_recall:.3f}   harmless notes raising a flag "
                f"{alone.false_alarm_rate:.1%} -> {both.false_alarm_rate:.1%}"
            )
    if args.misses:
        # Only the train split: the test split is never read while rules are written.
        train = results["train"]
        for flag_id, score in train.flags.items():
            for text in score.misses:
                print(f"train miss  {flag_id:<16} {text}")
            for text in score.false_alarms:
                print(f"train alarm {flag_id:<16} {text}")
    return 0


def train_reader(rules_file: Path) -> int:
    """`red-flags train`: fit the learned reader and write it beside the rules."""
    from bot.red_flags import load_red_flags
    from bot.red_flags.corpus import read_examples
    from bot.red_flags.learned import CONFIRM, MODEL_FILE, RAISE, fingerprint, training_files
    from bot.red_flags.loading import must_not_examples, rule_examples

    try:
        from bot.red_flags.training import read_writers, train
    except ImportError:  # pragma: no cover - the dev extras are missing
        raise StartupError("red-flags train needs scikit-learn: pip install -e '.[dev]'") from None
    book = load_red_flags(rules_file, learned=False, self_test=False)
    files = [path for path in training_files(rules_file) if path.exists()]
    examples = [e for path in files for e in read_examples(path, book.ids)]
    writers = [w for path in files for w in read_writers(path)]
    # The rules' own examples too, so the reader keeps to what the self-test demands.
    own = rule_examples(rules_file)
    examples += own
    writers += ["the rules' examples"] * len(own)
    quiet = must_not_examples(rules_file)
    reader = train(book, examples, writers, fingerprint(rules_file), quiet=quiet)
    out = rules_file.parent / MODEL_FILE
    out.write_text(reader.to_json(), encoding="utf-8")
    print(f"wrote {out}: {len(reader.index)} n-grams, {len(reader.flags)} flags.")
    print("Each writer's notes read by a model trained on other writers.")
    headings = {
        RAISE: "Raising (recall of the reader alone; harmless notes the rules leave quiet it "
        "raises):",
        CONFIRM: "Confirming (of the rules' matches on real and on harmless notes, those set "
        "aside):",
    }
    for role, heading in headings.items():
        print(heading)
        for weights in (w for w in reader.flags.values() if w.role == role):
            print(f"  {weights.flag:<16} {_measured(weights)}")
    return 0


def _measured(weights: FlagWeights) -> str:
    """One reader's writer-by-writer numbers, as `red-flags train` prints them."""
    from bot.red_flags.learned import CONFIRM

    m = weights.measured
    if weights.role == CONFIRM:
        return (
            f"floor {weights.threshold:.2f}  real {m['cv_real_set_aside']:.0f} of "
            f"{m['cv_rule_hits_real']:.0f}  harmless {m['cv_harmless_set_aside']:.0f} of "
            f"{m['cv_rule_hits_harmless']:.0f}"
        )
    line = (
        f"threshold {weights.threshold:.3f}  recall {m['cv_recall']:.3f}  harmless raised "
        f"{m['cv_harmless_raised']:.2%}"
    )
    if "threshold_before_examples" in m:  # keep_examples_quiet raised it, at this cost
        line += f" (raised from {m['threshold_before_examples']:.3f} for the rules' examples,"
        line += f" which had recall {m['cv_recall_before_examples']:.3f})"
    if weights.long_threshold is None:
        return line
    return line + (
        f"\n  {'':<16} long notes: threshold {weights.long_threshold:.3f}  recall "
        f"{m['cv_long_recall']:.3f}  harmless raised {m['cv_long_harmless_raised']:.2%}"
    )


def keygen(settings: Settings, file: Path) -> int:
    """Write a new master key; refuses an existing file and one inside DATA_DIR."""
    from bot.crypto import is_inside, write_key_file

    if is_inside(file, settings.data_dir):
        raise StartupError(f"keygen: {file} is inside DATA_DIR; keep the key apart from the data")
    try:
        key = write_key_file(file)
    except FileExistsError:
        raise StartupError(f"keygen: {file} already exists; it is never overwritten") from None
    except OSError as exc:
        raise StartupError(f"keygen: cannot write {file} ({exc.strerror})") from None
    print(f"wrote a new data key to {file} (mode 0600, fingerprint {key.fingerprint})")
    print(f"use it with DATA_KEY_FILE={file.resolve()}; keep a copy apart from DATA_DIR backups")
    return 0


def rekey(settings: Settings, new_key_file: Path) -> int:
    """Re-wrap every person's data key under the key in `new_key_file` (one atomic write).

    After an interrupted run the keyring is under the old or the new key (its fingerprint
    says which); running the same command again finishes the job either way.
    """
    from bot.app import open_store
    from bot.crypto import Keyring, default_keyring, load_master_key

    new = load_master_key(new_key_file, None, settings.data_dir, name="--new-key-file")
    old = load_master_key(settings.data_key_file, settings.data_key_text, settings.data_dir)
    keyring = settings.keyring_file or default_keyring(settings.data_dir)
    if keyring.exists() and Keyring.fingerprint_of(keyring) == new.fingerprint:
        print(f"the keyring {keyring} is already under the new key ({new.fingerprint})")
        print(f"now start the bot with DATA_KEY_FILE={new_key_file.resolve()}")
        return 0
    store = open_store(settings)
    try:
        count = store.rekey(new)
    finally:
        store.close()
    print(
        f"re-wrapped the data keys of {count} people under the new key (fingerprint "
        f"{new.fingerprint}, was {old.fingerprint}); the data files are unchanged"
    )
    print(
        f"now start the bot with DATA_KEY_FILE={new_key_file.resolve()}; keep the old key while "
        "keyring backups made before today may still be needed"
    )
    return 0


def operator_command(settings: Settings, args: argparse.Namespace) -> int:
    """`review` and `export`: read DATA_DIR without the writer lock, never write to it."""
    from bot.app import open_store
    from bot.clock import system_clock
    from bot.content import load_catalog
    from bot.errors import DataKeyError
    from bot.operator import export_all, parse_since, review_table

    catalog = load_catalog(settings.content_file)
    try:
        store = open_store(settings, read_only=True)
    except DataKeyError as exc:
        # The diary is encrypted: reading it needs the same key as the bot.
        raise DataKeyError(f"{args.command} needs the bot's data key: {exc}") from None
    now = system_clock()
    if args.command == "review":
        try:
            since = (now - parse_since(args.since)).date()
        except ValueError as exc:
            raise StartupError(str(exc)) from None
        print(review_table(store, catalog, since=since, user_id=args.user, now=now))
        return 0
    try:
        count = export_all(store, catalog, args.out, report=print)
    except (ValueError, OSError) as exc:
        raise StartupError(f"--out: {exc}") from None
    print(f"wrote {count} CSV files to {args.out}")
    return 0


def run_telegram(settings: Settings) -> int:
    """On Telegram until SIGINT/SIGTERM: long polling, or webhook mode with WEBHOOK_URL."""
    from bot.app import build_application, configure_logging, install_stop_signals, open_services

    configure_logging(settings)
    services = open_services(settings)
    app = build_application(services)
    post_init = app.post_init

    async def init(application: BotApp) -> None:
        if post_init is not None:
            await post_init(application)
        install_stop_signals(application)  # from here on, SIGTERM stops without waiting

    app.post_init = init
    if settings.webhook_url is None:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
        return 0
    # python-telegram-bot's webhook server: it calls setWebhook with the secret, and refuses
    # (403) any POST whose X-Telegram-Bot-Api-Secret-Token header is not that secret.
    app.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=settings.webhook_path,
        webhook_url=settings.webhook_url,
        secret_token=settings.secret,
        allowed_updates=ALLOWED_UPDATES,
    )
    return 0


def content_check(settings: Settings, file: Path | None, today: dt.date) -> int:
    """Validate the remedies file (and the red flags and crisis lines beside it); warn about
    crisis lines last checked more than six months before `today`."""
    from bot.content import check_companion_file, load_catalog, summary_table
    from bot.red_flags import STALE_AFTER_MONTHS, load_crisis, load_red_flags, stale_entries

    path = file or settings.content_file
    catalog = load_catalog(path)
    print(summary_table(catalog))
    red_flags_file, crisis_file = path.parent / "red_flags.toml", path.parent / "crisis.toml"
    red_flags = load_red_flags(red_flags_file)
    check_companion_file(red_flags_file)
    print(f"{len(red_flags.flags)} red flags, version {red_flags.version}: valid (examples pass)")
    check_learned_reader(red_flags_file, red_flags.learned)
    crisis = load_crisis(crisis_file)
    check_companion_file(crisis_file)
    print(f"crisis lines for {len(crisis.countries)} countries and a fallback: valid")
    for entry in stale_entries(crisis, today):
        print(
            f"warning: {crisis_file}: {entry.code or 'international'} ({entry.name}) was last "
            f"checked on {entry.checked_on}, more than {STALE_AFTER_MONTHS} months ago; check "
            "its numbers and update checked_on",
            file=sys.stderr,
        )
    return 0


def check_learned_reader(rules_file: Path, reader: LearnedReader | None) -> None:
    """The learned reader's weights must come from the current train split and rules."""
    from bot.red_flags.learned import MODEL_FILE, fingerprint, training_files

    if reader is None:
        print(f"no {MODEL_FILE} beside {rules_file.name}: the rules alone read notes")
        return
    # Checked where the corpus is (a repository checkout), not in an installed package.
    if training_files(rules_file)[0].exists() and fingerprint(rules_file) != reader.trained_on:
        raise ContentError(
            f"{rules_file.parent / MODEL_FILE}: trained on an older corpus or rules file; run "
            "`python -m bot red-flags train` and commit the new weights"
        )
    print(
        f"learned reader: {len(reader.index)} n-grams, {len(reader.flags)} flags, trained on "
        "the current corpus and rules"
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point; every start-up problem is one line on stderr and exit code 2."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "content-check":
            from bot.clock import system_clock

            return content_check(settings, args.file, system_clock().date())
        if args.command == "red-flags":
            return red_flags_command(settings, args)
        if args.command in ("review", "export"):
            return operator_command(settings, args)
        if args.command == "keygen":
            return keygen(settings, args.file)
        if args.command == "rekey":
            return rekey(settings, args.new_key_file)
        if args.command == "console" or settings.token is None:
            from bot import console

            return console.run(settings)
        return run_telegram(settings)
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
