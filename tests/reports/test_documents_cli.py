"""rxdesk-admin pick-list / label / packing-slip / t3 (loaded through the entry point)."""

from __future__ import annotations

import json

from core.cli import main
from core.models import SalesOrder, Shipment
from tests.reports.readback import pdf_text


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_document_from_the_command_line(shipped_shipment, seeded_url, tmp_path,
                                              capsys):
    shipment = Shipment.get_by_id(shipped_shipment)
    order = SalesOrder.get_by_id(shipment.order_id)
    db = ["--db", seeded_url]
    slip, t3, labels, zpl = (tmp_path / n for n in ("slip.pdf", "t3.pdf", "labels.pdf",
                                                    "labels.zpl"))
    code, out, _ = run(capsys, "packing-slip", "--shipment", shipment.number, "-o",
                       str(slip), *db)
    assert code == 0 and out == f"wrote packing slip {shipment.number} to {slip} (1 page)\n"
    assert shipment.number in pdf_text(slip)
    code, out, _ = run(capsys, "t3", "--shipment", str(shipment.id), "-o", str(t3), "--json",
                       *db)
    assert code == 0 and json.loads(out)["file"] == str(t3)
    assert "Transaction Statement" in pdf_text(t3)
    code, out, _ = run(capsys, "label", "--shipment", shipment.number, "-o", str(labels), *db)
    assert code == 0 and "(2 pages)" in out
    code, out, _ = run(capsys, "label", "--shipment", shipment.number, "-o", str(zpl),
                       "--zpl", *db)
    assert code == 0 and "(2 labels)" in out and zpl.read_text().count("^XA") == 2
    # The order has shipped: nothing is reserved, so there is nothing to pick (exit 2).
    code, out, err = run(capsys, "pick-list", "--order", order.number, "-o",
                         str(tmp_path / "pick.pdf"), *db)
    assert code == 2 and "nothing to pick" in err and not (tmp_path / "pick.pdf").exists()
    assert not list(tmp_path.glob(".*.partial"))


def test_a_pick_list_and_a_wrong_number(allocated_order, seeded_url, tmp_path, capsys):
    out_file = tmp_path / "pick.pdf"
    code, out, _ = run(capsys, "pick-list", "--order", str(allocated_order), "-o",
                       str(out_file), "--db", seeded_url)
    assert code == 0 and "SO-000001" in pdf_text(out_file)
    code, _, err = run(capsys, "t3", "--shipment", "SH-999999", "-o", str(tmp_path / "x.pdf"),
                       "--db", seeded_url)
    assert code == 2 and "No shipment 'SH-999999' exists." in err
    code, _, err = run(capsys, "t3", "--shipment", "ship-1", "-o", str(tmp_path / "x.pdf"),
                       "--db", seeded_url)
    assert code == 2 and "give its number (SH-000012) or its id (12)" in err
