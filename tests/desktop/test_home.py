"""License renewals the Home screen warns about."""

from dataclasses import replace
from datetime import date

from core.queries.company import company_profile
from desktop.screens.home import expiry_warnings


def test_expiry_warnings(db):
    profile = replace(company_profile(), license_expiry=date(2027, 1, 20),
                      dea_expiry=date(2026, 12, 31))
    assert expiry_warnings(profile, today=date(2026, 11, 1)) == []
    [(expired, text)] = expiry_warnings(profile, today=date(2026, 12, 10))
    assert not expired and text.startswith("DEA registration expires on 2026-12-31 (in 21 days)")
    warnings = expiry_warnings(profile, today=date(2027, 1, 5))
    assert [w[0] for w in warnings] == [False, True]
    assert "expired on 2026-12-31" in warnings[1][1]
