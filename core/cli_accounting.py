"""rxdesk-admin trial-balance and valuation: the books and the stock's value, for the
accountant and for automation (amounts as decimal strings in --json)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TextIO

from core.cli_support import EXIT_OK, json_option, open_ready, print_json
from core.errors import InvalidInput
from core.queries.accounting import inventory_valuation, trial_balance


def add_accounting_commands(commands, command: Callable) -> None:
    p = command(commands, "trial-balance", cmd_trial_balance, "every account's debits, "
                "credits and balance; says whether the books balance")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="entries dated up to this day")
    json_option(p)
    p = command(commands, "valuation", cmd_valuation, "the stock we own, per lot, at its "
                "FIFO cost (equals the Inventory account)")
    json_option(p)


def cmd_trial_balance(args, out: TextIO) -> int:
    as_of = None
    if args.as_of:
        try:
            as_of = date.fromisoformat(args.as_of.strip())
        except ValueError:
            raise InvalidInput("as_of", f"--as-of '{args.as_of}' is not a date like "
                               "2026-11-30.") from None
    open_ready(args)
    tb = trial_balance(as_of)
    if args.json:
        print_json(out, tb.as_json())
        return EXIT_OK
    out.write(f"{'Account':<42}{'Debit':>15}{'Credit':>15}{'Balance':>15}\n")
    for a in tb.accounts:
        out.write(f"{a.code + ' ' + a.name:<42}{a.debit:>15,}{a.credit:>15,}"
                  f"{a.balance:>15,}\n")
    out.write(f"{'Total':<42}{tb.total_debit:>15,}{tb.total_credit:>15,}\n")
    out.write("The books balance.\n" if tb.balanced else "THE BOOKS DO NOT BALANCE.\n")
    return EXIT_OK


def cmd_valuation(args, out: TextIO) -> int:
    open_ready(args)
    valuation = inventory_valuation()
    if args.json:
        print_json(out, valuation.as_json())
        return EXIT_OK
    for line in valuation.lines:
        out.write(f"{line.ndc:<14}{line.lot:<22}{line.quantity:>9,}{line.value:>15,}  "
                  f"{line.product}\n")
    out.write(f"Total {valuation.total:,}\n")
    return EXIT_OK
